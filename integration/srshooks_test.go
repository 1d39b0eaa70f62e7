package integration

import (
	"bufio"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
)

// srsHooks builds hook bodies from the real ones SRS 6.0.183 sent (captured
// in shared/testdata), changing only the fields that name the stream, the
// publish session and the segment, and keeping SRS's field order.
type srsHooks struct {
	bodies map[string]orderedObject // action -> first captured body
}

// capturedHook is one line of a hooks.jsonl capture.
type capturedHook struct {
	Method string `json:"method"`
	Path   string `json:"path"`
	Body   string `json:"body"`
}

func loadSRSHooks(t *testing.T) *srsHooks {
	t.Helper()
	name := filepath.Join(srsTestdata, "v6.0.183", "hooks.jsonl")
	f, err := os.Open(name)
	if err != nil {
		t.Fatalf("captured SRS hooks: %v", err)
	}
	defer f.Close()
	h := &srsHooks{bodies: map[string]orderedObject{}}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		var c capturedHook
		if err := json.Unmarshal(sc.Bytes(), &c); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if c.Method != http.MethodPost {
			continue
		}
		var body orderedObject
		if err := body.UnmarshalJSON([]byte(c.Body)); err != nil {
			t.Fatalf("%s: body of %s: %v", name, c.Path, err)
		}
		var action string
		if err := json.Unmarshal(body.get("action"), &action); err != nil {
			t.Fatalf("%s: action of %s: %v", name, c.Path, err)
		}
		if _, ok := h.bodies[action]; !ok {
			h.bodies[action] = body
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	for _, a := range []string{"on_connect", "on_publish", "on_hls", "on_unpublish"} {
		if _, ok := h.bodies[a]; !ok {
			t.Fatalf("%s has no %s body", name, a)
		}
	}
	return h
}

// session returns the body of action for the stream live/livestream in
// the publish session streamID, with the given param (SRS passes the
// publisher's query string, e.g. "?secret=x").
func (h *srsHooks) session(action, streamID, param string) orderedObject {
	b := h.bodies[action].clone()
	b.set("app", streamApp)
	b.set("stream", streamName)
	b.set("param", param)
	if b.get("stream_url") != nil {
		b.set("stream_url", "/"+streamApp+"/"+streamName)
	}
	if b.get("stream_id") != nil {
		b.set("stream_id", streamID)
	}
	return b
}

// onPublish is the on_publish of session streamID.
func (h *srsHooks) onPublish(streamID, param string) []byte {
	return h.session("on_publish", streamID, param).bytes()
}

// onUnpublish ends session streamID.
func (h *srsHooks) onUnpublish(streamID, param string) []byte {
	return h.session("on_unpublish", streamID, param).bytes()
}

// onHLS announces segment uri (relative to live/) of session streamID.
func (h *srsHooks) onHLS(streamID string, seq uint64, duration float64, uri string) orderedObject {
	b := h.session("on_hls", streamID, "")
	// SRS prints the duration with 2 decimals.
	b.set("duration", json.RawMessage(strconv.FormatFloat(duration, 'f', 2, 64)))
	b.set("file", "/data/hls/"+streamApp+"/"+uri)
	b.set("url", streamApp+"/"+uri)
	b.set("m3u8", "/data/hls/"+playlistRel)
	b.set("m3u8_url", playlistRel)
	b.set("seq_no", seq)
	return b
}

// hookLog records every hook reply that was not exactly SRS's success.
type hookLog struct {
	mu     sync.Mutex
	sent   int
	failed []string
}

// post sends body to path and records a reply other than 200 {"code":0};
// safe from any goroutine.
func (l *hookLog) post(sc *sidecar, path string, body []byte) {
	status, reply, err := httpTry(http.MethodPost, sc.url(path), "application/json", body)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.sent++
	switch {
	case err != nil:
		l.failed = append(l.failed, path+" "+string(truncate(body, 400))+" -> "+err.Error())
	case status != http.StatusOK || string(reply) != hookOK:
		l.failed = append(l.failed, path+" "+string(truncate(body, 400))+" -> "+strconv.Itoa(status)+" "+string(reply))
	}
}

// check requires every hook sent to have succeeded, and at least min sent.
func (l *hookLog) check(t *testing.T, min int) {
	t.Helper()
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sent < min {
		t.Errorf("only %d hooks sent, want at least %d", l.sent, min)
	}
	for _, f := range l.failed {
		t.Errorf("hook reply not exactly 200 %s: %s", hookOK, f)
	}
}
