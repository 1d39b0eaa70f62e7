#!/usr/bin/env bash
# deps.sh checks what the tests need and installs what it can.
#
# - ffmpeg (with libx264 and aac): the publisher of the integration tests.
# - coturn: turnutils_stunclient is a STUN client nobody here wrote, used
#   against srs-p2p's STUN service; turnserver is the baseline of
#   make bench-stun.
# - nginx: runs conf/nginx-cdn.conf, the CDN edge of docker-compose.yml, in
#   the integration tests.
# - chromium: Debian's headless browser, driven by puppeteer-core in the
#   dashboard and player tests (integration/browser).
# - node + npm (Node >= 18): build the web SDK (sdk/web) and run the browser
#   drivers; then `npm ci` in every npm project of the repo whose
#   node_modules is missing or older than its package-lock.json.
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

have_chromium() {
	[ -x /usr/bin/chromium ]
}

have_node() {
	command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 &&
		[ "$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)" -ge 18 ]
}

# npm_projects installs the npm dependencies of each project from its
# lock file (npm ci: exact versions, registry only).
npm_projects() {
	local lock dir
	for lock in sdk/web/package-lock.json integration/browser/package-lock.json \
		bench/trackerload/npm/package-lock.json integration/trackerclient/package-lock.json; do
		[ -f "$lock" ] || continue
		dir=$(dirname "$lock")
		if [ -f "$dir/node_modules/.package-lock.json" ] && [ "$dir/node_modules/.package-lock.json" -nt "$lock" ]; then
			continue
		fi
		echo "deps: npm ci in $dir"
		(cd "$dir" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $dir"
	done
}

cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=()
have_ffmpeg || missing+=(ffmpeg)
have_coturn || missing+=(coturn)
have_nginx || missing+=(nginx)
have_chromium || missing+=(chromium)
have_node || missing+=(nodejs npm)

if [ ${#missing[@]} = 0 ]; then
	echo "deps: ffmpeg ok ($(command -v ffmpeg)), coturn ok ($(command -v turnutils_stunclient)), nginx ok, chromium ok, node $(node -v) ok"
	npm_projects
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	die "missing: ${missing[*]} (the integration tests need ffmpeg with libx264 and aac, coturn's turnutils_stunclient, nginx, chromium, and node >= 18 with npm); install with: sudo apt-get install -y ${missing[*]}"
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
have_chromium || die "chromium was installed but /usr/bin/chromium is missing"
have_node || die "node >= 18 and npm are needed; install them (https://nodejs.org/) and rerun"
echo "deps: installed ${missing[*]}"
npm_projects
