#!/usr/bin/env bash
# sdk.sh builds the web SDK (sdk/web) and the player bundle the binary
# embeds (sidecar/player/dist/player.js) when they are missing or older than
# their sources. Without node/npm it says so and leaves the bundle out: the
# binary still builds, and its player page explains how to add the bundle.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

web=sdk/web
out=sidecar/player/dist/player.js
[ -f "$web/package.json" ] || exit 0

if ! command -v npm >/dev/null 2>&1; then
	echo "sdk: npm not found; building without the player bundle (run make deps)" >&2
	exit 0
fi
if [ ! -f "$web/node_modules/.package-lock.json" ] || [ "$web/package-lock.json" -nt "$web/node_modules/.package-lock.json" ]; then
	echo "sdk: npm ci in $web"
	(cd "$web" && npm ci --no-audit --no-fund --loglevel=error)
fi
stale=no
if [ ! -f "$out" ]; then
	stale=yes
elif [ -n "$(find "$web/src" "$web/package.json" "$web/package-lock.json" "$web"/*.mjs "$web"/*.js -newer "$out" -print -quit 2>/dev/null)" ]; then
	stale=yes
fi
if [ "$stale" = yes ]; then
	echo "sdk: npm run build in $web"
	(cd "$web" && npm run --silent build)
fi
