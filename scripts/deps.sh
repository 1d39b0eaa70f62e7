#!/usr/bin/env bash
# deps.sh checks what the tests need and installs what it can.
#
# The integration tests run ffmpeg (with libx264 and aac) as the publisher.
# When it is missing: as root on Debian/Ubuntu, install it with apt-get
# (refreshing the package index only if the first attempt fails);
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

if have_ffmpeg; then
	echo "deps: ffmpeg ok ($(command -v ffmpeg))"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	die "ffmpeg with libx264 and aac is required by the integration tests and is missing; install it with: sudo apt-get install -y ffmpeg"
fi
command -v apt-get >/dev/null 2>&1 ||
	die "ffmpeg is missing and apt-get is not available; install ffmpeg with libx264 and aac, then rerun"

export DEBIAN_FRONTEND=noninteractive
echo "deps: ffmpeg missing; running apt-get install -y ffmpeg"
if ! apt-get install -y ffmpeg; then
	echo "deps: install failed; running apt-get update and retrying"
	apt-get update
	apt-get install -y ffmpeg
fi
have_ffmpeg || die "ffmpeg was installed but lacks libx264 or aac"
echo "deps: ffmpeg installed ($(command -v ffmpeg))"
