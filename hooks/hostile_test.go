package hooks

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
)

const (
	testSecret        = "hook-s3cret"
	testPublishSecret = "pub-s3cret"
	okTarget          = "/api/v1/hooks/on_hls?secret=" + testSecret
	pubTarget         = "/api/v1/hooks/on_publish?secret=" + testSecret
	dispatchTarget    = "/api/v1/hooks?secret=" + testSecret
	local             = "127.0.0.1:40000"
	jsonType          = "application/json"
)

func hostileConfig() Config {
	return Config{Allow: loopback, Secret: testSecret, PublishSecret: testPublishSecret, MaxBodyBytes: 2048}
}

type hostileCase struct {
	name           string
	method, target string
	ctype, remote  string
	body           []byte
	status         int
	want           string // exact reply body
}

func hostileCases() []hostileCase {
	post := func(name, target string, body []byte, status int, want string) hostileCase {
		return hostileCase{name, http.MethodPost, target, jsonType, local, body, status, want}
	}
	huge := with(hlsBody(), "pad", strings.Repeat("x", 3000))
	return []hostileCase{
		// on_hls paths.
		post("url ../x.ts", okTarget, with(hlsBody(), "url", "../x.ts"), 400, `{"code":4014,"data":"hooks: path outside the HLS dir: url \"../x.ts\" has a .. element"}`),
		post("url live/../../etc/passwd.ts", okTarget, with(hlsBody(), "url", "live/../../etc/passwd.ts"), 400, `{"code":4014,"data":"hooks: path outside the HLS dir: url \"live/../../etc/passwd.ts\" has a .. element"}`),
		post("url live/../x.ts", okTarget, with(hlsBody(), "url", "live/../x.ts"), 400, `{"code":4014,"data":"hooks: path outside the HLS dir: url \"live/../x.ts\" has a .. element"}`),
		post("url absolute", okTarget, with(hlsBody(), "url", "/abs.ts"), 400, `{"code":4014,"data":"hooks: path outside the HLS dir: url \"/abs.ts\" is absolute"}`),
		post("url backslash", okTarget, with(hlsBody(), "url", `live\x.ts`), 400, `{"code":4014,"data":"hooks: path outside the HLS dir: url \"live\\\\x.ts\" contains a backslash"}`),
		post("url backslash traversal", okTarget, with(hlsBody(), "url", `..\..\x.ts`), 400, `{"code":4014,"data":"hooks: path outside the HLS dir: url \"..\\\\..\\\\x.ts\" contains a backslash"}`),
		post("url query", okTarget, with(hlsBody(), "url", "live/x.ts?hls_ctx=1"), 400, `{"code":4014,"data":"hooks: path outside the HLS dir: url \"live/x.ts?hls_ctx=1\" contains a query or fragment"}`),
		post("url NUL", okTarget, with(hlsBody(), "url", "live/x\x00.ts"), 400, `{"code":4014,"data":"hooks: path outside the HLS dir: url \"live/x\\x00.ts\" contains a control character"}`),
		post("url empty", okTarget, with(hlsBody(), "url", ""), 400, `{"code":4014,"data":"hooks: path outside the HLS dir: url \"\" is empty"}`),
		post("url dot", okTarget, with(hlsBody(), "url", "."), 400, `{"code":4014,"data":"hooks: path outside the HLS dir: url \".\" names the HLS dir itself"}`),
		post("url not a segment", okTarget, with(hlsBody(), "url", "live/livestream.flv"), 400, `{"code":4004,"data":"hooks: invalid field: url \"live/livestream.flv\" is not a .ts, .m4s or .mp4 file"}`),
		post("url playlist as segment", okTarget, with(hlsBody(), "url", "live/livestream.m3u8"), 400, `{"code":4004,"data":"hooks: invalid field: url \"live/livestream.m3u8\" is not a .ts, .m4s or .mp4 file"}`),
		post("m3u8_url traversal", okTarget, with(hlsBody(), "m3u8_url", "../../live/livestream.m3u8"), 400, `{"code":4014,"data":"hooks: path outside the HLS dir: m3u8_url \"../../live/livestream.m3u8\" has a .. element"}`),
		post("m3u8_url not a playlist", okTarget, with(hlsBody(), "m3u8_url", "live/livestream.txt"), 400, `{"code":4004,"data":"hooks: invalid field: m3u8_url \"live/livestream.txt\" is not a .m3u8 file"}`),
		post("url too long", okTarget, with(hlsBody(), "url", strings.Repeat("a/", 520)+"x.ts"), 400, `{"code":4004,"data":"hooks: invalid field: url longer than 1024 bytes"}`),

		// Body size and syntax.
		post("body over MaxBodyBytes", okTarget, huge, 413, `{"code":4002,"data":"hooks: body too large: 3505 bytes, limit 2048"}`),
		{"chunked body over MaxBodyBytes", http.MethodPost, okTarget, jsonType, local, huge, 413, `{"code":4002,"data":"hooks: body too large: more than 2048 bytes"}`}, // see chunked below
		post("empty body", okTarget, []byte{}, 400, `{"code":4001,"data":"hooks: malformed body: empty body"}`),
		post("bad JSON", okTarget, []byte(`{"action":`), 400, `{"code":4001,"data":"hooks: malformed body: unexpected end of JSON input at byte 10"}`),
		post("not JSON", okTarget, []byte(`action=on_hls`), 400, `{"code":4001,"data":"hooks: malformed body: invalid character 'a' looking for beginning of value at byte 1"}`),
		post("two objects", okTarget, append(with(hlsBody()), with(hlsBody())...), 400, `{"code":4001,"data":"hooks: malformed body: invalid character '{' after top-level value at byte 497"}`),
		post("trailing garbage", okTarget, append(with(hlsBody()), 'x'), 400, `{"code":4001,"data":"hooks: malformed body: invalid character 'x' after top-level value at byte 497"}`),
		post("array", okTarget, []byte(`[{"action":"on_hls"}]`), 400, `{"code":4001,"data":"hooks: malformed body: body is not a JSON object"}`),
		post("number", okTarget, []byte(`0`), 400, `{"code":4001,"data":"hooks: malformed body: body is not a JSON object"}`),

		// Types and ranges.
		post("seq_no string", okTarget, with(hlsBody(), "seq_no", "1"), 400, `{"code":4004,"data":"hooks: invalid field: seq_no must be an integer"}`),
		post("seq_no fraction", okTarget, with(hlsBody(), "seq_no", 1.5), 400, `{"code":4004,"data":"hooks: invalid field: seq_no must be an integer"}`),
		post("seq_no negative", okTarget, with(hlsBody(), "seq_no", -1), 400, `{"code":4004,"data":"hooks: invalid field: seq_no -1 is negative"}`),
		post("seq_no beyond int64", okTarget, bytes.Replace(with(hlsBody(), "seq_no", 7), []byte(`"seq_no":7`), []byte(`"seq_no":99999999999999999999`), 1), 400, `{"code":4004,"data":"hooks: invalid field: seq_no must be an integer"}`),
		post("duration string", okTarget, with(hlsBody(), "duration", "2.00"), 400, `{"code":4004,"data":"hooks: invalid field: duration must be a finite number"}`),
		post("duration negative", okTarget, with(hlsBody(), "duration", -0.5), 400, `{"code":4004,"data":"hooks: invalid field: duration -0.5 outside 0..86400"}`),
		post("duration over a day", okTarget, with(hlsBody(), "duration", 86401), 400, `{"code":4004,"data":"hooks: invalid field: duration 86401 outside 0..86400"}`),
		post("duration overflow", okTarget, bytes.Replace(with(hlsBody(), "duration", 7), []byte(`"duration":7`), []byte(`"duration":1e999`), 1), 400, `{"code":4004,"data":"hooks: invalid field: duration must be a finite number"}`),
		post("stream number", okTarget, with(hlsBody(), "stream", 5), 400, `{"code":4004,"data":"hooks: invalid field: stream must be a string"}`),
		post("app null", okTarget, bytes.Replace(with(hlsBody()), []byte(`"app":"live"`), []byte(`"app":null`), 1), 400, `{"code":4004,"data":"hooks: invalid field: app must be a string"}`),
		post("vhost object", okTarget, with(hlsBody(), "vhost", map[string]any{"a": 1}), 400, `{"code":4004,"data":"hooks: invalid field: vhost must be a string"}`),
		post("stream control char", okTarget, with(hlsBody(), "stream", "live\astream"), 400, `{"code":4004,"data":"hooks: invalid field: stream \"live\\astream\" contains a control character"}`),
		post("app NUL", okTarget, with(hlsBody(), "app", "li\x00ve"), 400, `{"code":4004,"data":"hooks: invalid field: app \"li\\x00ve\" contains a control character"}`),
		post("stream too long", okTarget, with(hlsBody(), "stream", strings.Repeat("s", 1025)), 400, `{"code":4004,"data":"hooks: invalid field: stream longer than 1024 bytes"}`),
		post("duplicate url", okTarget, bytes.Replace(with(hlsBody()), []byte(`"url":"live/livestream-0.ts"`), []byte(`"url":"live/livestream-0.ts","url":"../x.ts"`), 1), 400, `{"code":4004,"data":"hooks: invalid field: duplicate field url"}`),
		post("missing url", okTarget, with(hlsBody(), "url", nil), 400, `{"code":4004,"data":"hooks: invalid field: on_hls needs url"}`),
		post("missing seq_no", okTarget, with(hlsBody(), "seq_no", nil), 400, `{"code":4004,"data":"hooks: invalid field: on_hls needs seq_no"}`),
		post("missing stream", pubTarget, with(publishBody(), "stream", nil, "param", "?secret="+testPublishSecret), 400, `{"code":4004,"data":"hooks: invalid field: on_publish needs stream"}`),
		post("empty app", pubTarget, with(publishBody(), "app", "", "param", "?secret="+testPublishSecret), 400, `{"code":4004,"data":"hooks: invalid field: app is empty"}`),
		post("missing action", dispatchTarget, with(hlsBody(), "action", nil), 400, `{"code":4004,"data":"hooks: invalid field: missing action"}`),

		// Actions.
		post("unknown body action", dispatchTarget, with(hlsBody(), "action", "on_foo"), 400, `{"code":4003,"data":"hooks: unknown action: \"on_foo\""}`),
		post("unknown path action", "/api/v1/hooks/on_foo?secret="+testSecret, with(hlsBody()), 400, `{"code":4003,"data":"hooks: unknown action: \"on_foo\" in URL path"}`),
		post("on_hls_notify in a body", dispatchTarget, with(hlsBody(), "action", "on_hls_notify"), 400, `{"code":4003,"data":"hooks: unknown action: on_hls_notify is a GET without a body"}`),
		post("path on_publish body on_hls", pubTarget, with(hlsBody()), 400, `{"code":4004,"data":"hooks: invalid field: body action \"on_hls\" does not match URL action \"on_publish\""}`),
		post("path on_hls body on_publish", okTarget, with(publishBody(), "param", "?secret="+testPublishSecret), 400, `{"code":4004,"data":"hooks: invalid field: body action \"on_publish\" does not match URL action \"on_hls\""}`),

		// Caller and secret.
		{"denied caller", http.MethodPost, okTarget, jsonType, "203.0.113.9:5000", with(hlsBody()), 403, `{"code":4011,"data":"hooks: caller not allowed: 203.0.113.9"}`},
		{"denied caller IPv6", http.MethodPost, okTarget, jsonType, "[2001:db8::1]:5000", with(hlsBody()), 403, `{"code":4011,"data":"hooks: caller not allowed: 2001:db8::1"}`},
		{"caller not IP", http.MethodPost, okTarget, jsonType, "@", with(hlsBody()), 403, `{"code":4011,"data":"hooks: caller not allowed: remote address \"@\" is not an IP"}`},
		{"denied caller before everything", http.MethodGet, "/api/v1/hooks/on_foo", "text/plain", "203.0.113.9:5000", []byte(`{`), 403, `{"code":4011,"data":"hooks: caller not allowed: 203.0.113.9"}`},
		post("missing secret", "/api/v1/hooks/on_hls", with(hlsBody()), 403, `{"code":4012,"data":"hooks: bad or missing secret: hook URL has no secret"}`),
		post("wrong secret", "/api/v1/hooks/on_hls?secret=hook-s3cre", with(hlsBody()), 403, `{"code":4012,"data":"hooks: bad or missing secret: hook URL has a wrong secret"}`),
		post("two secrets", okTarget+"&secret="+testSecret, with(hlsBody()), 403, `{"code":4012,"data":"hooks: bad or missing secret: hook URL has more than one secret"}`),
		post("malformed query", okTarget+"&x=%zz", with(hlsBody()), 403, `{"code":4012,"data":"hooks: bad or missing secret: hook URL query is malformed"}`),
		{"wrong secret before method", http.MethodGet, "/api/v1/hooks/on_hls?secret=x", "", local, nil, 403, `{"code":4012,"data":"hooks: bad or missing secret: hook URL has a wrong secret"}`},

		// Publish authentication.
		post("publish secret missing", pubTarget, with(publishBody()), 403, `{"code":4013,"data":"hooks: publish not authorized: param has no secret"}`),
		post("publish secret wrong", pubTarget, with(publishBody(), "param", "?token=1&secret=pub-s3cre"), 403, `{"code":4013,"data":"hooks: publish not authorized: param has a wrong secret"}`),
		post("publish secret twice", pubTarget, with(publishBody(), "param", "?secret=pub-s3cret&secret=pub-s3cret"), 403, `{"code":4013,"data":"hooks: publish not authorized: param has more than one secret"}`),
		post("publish param bad escape", pubTarget, with(publishBody(), "param", "?secret=pub-s3cret&x=%zz"), 403, `{"code":4013,"data":"hooks: publish not authorized: param is not a valid query"}`),
		post("publish hook secret as param", pubTarget, with(publishBody(), "param", "?secret="+testSecret), 403, `{"code":4013,"data":"hooks: publish not authorized: param has a wrong secret"}`),

		// Method and content type.
		{"GET hook", http.MethodGet, okTarget, "", local, nil, 405, `{"code":4005,"data":"hooks: method not allowed: hooks need POST, not \"GET\""}`},
		{"PUT dispatch", http.MethodPut, dispatchTarget, jsonType, local, with(hlsBody()), 405, `{"code":4005,"data":"hooks: method not allowed: hooks need POST, not \"PUT\""}`},
		{"POST on_hls_notify", http.MethodPost, "/api/v1/hooks/on_hls_notify/x/live/s-1.ts?secret=" + testSecret, jsonType, local, with(hlsBody()), 405, `{"code":4005,"data":"hooks: method not allowed: on_hls_notify needs GET, not \"POST\""}`},
		{"wrong method before content type", http.MethodDelete, okTarget, "text/plain", local, nil, 405, `{"code":4005,"data":"hooks: method not allowed: hooks need POST, not \"DELETE\""}`},
		{"text/plain", http.MethodPost, okTarget, "text/plain", local, with(hlsBody()), 415, `{"code":4006,"data":"hooks: unsupported content type: \"text/plain\", want application/json"}`},
		{"no content type", http.MethodPost, okTarget, "", local, with(hlsBody()), 415, `{"code":4006,"data":"hooks: unsupported content type: \"\", want application/json"}`},
		{"form", http.MethodPost, okTarget, "application/x-www-form-urlencoded", local, with(hlsBody()), 415, `{"code":4006,"data":"hooks: unsupported content type: \"application/x-www-form-urlencoded\", want application/json"}`},
		{"too large before decode", http.MethodPost, okTarget, jsonType, local, append([]byte(`{`), huge...), 413, `{"code":4002,"data":"hooks: body too large: 3506 bytes, limit 2048"}`},

		// on_hls_notify.
		{"notify denied caller", http.MethodGet, "/api/v1/hooks/on_hls_notify/x/live/s-1.ts?secret=" + testSecret, "", "203.0.113.9:1", nil, 403, `{"code":4011,"data":"hooks: caller not allowed: 203.0.113.9"}`},
		{"notify missing secret", http.MethodGet, "/api/v1/hooks/on_hls_notify/x/live/s-1.ts?token=abc", "", local, nil, 403, `{"code":4012,"data":"hooks: bad or missing secret: hook URL has no secret"}`},
	}
}

