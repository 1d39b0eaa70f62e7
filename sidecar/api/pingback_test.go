package api

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/webp2p/srs-p2p/sidecar/indexer"
	"github.com/webp2p/srs-p2p/sidecar/pingback"
)

// fakeStats knows the streams in detail; Summary reports their swarm_id
// back so the test sees which stream asked.
type fakeStats struct {
	detail map[string]any
}

func (f *fakeStats) Summary(swarmID string) (any, bool) {
	if _, ok := f.detail[swarmID]; !ok {
		return nil, false
	}
	return map[string]string{"of": swarmID}, true
}

func (f *fakeStats) Detail(swarmID string) (any, bool) {
	d, ok := f.detail[swarmID]
	return d, ok
}

const testSwarm = "srs-p2p:o/__defaultVhost__/live/livestream/vid-1"

func newStatsServer(t *testing.T, stats StreamStats) (*httptest.Server, *fakeStreams) {
	t.Helper()
	fs := &fakeStreams{infos: []indexer.StreamInfo{
		{Vhost: "__defaultVhost__", App: "live", Name: "livestream", Epoch: "vid-1", SwarmID: testSwarm,
			Playlist: "live/livestream.m3u8", Manifest: "live/livestream.p2p.json", Segments: 3},
		{Vhost: "other.example", App: "live", Name: "livestream", Epoch: "vid-2", SwarmID: "srs-p2p:o/other.example/live/livestream/vid-2",
			Playlist: "other/live/livestream.m3u8", Manifest: "other/live/livestream.p2p.json"},
	}}
	srv := httptest.NewServer(NewRouter(Config{ServerID: "origin-a", Stats: stats}, fs))
	t.Cleanup(srv.Close)
	return srv, fs
}

func TestStreamListPingback(t *testing.T) {
	srv, _ := newStatsServer(t, &fakeStats{detail: map[string]any{testSwarm: "d"}})
	_, body := get(t, srv.URL+"/api/v1/streams", nil)
	var v struct {
		Data struct {
			Streams []map[string]any `json:"streams"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	if len(v.Data.Streams) != 2 {
		t.Fatalf("reply %s", body)
	}
	pb, ok := v.Data.Streams[0]["pingback"].(map[string]any)
	if !ok || pb["of"] != testSwarm {
		t.Fatalf("first stream's pingback %v", v.Data.Streams[0]["pingback"])
	}
	if _, ok := v.Data.Streams[1]["pingback"]; ok {
		t.Fatalf("pingback for a stream the stats do not know: %v", v.Data.Streams[1])
	}
	// Fields from before pingback are unchanged.
	if s := v.Data.Streams[0]; s["manifest_url"] != "/p2p/v1/manifests/live/livestream.p2p.json" || s["segments"] != float64(3) || s["swarm_id"] != testSwarm {
		t.Fatalf("stream %v", s)
	}
}

func TestStreamDetail(t *testing.T) {
	srv, _ := newStatsServer(t, &fakeStats{detail: map[string]any{testSwarm: map[string]int{"x": 1}}})
	resp, body := get(t, srv.URL+"/api/v1/streams/live/livestream", nil)
	want := `{"code":0,"server":"origin-a","data":{"pingback":{"x":1},"stream":{`
	if resp.StatusCode != 200 || !strings.HasPrefix(body, want) || !strings.Contains(body, `"pingback":{"of":"`+testSwarm+`"}`) {
		t.Fatalf("detail %d %s", resp.StatusCode, body)
	}
	// The other vhost's stream of the same name: known to the indexer,
	// not to the stats.
	resp, body = get(t, srv.URL+"/api/v1/streams/live/livestream?vhost=other.example", nil)
	if resp.StatusCode != 200 || !strings.Contains(body, `"epoch":"vid-2"`) || strings.Contains(body, "pingback") {
		t.Fatalf("other vhost: %d %s", resp.StatusCode, body)
	}
	for _, p := range []string{"/api/v1/streams/live/nope", "/api/v1/streams/live/livestream.m3u8", "/api/v1/streams/live/livestream?vhost=x"} {
		resp, body := get(t, srv.URL+p, nil)
		if resp.StatusCode != 404 || !strings.HasPrefix(body, `{"code":4040,"data":"no live stream`) {
			t.Errorf("%s: %d %s", p, resp.StatusCode, body)
		}
	}
}

// With the real pingback service: the detail of a live stream nobody
// reported on has every window and an empty history, and a report shows.
func TestStreamDetailWithPingback(t *testing.T) {
	fs := &fakeStreams{infos: []indexer.StreamInfo{{Vhost: "__defaultVhost__", App: "live", Name: "livestream",
		Epoch: "vid-1", SwarmID: testSwarm, Playlist: "live/livestream.m3u8", Manifest: "live/livestream.p2p.json"}}}
	pb, err := pingback.New(pingback.Config{ServerID: "origin-a"}, fs)
	if err != nil {
		t.Fatal(err)
	}
	defer pb.Close()
	srv := httptest.NewServer(NewRouter(Config{ServerID: "origin-a", Stats: pb}, fs, pb))
	defer srv.Close()

	type window struct {
		Viewers  int            `json:"viewers"`
		CDNBytes int64          `json:"cdn_bytes"`
		NAT      map[string]int `json:"nat"`
	}
	var v struct {
		Data struct {
			Stream struct {
				Pingback map[string]window `json:"pingback"`
			} `json:"stream"`
			Pingback struct {
				Windows map[string]window `json:"windows"`
				History struct {
					StepS  int              `json:"step_s"`
					Start  string           `json:"start"`
					Points []map[string]any `json:"points"`
				} `json:"history"`
			} `json:"pingback"`
		} `json:"data"`
	}
	_, body := get(t, srv.URL+"/api/v1/streams/live/livestream", nil)
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	p := v.Data.Pingback
	if len(p.Windows) != 3 || p.Windows["300s"].NAT == nil || p.History.StepS != 10 || p.History.Start == "" ||
		p.History.Points == nil || len(v.Data.Stream.Pingback) != 2 {
		t.Fatalf("empty detail %s", body)
	}

	report := `{"version":1,"reports":[{"swarm_id":"` + testSwarm + `","session":"abcdefgh","seq":1,"cdn_bytes":1234}]}`
	resp, err := http.Post(srv.URL+pingback.Path, "text/plain", strings.NewReader(report))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("report: %d", resp.StatusCode)
	}
	_, body = get(t, srv.URL+"/api/v1/streams/live/livestream", nil)
	if err := json.Unmarshal([]byte(body), &v); err != nil {
		t.Fatal(err)
	}
	p = v.Data.Pingback
	var historyCDN float64 // the report's slot may be the last point or the one before
	for _, pt := range p.History.Points {
		historyCDN += pt["cdn_bytes"].(float64)
	}
	if p.Windows["10s"].CDNBytes != 1234 || p.Windows["10s"].Viewers != 1 || v.Data.Stream.Pingback["60s"].CDNBytes != 1234 || historyCDN != 1234 {
		t.Fatalf("detail after a report %s", body)
	}
}
