// Package hooks is srs-p2p's endpoint for SRS's HTTP callbacks (http_hooks).
//
// SRS POSTs one JSON object per event (on_connect, on_close, on_publish,
// on_unpublish, on_play, on_stop, on_dvr, on_hls) and GETs an
// operator-templated URL for on_hls_notify. SRS counts a hook as success only
// if the reply is HTTP 200/201 with a body of exactly `0` or a JSON object whose
// integer code is 0, and a failed on_publish or on_play refuses that client.
// So the handler replies `{"code":0}` to every valid hook and a 4xx with
// `{"code":N,"data":"reason"}` (see errors.go) to everything else.
//
// The handler never touches the filesystem and never blocks: it checks the
// caller against an allow-list, checks the shared secret, decodes the body
// strictly (Decode), validates it, optionally authenticates on_publish, hands
// on_publish, on_unpublish and on_hls to a Sink and replies. SRS delivers hooks
// late, duplicated and reordered; the Sink must treat them as hints.
//
// Routes (Handler.Mount):
//
//	POST /api/v1/hooks                      action taken from the body
//	POST /api/v1/hooks/{action}             body action must equal {action}
//	GET  /api/v1/hooks/on_hls_notify/*      on_hls_notify, counted and acknowledged
//
// An SRS config using them:
//
//	http_hooks {
//	    enabled       on;
//	    on_publish    http://127.0.0.1:8085/api/v1/hooks/on_publish?secret=S;
//	    on_unpublish  http://127.0.0.1:8085/api/v1/hooks/on_unpublish?secret=S;
//	    on_hls        http://127.0.0.1:8085/api/v1/hooks/on_hls?secret=S;
//	}
//
// on_hls's url and m3u8_url are relative to SRS's hls_path; RelPath maps them
// onto slash-separated paths that stay inside the HLS dir lexically. SRS's
// own file, m3u8 and cwd are paths inside SRS's container: they are decoded
// but never used.
package hooks