// TestHostile: every refused request gets its exact status and body, is
// logged as a WARN line without any secret, and never reaches the Sink.
func TestHostile(t *testing.T) {
	for _, tc := range hostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			var log bytes.Buffer
			_, sink, router := testRouter(t, hostileConfig(), &log)
			var r reply
			if strings.HasPrefix(tc.name, "chunked") {
				r = doChunked(router, tc.target, tc.body)
			} else {
				r = do(router, tc.method, tc.target, tc.ctype, tc.remote, tc.body)
			}
			if r.status != tc.status || r.body != tc.want {
				t.Errorf("got %d %s\nwant %d %s", r.status, r.body, tc.status, tc.want)
			}
			if r.ctyp != jsonType {
				t.Errorf("Content-Type %q", r.ctyp)
			}
			if tc.status == 405 {
				wantAllow := "POST"
				if strings.Contains(tc.target, "on_hls_notify") {
					wantAllow = "GET"
				}
				if r.allow != wantAllow {
					t.Errorf("Allow %q, want %q", r.allow, wantAllow)
				}
			}
			if got := sink.got(); len(got) != 0 {
				t.Errorf("Sink called: %+v", got)
			}
			line := log.String()
			if !strings.Contains(line, "[WARN]") || !strings.Contains(line, "hooks: refused") || !strings.Contains(line, "reason=") {
				t.Errorf("no WARN line: %q", line)
			}
			for _, secret := range []string{testSecret, testPublishSecret} {
				if strings.Contains(line, secret) || strings.Contains(r.body, secret) {
					t.Errorf("secret %q leaked: log %q reply %q", secret, line, r.body)
				}
			}
		})
	}
}

// doChunked sends a body without Content-Length, so only the
// MaxBytesReader can stop it.
func doChunked(router http.Handler, target string, body []byte) reply {
	req, _ := http.NewRequest(http.MethodPost, target, struct{ *bytes.Reader }{bytes.NewReader(body)})
	req.ContentLength = -1
	req.Header.Set("Content-Type", jsonType)
	req.RemoteAddr = local
	return serve(router, req)
}
