package integration

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// edgeGet fetches path through the edge and returns the response (body read).
func edgeGet(t *testing.T, e *nginxEdge, method, path string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, e.base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp, body
}

// checkCachedTwice fetches path twice: the first answer must carry the
// wanted headers, and a second request sent while the first is still within
// the edge's TTL must be a HIT. A pair the scheduler spread further apart
// than window proves nothing and is retried.
func checkCachedTwice(t *testing.T, e *nginxEdge, path string, window time.Duration, want map[string]string) []byte {
	t.Helper()
	for attempt := 0; attempt < 20; attempt++ {
		first, body := edgeGet(t, e, http.MethodGet, path)
		if first.StatusCode != http.StatusOK {
			t.Fatalf("GET %s through the edge: %s", path, first.Status)
		}
		for k, v := range want {
			if got := first.Header.Get(k); got != v {
				t.Errorf("GET %s: %s = %q, want %q", path, k, got, v)
			}
		}
		filled := time.Now()
		second, body2 := edgeGet(t, e, http.MethodGet, path)
		if time.Since(filled) > window {
			continue
		}
		if got := second.Header.Get("X-Cache-Status"); got != "HIT" {
			t.Fatalf("GET %s again right away: X-Cache-Status %q, want HIT (first was %q)",
				path, got, first.Header.Get("X-Cache-Status"))
		}
		if string(body2) != string(body) {
			t.Fatalf("GET %s: the cache hit differs from the response it cached", path)
		}
		return body
	}
	t.Fatalf("GET %s: 20 request pairs, none within %v of each other", path, window)
	return nil
}

// TestNginxEdge runs the shipped conf/nginx-cdn.conf in front of the real
// srs-p2p (manifests, pingback), a file server standing in for SRS's HTTP
// server (playlist, segments, as ffmpeg writes them live), and a WebSocket
// stand-in for the tracker.
func TestNginxEdge(t *testing.T) {
	hlsDir := t.TempDir()
	sc := startSidecar(t, "srs-p2p", itestEnv(hlsDir))
	startFFmpeg(t, hlsDir, ffmpegOptions{})
	srsHTTP := httptest.NewServer(http.FileServer(http.Dir(hlsDir)))
	t.Cleanup(srsHTTP.Close)
	trackerAddr, trackerSeen := wsUpstream(t)
	edge := startEdge(t, edgeUpstreams{
		srs:     strings.TrimPrefix(srsHTTP.URL, "http://"),
		sidecar: strings.TrimPrefix(sc.base, "http://"),
		tracker: trackerAddr,
	})
	waitManifest(t, hlsDir, "a manifest with two segments", func(m *manifest) (bool, string) {
		return len(m.Segments) >= 2, "fewer than two segments"
	})

	t.Run("playlist", func(t *testing.T) {
		body := checkCachedTwice(t, edge, "/"+playlistRel, 500*time.Millisecond, map[string]string{
			"Cache-Control":               "public, max-age=1",
			"Access-Control-Allow-Origin": "*",
		})
		if !strings.HasPrefix(string(body), "#EXTM3U") {
			t.Fatalf("playlist through the edge does not start with #EXTM3U: %.80q", body)
		}
	})

	var m *manifest
	t.Run("manifest", func(t *testing.T) {
		body := checkCachedTwice(t, edge, "/"+manifestRel, 500*time.Millisecond, map[string]string{
			"Cache-Control":                 "public, max-age=1",
			"Access-Control-Allow-Origin":   "*",
			"Access-Control-Expose-Headers": "ETag, Last-Modified",
			"Content-Type":                  "application/json",
		})
		var err error
		if m, err = parseManifest(body); err != nil {
			t.Fatalf("manifest through the edge: %v\n%s", err, body)
		}
		if m.Stream.App != streamApp || m.Stream.Name != streamName || len(m.P2P.Trackers) != 1 || m.P2P.Trackers[0] != itestTracker {
			t.Fatalf("manifest through the edge is not srs-p2p's for %s: %+v", manifestRel, m)
		}
		resp, _ := edgeGet(t, edge, http.MethodOptions, "/"+manifestRel)
		if resp.StatusCode != http.StatusNoContent || resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
			!strings.Contains(resp.Header.Get("Access-Control-Allow-Headers"), "If-None-Match") {
			t.Errorf("CORS preflight: %s %v", resp.Status, resp.Header)
		}
		if got := resp.Header.Values("Access-Control-Allow-Origin"); len(got) != 1 {
			t.Errorf("preflight Access-Control-Allow-Origin %q, want exactly one", got)
		}
	})

	t.Run("segment", func(t *testing.T) {
		if m == nil {
			t.Fatal("no manifest")
		}
		// The newest segment: still on disk for the whole window.
		seg := m.Segments[len(m.Segments)-1]
		body := checkCachedTwice(t, edge, "/"+streamApp+"/"+seg.URI, 30*time.Second, map[string]string{
			"Cache-Control":               "public, max-age=86400, immutable",
			"Access-Control-Allow-Origin": "*",
		})
		sum := sha256.Sum256(body)
		if hex.EncodeToString(sum[:]) != seg.SHA256 {
			t.Fatalf("segment %s through the edge: sha256 %x, manifest says %s", seg.URI, sum, seg.SHA256)
		}
	})

	t.Run("tracker websocket", func(t *testing.T) {
		status, _, payload := wsHandshake(t, edge.addr, "/p2p/v1/tracker")
		if !strings.HasPrefix(status, "101") || payload != "tracker-ok" {
			t.Fatalf("WebSocket through the edge: status %q payload %q, want 101 and tracker-ok", status, payload)
		}
		select {
		case h := <-trackerSeen:
			if !strings.EqualFold(h.Get("Connection"), "upgrade") || h.Get("Sec-WebSocket-Key") == "" {
				t.Errorf("upstream saw Connection %q key %q", h.Get("Connection"), h.Get("Sec-WebSocket-Key"))
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the tracker upstream never saw the upgrade")
		}
	})

	t.Run("pingback reaches srs-p2p", func(t *testing.T) {
		// A POST without a body type gets pingback's own refusal (415, code
		// 4107), which neither nginx nor SRS's file server would send.
		resp, body := edgeGet(t, edge, http.MethodPost, "/p2p/v1/pingback")
		if resp.StatusCode != http.StatusUnsupportedMediaType || !strings.Contains(string(body), `"code":4107`) {
			t.Fatalf("POST /p2p/v1/pingback through the edge: %s %s, want srs-p2p's JSON reply", resp.Status, body)
		}
	})

	t.Run("private endpoints stay private", func(t *testing.T) {
		resp, body := edgeGet(t, edge, http.MethodGet, "/api/v1/streams")
		if strings.Contains(string(body), `"code":`) {
			t.Fatalf("GET /api/v1/streams through the edge reached srs-p2p: %s %s", resp.Status, body)
		}
	})
	sc.stop()
}
