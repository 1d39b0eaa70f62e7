// Package pingback is srs-p2p's viewer statistics service: browsers POST
// small reports of how playback goes, the server keeps per-stream sliding
// windows and an hour of history, exports them as per-stream metrics and
// to the API, and tells the tracker which peers served bad data and which
// upload.
//
// # Report format, version 1
//
// POST /p2p/v1/pingback (Path), body at most 64 KiB, Content-Type
// application/json or text/plain (what navigator.sendBeacon sends for a
// string; any parameters such as charset are ignored). CORS is open:
// OPTIONS is answered with Access-Control-Allow-Origin *, Allow-Methods
// POST, OPTIONS and Allow-Headers Content-Type. When the server has a token
// secret, ?token= is required (below).
//
//	{"version":1,"reports":[{
//	  "swarm_id":"srs-p2p:o1/__defaultVhost__/live/livestream/vid-0ore7v9",
//	  "peer_id":"-PM0203-ab12cd34ef56",
//	  "session":"k3J9aQ7x",
//	  "seq":1,
//	  "interval_ms":10000,
//	  "cdn_bytes":0,"p2p_down_bytes":0,"p2p_up_bytes":0,
//	  "segments_cdn":0,"segments_p2p":0,
//	  "stalls":0,"stall_ms":0,
//	  "startup_ms":0,
//	  "buffer_s":12.5,
//	  "watch_ms":10000,
//	  "peers_connected":3,
//	  "conn_ok":2,"conn_fail":1,
//	  "hash_failures":[{"peer_id":"-PM0203-xxxxxxxxxxxx","count":1}],
//	  "nat":"unknown",
//	  "sdk":"srs-p2p-web/0.1.0",
//	  "device":"desktop",
//	  "final":false
//	}]}
//
// "version" (must be 1) and 1 to 16 "reports" are required. In a report:
//
//	field            type     range / meaning
//	swarm_id         string   required, 1..512 bytes: the manifest's swarm_id of a live stream
//	peer_id          string   "" (no peer yet) or the 20-character latin1 binary string announced to the tracker
//	session          string   required, 8..64 of [A-Za-z0-9_-], random per page load
//	seq              integer  required, 1..4294967295; 1, 2, 3, ... per session
//	interval_ms      integer  0..120000, the time this report covers
//	cdn_bytes        integer  0..1e10, delta since the previous report; so are the next ones up to conn_fail
//	p2p_down_bytes   integer  0..1e10
//	p2p_up_bytes     integer  0..1e10
//	segments_cdn     integer  0..10000
//	segments_p2p     integer  0..10000
//	stalls           integer  0..10000
//	stall_ms         integer  0..interval_ms
//	startup_ms       integer  0..120000; > 0 only in the report where playback first started
//	buffer_s         number   0..3600, forward buffer now
//	watch_ms         integer  0..interval_ms, time playing or stalled (the denominator of the stall ratio)
//	peers_connected  integer  0..1000, now
//	conn_ok          integer  0..10000, peer connection attempts that succeeded
//	conn_fail        integer  0..10000, that failed
//	hash_failures    array    up to 32 of {"peer_id": "" or a peer id, "count": 1..10000}
//	nat              string   "unknown" (default) | "endpoint_independent" | "endpoint_dependent" | "no_udp"
//	sdk              string   0..64 printable ASCII
//	device           string   "desktop" | "mobile" | "tv" | "other" (default)
//	final            boolean  true in the beacon sent when the page hides: the viewer leaves now
//
// Decoding is strict: unknown or duplicate fields, keys in another case,
// null, a wrong JSON type, fractions or exponents in integers, negative
// numbers, out-of-range values, invalid UTF-8 and data after the object are
// all errors that name the field. Omitted numbers are 0. One bad report
// rejects the whole request and nothing of it is counted.
//
// Success is 200 with
//
//	{"code":0,"server":"<id>","data":{"interval_ms":10000,"accepted":1,"duplicates":0}}
//
// where interval_ms is the report interval to use from now on. Errors are
// {"code":N,"data":"reason"}:
//
//	code  status  meaning
//	4101  413     body larger than 64 KiB
//	4102  400     not JSON, unknown or duplicate field, wrong type, value out of range, wrong version
//	4103  404     a swarm_id that is not a live stream (nor one that ended less than Config.Grace ago)
//	4104  429     the client's network sent more than Config.Rate reports/s (burst Config.Burst)
//	4105  403     ?token= missing, malformed, expired, or not valid for a report's swarm_id
//	4106  503     a new session for a stream that already tracks Config.MaxViewers sessions
//	4107  415     Content-Type is not application/json or text/plain
//
// 429 and 503 carry Retry-After (seconds): retry then. A client should drop
// the reports of any other error rather than retry them.
//
// # Idempotency
//
// A report is counted once by (session, seq): a retried one is a
// duplicate (200, counted in "duplicates"). The server remembers per
// session the highest seq and which of the 63 below it were seen; an older
// seq is treated as a duplicate. A session is remembered while it can
// count in a window: until it was silent for about 5 minutes (or 3 x the
// interval, if longer), also after final, so a retried final beacon is
// still a duplicate; a retry arriving later than that would count again.
//
// # Token
//
// With Config.TokenSecret set, ?token= must be a token of package
// streamtoken (the tracker's) valid for every report's swarm_id: 403 with
// code 4105 otherwise.
//
// # Client network
//
// The server takes the client's network prefix (IPv4 /24, IPv6 /48) from
// the connection, or with Config.TrustProxy from the last X-Forwarded-For
// entry. It keys the rate limit (Config.Rate reports/s, Config.Burst, per
// network) and is counted as "networks" in the windows. It is never a
// metric label nor logged.
//
// # Aggregation
//
// Time is cut into 10 s slots; each stream epoch (swarm_id) keeps the sums
// of every slot for an hour. A window of W seconds (10, 60, 300) is the
// current slot plus the W/10 before it; Window.DurationS is the exact time
// it covers and the rates divide by it. A window's viewers are the
// sessions that reported in it and did not send final (for 10 s: whose
// last report is at most max(10 s, 1.5 x interval) old, so a viewer
// reporting every interval never flickers). Startup p50/p95 come from a
// log-linear sketch per slot (exact below 16 ms, then within 6.25%). The
// history's viewers per slot count the sessions whose reports cover the
// slot (a report covers its interval_ms before arrival). A session that
// reports again after final counts again.
//
// Memory per stream is bounded: at most Config.MaxViewers sessions (a new
// session beyond it gets 503, code 4106, and is counted in
// srs_p2p_stream_sessions_refused_total), an hour of slots, 64 distinct
// sdk strings. A stream's statistics start with its first report and are
// freed, with its metrics, Config.Grace after it left the stream source.
//
// # Feedback into the tracker
//
// Server implements tracker.PeerScorer. A peer blamed in hash_failures by
// at least Config.BadPeerReporters distinct sessions within
// Config.BadPeerWindow is Bad for Config.BadPeerCooldown (the cooldown is
// not extended by blames during it). Reporters are distinct sessions, as
// the issue says, not distinct networks: one client opening several
// sessions can get a peer refused offers for a cooldown; raise
// BadPeerReporters where that matters. A viewer blaming its own peer_id is
// ignored. UploadScore is the peer's p2p_up_bytes per second over the
// current slot and the 6 before (about a minute), from the reports that
// carry its peer_id. Both take one small per-stream lock.
//
// # Metrics
//
// Metrics (srs_p2p_pingback_*) are the service's; WriteStreamMetrics
// writes srs_p2p_stream_* with the only label stream="vhost/app/name":
// gauges of the 60 s window and counters of the epoch.
package pingback
