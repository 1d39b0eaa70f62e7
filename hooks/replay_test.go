package hooks

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// ourTarget maps a captured hook URL onto our routes: "/zero/on_hls" ->
// "/api/v1/hooks/on_hls", "/notify/<rest>" -> "/api/v1/hooks/on_hls_notify/<rest>".
func ourTarget(t *testing.T, c capture) string {
	t.Helper()
	if rest, ok := strings.CutPrefix(c.Path, "/notify/"); ok {
		return "/api/v1/hooks/on_hls_notify/" + rest
	}
	i := strings.LastIndexByte(c.Path, '/')
	if i < 0 || !strings.HasPrefix(c.Path[i+1:], "on_") {
		t.Fatalf("%s: unexpected captured path %q", c, c.Path)
	}
	return "/api/v1/hooks/" + c.Path[i+1:]
}

// replay sends a capture with its method, headers and body from 127.0.0.1.
func replay(t *testing.T, router http.Handler, c capture, target string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(c.Method, target, strings.NewReader(c.Body))
	for k, v := range c.Headers {
		switch k {
		case "Host":
			req.Host = v
		case "Content-Length":
			// The captures' paths were rewritten to /data/hls after
			// recording (see the testdata README), so for on_hls and
			// on_dvr the header no longer matches: send the real length,
			// as SRS would have.
			if _, err := strconv.Atoi(v); err != nil {
				t.Fatalf("%s: Content-Length %q", c, v)
			}
			req.ContentLength = int64(len(c.Body))
		default:
			req.Header.Set(k, v)
		}
	}
	req.RemoteAddr = "127.0.0.1:43122"
	rec := httptest.NewRecorder()
	router.ServeHTTP(rec, req)
	return rec
}

// expectedEvents derives, with plain encoding/json (not our decoder), what
// the Sink must get for one captured body.
func expectedEvents(t *testing.T, c capture) []event {
	t.Helper()
	if c.Body == "" {
		return nil
	}
	var m map[string]any
	if err := json.Unmarshal([]byte(c.Body), &m); err != nil {
		t.Fatalf("%s: %v", c, err)
	}
	s := func(k string) string { v, _ := m[k].(string); return v }
	pub := Publish{Vhost: s("vhost"), App: s("app"), Stream: s("stream"), StreamID: s("stream_id"),
		ClientID: s("client_id"), ServerID: s("server_id"), Param: s("param")}
	switch s("action") {
	case "on_publish":
		return []event{{Kind: "publish", Publish: pub}}
	case "on_unpublish":
		return []event{{Kind: "unpublish", Publish: pub}}
	case "on_hls":
		return []event{{Kind: "hls", HLS: HLS{Vhost: s("vhost"), App: s("app"), Stream: s("stream"),
			StreamID: s("stream_id"), ClientID: s("client_id"), Segment: s("url"), Playlist: s("m3u8_url"),
			SeqNo: int64(m["seq_no"].(float64)), Duration: m["duration"].(float64)}}}
	}
	return nil
}

// TestReplayCaptures sends every request SRS 6.0.157, 6.0.183 and 7.0.128
// really sent through the real router: each POST once on its per-action
// route and once on /api/v1/hooks, each GET on the on_hls_notify route.
func TestReplayCaptures(t *testing.T) {
	captures := loadCaptures(t)
	h, sink, router := testRouter(t, Config{HLSDir: "hls", Allow: loopback}, nil)
	var want []event
	okByAction := map[string]int{}
	for _, c := range captures {
		targets := []string{ourTarget(t, c)}
		if c.Method == http.MethodPost {
			targets = append(targets, "/api/v1/hooks")
		}
		for _, target := range targets {
			rec := replay(t, router, c, target)
			if rec.Code != http.StatusOK || rec.Body.String() != `{"code":0}` {
				t.Fatalf("%s via %s: got %d %q, want 200 {\"code\":0}", c, target, rec.Code, rec.Body.String())
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Fatalf("%s: Content-Type %q", c, ct)
			}
			want = append(want, expectedEvents(t, c)...)
			action := "on_hls_notify"
			if c.Method == http.MethodPost {
				action = c.Path[strings.LastIndexByte(c.Path, '/')+1:]
			}
			okByAction[action]++
		}
	}
	got := sink.got()
	for i := range got {
		if got[i].CID == "" {
			t.Fatalf("event %d: Sink context carries no cid", i)
		}
		got[i].CID = ""
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Sink got %d events, want %d\nfirst got:  %+v\nfirst want: %+v", len(got), len(want), got[0], want[0])
	}
	for action, n := range okByAction {
		name := `srs_p2p_hooks_total{action="` + action + `",result="ok"}`
		if v := counter(t, h.Metrics(), name); v != float64(n) {
			t.Errorf("%s = %v, want %d", name, v, n)
		}
	}
	if len(okByAction) != len(actions) {
		t.Errorf("captures exercised %d actions, want all %d: %v", len(okByAction), len(actions), okByAction)
	}
	spotCheck(t, got)
}

