// Package player serves srs-p2p's demo player page: GET /play/{app}/{stream} plays the stream's
// HLS playlist with the web SDK (sdk/web: hls.js and p2p-media-loader configured from the P2P
// manifest, every peer segment verified) and shows live P2P statistics. The page's script is the
// SDK's build output (sdk/web, `npm run build`, written to this package's dist/ and embedded);
// a binary built without it answers the page with 503 and says how to build it.
//
// Routes (Mount):
//
//	GET /play/{app}/{stream}  the page; app and stream are 1..128 of [A-Za-z0-9_.-], never "..".
//	GET /play/assets/*        player.js, its source map, player.css (embedded)
//	GET /hls/*                when Config.HLSDir is set: the HLS dir, read-only, so the demo
//	                          needs neither SRS's HTTP server nor a CDN (m3u8, ts, m4s, mp4, aac
//	                          and p2p.json files only, no listing, no dotfiles, through os.Root)
//
// The page sends a strict Content-Security-Policy: scripts and styles only from srs-p2p itself,
// no inline script, media from blob: (MediaSource), srs-p2p and the playlist's origin. Its
// connect-src is open to http(s) and ws(s) because the tracker and pingback URLs come from the
// manifest, which the page server does not read and which may change while the page plays; with
// no foreign script able to run, that is not a way in. Referrer-Policy no-referrer keeps a
// ?token= in the page URL from leaking to the CDN.
//
// Query parameters the page understands (handled by its script): ?src=<playlist URL> plays
// another playlist (same origin, or http/https; its origin is added to the policy), ?token= is
// the viewer token for the tracker and pingback, ?muted=0 starts with sound (default muted, so
// browsers allow autoplay).
package player
