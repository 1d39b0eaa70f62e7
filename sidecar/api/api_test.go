package api

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/webp2p/srs-p2p/sidecar/indexer"
)

type fakeStreams struct {
	infos []indexer.StreamInfo
	body  map[string][]byte
}

func (f *fakeStreams) Streams() []indexer.StreamInfo { return f.infos }

func (f *fakeStreams) Manifest(rel string) ([]byte, *indexer.StreamInfo, bool) {
	b, ok := f.body[rel]
	if !ok {
		return nil, nil, false
	}
	return b, &f.infos[0], true
}

func newTestServer(t *testing.T) *httptest.Server {
	t.Helper()
	fs := &fakeStreams{
		infos: []indexer.StreamInfo{{Vhost: "__defaultVhost__", App: "live", Name: "livestream", Epoch: "vid-1",
			Playlist: "live/livestream.m3u8", Manifest: "live/livestream.p2p.json", Segments: 3, UpdatedAt: "2026-11-24T12:27:47.926Z"}},
		body: map[string][]byte{"live/livestream.p2p.json": []byte(`{"version":1}` + "\n")},
	}
	srv := httptest.NewServer(NewRouter(Config{ServerID: "origin-a", Version: "1.2.3"}, fs))
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func TestManifestServedWithCachingAndCORS(t *testing.T) {
	srv := newTestServer(t)
	resp, body := get(t, srv.URL+"/p2p/v1/manifests/live/livestream.p2p.json", nil)
	if resp.StatusCode != 200 || body != `{"version":1}`+"\n" {
		t.Fatalf("status %d body %q", resp.StatusCode, body)
	}
	h := resp.Header
	if h.Get("Cache-Control") != "public, max-age=1" || h.Get("Access-Control-Allow-Origin") != "*" ||
		h.Get("Content-Type") != "application/json" || h.Get("ETag") == "" ||
		h.Get("Last-Modified") != "Tue, 24 Nov 2026 12:27:47 GMT" {
		t.Fatalf("headers %v", h)
	}
	resp2, body2 := get(t, srv.URL+"/p2p/v1/manifests/live/livestream.p2p.json", map[string]string{"If-None-Match": h.Get("ETag")})
	if resp2.StatusCode != http.StatusNotModified || body2 != "" {
		t.Fatalf("revalidation: %d %q", resp2.StatusCode, body2)
	}
}

func TestManifestNotFound(t *testing.T) {
	srv := newTestServer(t)
	for _, p := range []string{"/p2p/v1/manifests/live/other.p2p.json", "/p2p/v1/manifests/live/livestream.m3u8", "/p2p/v1/manifests/../../etc/passwd"} {
		resp, body := get(t, srv.URL+p, nil)
		if resp.StatusCode != 404 || !strings.HasPrefix(body, `{"code":4040,"data":`) {
			t.Errorf("%s: %d %q", p, resp.StatusCode, body)
		}
	}
}

func TestStreamsEnvelope(t *testing.T) {
	srv := newTestServer(t)
	resp, body := get(t, srv.URL+"/api/v1/streams", nil)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	var v struct {
		Code   int    `json:"code"`
		Server string `json:"server"`
		Data   struct {
			Streams []map[string]any `json:"streams"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	if v.Code != 0 || v.Server != "origin-a" || len(v.Data.Streams) != 1 {
		t.Fatalf("reply %s", body)
	}
	s := v.Data.Streams[0]
	if s["manifest_url"] != "/p2p/v1/manifests/live/livestream.p2p.json" || s["epoch"] != "vid-1" || s["segments"] != float64(3) {
		t.Fatalf("stream %v", s)
	}
}

func TestHealthMetricsAndErrors(t *testing.T) {
	srv := newTestServer(t)
	if resp, body := get(t, srv.URL+"/healthz", nil); resp.StatusCode != 200 || !strings.Contains(body, `"status":"ok"`) {
		t.Fatalf("healthz %d %s", resp.StatusCode, body)
	}
	if resp, body := get(t, srv.URL+"/metrics", nil); resp.StatusCode != 200 || !strings.Contains(body, "go_goroutines") {
		t.Fatalf("metrics %d", resp.StatusCode)
	}
	if resp, body := get(t, srv.URL+"/nope", nil); resp.StatusCode != 404 || !strings.HasPrefix(body, `{"code":4040`) {
		t.Fatalf("404: %d %s", resp.StatusCode, body)
	}
	resp, err := http.Post(srv.URL+"/api/v1/streams", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 {
		t.Fatalf("POST streams: %d", resp.StatusCode)
	}
}