// spotCheck pins the values the consumers rely on, written out by hand.
func spotCheck(t *testing.T, got []event) {
	t.Helper()
	has := func(match func(event) bool) bool {
		for _, e := range got {
			if match(e) {
				return true
			}
		}
		return false
	}
	checks := []struct {
		name  string
		match func(event) bool
	}{
		{"6.0.183 publish epoch vid-0ore7v9", func(e event) bool {
			return e.Kind == "publish" && e.Publish.Epoch() == "vid-0ore7v9" && e.Publish.ClientID == "35290174" &&
				e.Publish.Param == "?token=abc123&foo=bar" && e.Publish.Stream == "livestream"
		}},
		{"ts segment 0", func(e event) bool {
			return e.Kind == "hls" && e.HLS.Segment == "live/livestream-0.ts" && e.HLS.Playlist == "live/livestream.m3u8" &&
				e.HLS.SeqNo == 0 && e.HLS.Duration == 2.02 && e.HLS.Epoch() == "vid-0ore7v9"
		}},
		{"SRS 7 init.mp4", func(e event) bool {
			return e.Kind == "hls" && e.HLS.Segment == "live/livestream/init.mp4" && e.HLS.Playlist == "live/livestream.m3u8" &&
				e.HLS.SeqNo == 0 && e.HLS.Duration == 0 && e.HLS.Epoch() == "vid-f20t433"
		}},
		{"SRS 7 m4s", func(e event) bool {
			return e.Kind == "hls" && e.HLS.Segment == "live/livestream-5.m4s" && e.HLS.SeqNo == 5 && e.HLS.Duration == 1.87
		}},
		{"vhost hls.slow unpublish", func(e event) bool {
			return e.Kind == "unpublish" && e.Publish.Vhost == "hls.slow" && e.Publish.Epoch() == "vid-8j55ff0"
		}},
	}
	for _, c := range checks {
		if !has(c.match) {
			t.Errorf("no Sink event: %s", c.name)
		}
	}
}

// TestSRS4Body: SRS 4 sends no service_id, stream_url, stream_id or tcUrl;
// the hook is accepted and the epoch falls back to client_id.
func TestSRS4Body(t *testing.T) {
	_, sink, router := testRouter(t, Config{Allow: loopback}, nil)
	drop := []any{"service_id", nil, "stream_url", nil, "stream_id", nil, "tcUrl", nil}
	for _, b := range [][]byte{with(publishBody(), drop...), with(hlsBody(), drop...)} {
		r := do(router, http.MethodPost, "/api/v1/hooks", "application/json", "127.0.0.1:1", b)
		if r.status != http.StatusOK || r.body != `{"code":0}` {
			t.Fatalf("%s: got %d %s", b, r.status, r.body)
		}
	}
	got := sink.got()
	if len(got) != 2 {
		t.Fatalf("got %d events, want 2", len(got))
	}
	if p := got[0].Publish; p.StreamID != "" || p.Epoch() != "35290174" {
		t.Errorf("publish epoch %q (stream_id %q), want client_id 35290174", p.Epoch(), p.StreamID)
	}
	if e := got[1].HLS; e.Epoch() != "35290174" || e.Segment != "live/livestream-0.ts" {
		t.Errorf("hls %+v", e)
	}
}
