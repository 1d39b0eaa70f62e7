#!/usr/bin/env bash
# deps.sh checks what the tests need and installs what it can.
#
# - ffmpeg (with libx264 and aac): the publisher of the integration tests.
# - coturn: turnutils_stunclient is a STUN client nobody here wrote, used
#   against srs-p2p's STUN service; turnserver is the baseline of
#   make bench-stun.
# - nginx: runs conf/nginx-cdn.conf, the CDN edge of docker-compose.yml, in
#   the integration tests.
# When something is missing: as root on Debian/Ubuntu, install it with
# apt-get (refreshing the package index only if the first attempt fails);
# otherwise fail with the command to run.
set -euo pipefail

die() {
	echo "deps: $*" >&2
	exit 1
}

command -v go >/dev/null 2>&1 || die "go is not in PATH; install the Go version named in go.mod (https://go.dev/dl/)"

have_ffmpeg() {
	command -v ffmpeg >/dev/null 2>&1 || return 1
	local encoders
	encoders=$(ffmpeg -hide_banner -encoders 2>/dev/null) || return 1
	grep -q ' libx264 ' <<<"$encoders" && grep -q ' aac ' <<<"$encoders"
}

have_nginx() {
	command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ]
}

have_coturn() {
	command -v turnutils_stunclient >/dev/null 2>&1 && command -v turnserver >/dev/null 2>&1
}

missing=()
have_ffmpeg || missing+=(ffmpeg)
have_coturn || missing+=(coturn)
have_nginx || missing+=(nginx)

if [ ${#missing[@]} = 0 ]; then
	echo "deps: ffmpeg ok ($(command -v ffmpeg)), coturn ok ($(command -v turnutils_stunclient)), nginx ok"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	die "missing: ${missing[*]} (the integration tests need ffmpeg with libx264 and aac, coturn's turnutils_stunclient and nginx); install with: sudo apt-get install -y ${missing[*]}"
fi
command -v apt-get >/dev/null 2>&1 ||
	die "missing: ${missing[*]} and apt-get is not available; install them, then rerun"

export DEBIAN_FRONTEND=noninteractive
echo "deps: missing ${missing[*]}; running apt-get install -y ${missing[*]}"
if ! apt-get install -y "${missing[@]}"; then
	echo "deps: install failed; running apt-get update and retrying"
	apt-get update
	apt-get install -y "${missing[@]}"
fi
# Debian's coturn package may start a TURN server on 3478, srs-p2p's STUN
# port: the tests need only its binaries.
if command -v systemctl >/dev/null 2>&1; then
	systemctl disable --now coturn >/dev/null 2>&1 || true
	# The tests run their own nginx on loopback ports; the packaged service
	# is not needed.
	systemctl disable --now nginx >/dev/null 2>&1 || true
fi
# Without systemd, Debian's nginx package starts a daemon on port 80 through
# its init script: stop it, the tests start nginx themselves.
if [ -s /run/nginx.pid ] && command -v nginx >/dev/null 2>&1; then
	nginx -s quit >/dev/null 2>&1 || true
fi
have_ffmpeg || die "ffmpeg was installed but lacks libx264 or aac"
have_coturn || die "coturn was installed but turnutils_stunclient or turnserver is missing"
have_nginx || die "nginx was installed but is not in PATH or /usr/sbin"
echo "deps: installed ${missing[*]}"
