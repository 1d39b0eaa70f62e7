#!/usr/bin/env bash
# demo.sh shows srs-p2p at work without SRS: ffmpeg publishes a test
# pattern as live HLS into ./demo/hls the way SRS writes it (segment to a
# temp file then renamed, playlist replaced atomically, old segments
# deleted), srs-p2p watches the dir, writes live/livestream.p2p.json next to
# the playlist, serves the files at /hls/ (standing in for SRS's
# http_server or a CDN), and runs the tracker, STUN, pingback, the
# dashboard and the player page. Open the player URL in two browser tabs
# and watch the P2P share grow. Ctrl-C stops both.
#
# Environment: LISTEN (default 127.0.0.1:8085) is srs-p2p's HTTP address;
# BIN (default bin/srs-p2p) the binary; STUN_LISTEN / STUN_ALT_LISTEN
# (default 127.0.0.1:3478 / 127.0.0.1:3479) its STUN ports.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

LISTEN=${LISTEN:-127.0.0.1:8085}
BIN=${BIN:-bin/srs-p2p}
HLS=demo/hls
host=$LISTEN
case $host in
:*) host=127.0.0.1$host ;;
0.0.0.0:*) host=127.0.0.1:${host#0.0.0.0:} ;;
esac

scripts/deps.sh
"${MAKE:-make}" --no-print-directory build BIN="$BIN"

rm -rf "$HLS"
mkdir -p "$HLS/live"

pids=()
stop() {
	trap - INT TERM EXIT
	echo
	echo "demo: stopping"
	for pid in "${pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
}
trap stop EXIT
trap 'exit 130' INT TERM

stun=${STUN_LISTEN:-127.0.0.1:3478}
stun_alt=${STUN_ALT_LISTEN:-127.0.0.1:3479}
# The public URLs viewers use, written into every manifest: here the same
# host the browser opens.
SRS_P2P_HLS_DIR="$HLS" SRS_P2P_LISTEN="$LISTEN" \
	SRS_P2P_STUN_LISTEN="$stun" SRS_P2P_STUN_ALT_LISTEN="$stun_alt" \
	SRS_P2P_P2P_TRACKERS="ws://$host/p2p/v1/tracker" \
	SRS_P2P_P2P_STUN="stun:$stun,stun:$stun_alt" \
	SRS_P2P_P2P_PINGBACK="http://$host/p2p/v1/pingback" \
	SRS_P2P_PLAYER_SERVE_HLS=true \
	"$BIN" 2>demo/srs-p2p.log &
pids+=($!)

ffmpeg -hide_banner -loglevel warning -nostdin \
	-re -f lavfi -i testsrc2=size=640x360:rate=25 -f lavfi -i sine=frequency=440 \
	-c:v libx264 -preset veryfast -tune zerolatency -g 50 -c:a aac \
	-f hls -hls_time 2 -hls_list_size 10 -hls_flags temp_file+delete_segments \
	-hls_segment_filename "$HLS/live/livestream-%d.ts" "$HLS/live/livestream.m3u8" \
	2>demo/ffmpeg.log &
pids+=($!)

echo "demo: waiting for $HLS/live/livestream.p2p.json (logs: demo/srs-p2p.log, demo/ffmpeg.log)"
for _ in $(seq 1 300); do
	[ -s "$HLS/live/livestream.p2p.json" ] && break
	for pid in "${pids[@]}"; do
		kill -0 "$pid" 2>/dev/null || {
			echo "demo: a process exited early; last log lines:" >&2
			tail -n 20 demo/srs-p2p.log demo/ffmpeg.log >&2
			exit 1
		}
	done
	sleep 0.1
done
[ -s "$HLS/live/livestream.p2p.json" ] || {
	echo "demo: no manifest after 30s; see demo/srs-p2p.log" >&2
	exit 1
}

cat <<MSG

  player     http://$host/play/live/livestream    <- open it in two (or more) tabs:
             the second tab fetches segments from the first, each one checked
             against the manifest's SHA-256; the page shows the P2P share live
  dashboard  http://$host/                        viewers, offload, stalls, charts
  playlist   http://$host/hls/live/livestream.m3u8
  manifest   http://$host/hls/live/livestream.p2p.json
             (also http://$host/p2p/v1/manifests/live/livestream.p2p.json)
  API        http://$host/api/v1/streams
  metrics    http://$host/metrics

  Ctrl-C stops ffmpeg and srs-p2p.
MSG

# Run until Ctrl-C or until either process dies.
wait -n "${pids[@]}" || true
echo "demo: a process exited; see demo/srs-p2p.log and demo/ffmpeg.log" >&2
exit 1
