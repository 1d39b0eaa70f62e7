package dashboard

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"
)

// fakeAPI serves /api/v1/* in the shapes of the real API for a fixed set
// of streams. Window values depend on the generation (the number of list
// requests so far), so they change on every poll and the test can tell
// which poll a rendered page shows.
type fakeAPI struct {
	streams   []fakeStream
	failAfter int // list requests served before every /api/ request fails with 500; <0 = never

	mu        sync.Mutex
	listCalls int
	failing   bool
}

// fakeStream is one stream of the fixture.
type fakeStream struct {
	vhost, app, name, epoch string
	publishing              bool
	pingback                bool // has pingback windows in the list
	swarm                   bool // has a tracker swarm
	points                  int  // history points (0..360)
}

// timeZero stands in for a point's time where only its values matter.
var timeZero time.Time

const (
	fakeServerID = "origin-test"
	fakeVersion  = "9.8.7-test"
)

// fakeStreams: a chart with the full hour, one with a single point, one
// with none; one stream on another vhost; one without swarm; one without
// any pingback (every figure must read as 0).
func fakeStreams() []fakeStream {
	return []fakeStream{
		{vhost: "__defaultVhost__", app: "live", name: "alpha", epoch: "vid-a1", publishing: true, pingback: true, swarm: true, points: 360},
		{vhost: "example.com", app: "live", name: "beta", epoch: "vid-b2", publishing: true, pingback: true, points: 1},
		{vhost: "__defaultVhost__", app: "show", name: "gamma", epoch: "vid-c3", publishing: false, swarm: true, points: 0},
	}
}

// newFakeAPI returns a fake whose API fails after failAfter good list
// requests (0: from the start; <0: never).
func newFakeAPI(failAfter int) *fakeAPI {
	return &fakeAPI{streams: fakeStreams(), failAfter: failAfter, failing: failAfter == 0}
}

// served is the number of good list requests so far.
func (f *fakeAPI) served() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.listCalls
}

func (s fakeStream) key() string {
	if s.vhost == "__defaultVhost__" {
		return s.app + "/" + s.name
	}
	return s.vhost + "/" + s.app + "/" + s.name
}

// window is stream i's pingback window at generation g; 10 s and 60 s
// windows differ by scale so the page must pick the right one.
func window(i, g int, scale float64) map[string]any {
	base := float64(i + 1)
	cdn := (1_000_000*base + 1000*float64(g)) * scale
	p2p := (3_000_000*base + 7000*float64(g)) * scale
	stallMs := (120*base + float64(g)) * scale
	watchMs := 60_000 * 40 * base * scale
	connOK := 30*base + float64(g)
	connFail := float64(i + 2)
	return map[string]any{
		"viewers":            (10*base + float64(g)) * scale,
		"cdn_bytes":          cdn,
		"p2p_down_bytes":     p2p,
		"p2p_up_bytes":       p2p * 0.9,
		"offload_ratio":      p2p / (p2p + cdn),
		"upload_bps":         (2_500_000*base + 1000*float64(g)) * scale,
		"download_bps":       4_000_000 * base * scale,
		"segments_cdn":       40 * base,
		"segments_p2p":       120 * base,
		"stalls":             float64(i + g),
		"stall_ms":           stallMs,
		"watch_ms":           watchMs,
		"stall_ratio":        stallMs / watchMs,
		"startup_ms_p50":     (800 + 10*float64(g)) * base,
		"startup_ms_p95":     (2100 + 10*float64(g)) * base,
		"hash_failures":      float64(i * g),
		"conn_ok":            connOK,
		"conn_fail":          connFail,
		"conn_success_ratio": connOK / (connOK + connFail),
		"nat":                map[string]any{"endpoint_independent": 12, "symmetric": 3},
		"devices":            map[string]any{"desktop": 10, "mobile": 5},
		"sdks":               map[string]any{"0.1.0": 15},
		"a_field_from_later": "ignored", // the page must tolerate additions
	}
}

func (f *fakeAPI) streamJSON(i, g int) map[string]any {
	s := f.streams[i]
	v := map[string]any{
		"vhost": s.vhost, "app": s.app, "name": s.name, "epoch": s.epoch, "epoch_source": "hook",
		"swarm_id": "srs-p2p:" + fakeServerID + "/" + s.vhost + "/" + s.app + "/" + s.name + "/" + s.epoch,
		"playlist": s.app + "/" + s.name + ".m3u8", "manifest": s.app + "/" + s.name + ".p2p.json",
		"segments": 5, "retained": 1, "media_sequence": 100 + g, "bytes": 4_000_000,
		"updated_at": "2026-11-24T12:27:47.926Z", "publishing": s.publishing,
		"manifest_url": "/p2p/v1/manifests/" + s.app + "/" + s.name + ".p2p.json",
	}
	if s.swarm {
		v["swarm"] = map[string]any{"info_hash": "aGFzaGhhc2hoYXNoaGFz", "peers": 7*(i+1) + g, "complete": 3, "incomplete": 4}
	}
	if s.pingback {
		v["pingback"] = map[string]any{"10s": window(i, g, 1), "60s": window(i, g, 6)}
	}
	return v
}

// historyPoint k of stream i; the last point's values are what the chart
// headers show.
func historyPoint(i, k int, t time.Time) map[string]any {
	return map[string]any{
		"t": t.Format(time.RFC3339), "viewers": float64(k%50 + i), "offload_ratio": float64(k%100) / 100,
		"p2p_down_bytes": 1000 * k, "cdn_bytes": 500 * k, "p2p_up_bytes": 900 * k, "stalls": k % 3, "hash_failures": 0,
	}
}

func (f *fakeAPI) mount(r chi.Router) {
	r.Get("/api/v1/versions", f.guard(func(w http.ResponseWriter, r *http.Request, g int) {
		writeJSON(w, http.StatusOK, map[string]any{"code": 0, "server": fakeServerID, "data": map[string]any{"version": fakeVersion}})
	}))
	r.Get("/api/v1/streams", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		if f.failAfter >= 0 && f.listCalls >= f.failAfter {
			f.failing = true
		}
		failing := f.failing
		if !failing {
			f.listCalls++
		}
		g := f.listCalls
		f.mu.Unlock()
		if failing {
			writeJSON(w, http.StatusInternalServerError, map[string]any{"code": 5000, "data": "internal error"})
			return
		}
		list := make([]any, len(f.streams))
		for i := range f.streams {
			list[i] = f.streamJSON(i, g)
		}
		writeJSON(w, http.StatusOK, map[string]any{"code": 0, "server": fakeServerID, "data": map[string]any{"streams": list}})
	})
	r.Get("/api/v1/streams/{app}/{name}", f.guard(f.detail))
}

// guard answers 500 once the fake is failing, else calls h with the
// current generation.
func (f *fakeAPI) guard(h func(http.ResponseWriter, *http.Request, int)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		failing, g := f.failing, f.listCalls
		f.mu.Unlock()
		if failing {
			writeJSON(w, http.StatusInternalServerError, map[string]any{"code": 5000, "data": "internal error"})
			return
		}
		h(w, r, g)
	}
}

func (f *fakeAPI) detail(w http.ResponseWriter, r *http.Request, g int) {
	app, name, vhost := chi.URLParam(r, "app"), chi.URLParam(r, "name"), r.URL.Query().Get("vhost")
	for i, s := range f.streams {
		if s.app != app || s.name != name || s.vhost != vhost {
			continue
		}
		end := time.Now().Truncate(10 * time.Second)
		start := end.Add(-time.Duration(s.points-1) * 10 * time.Second)
		points := make([]any, s.points)
		for k := range points {
			points[k] = historyPoint(i, k, start.Add(time.Duration(k)*10*time.Second))
		}
		windows := map[string]any{"10s": window(i, g, 1), "60s": window(i, g, 6), "300s": window(i, g, 30)}
		writeJSON(w, http.StatusOK, map[string]any{"code": 0, "server": fakeServerID, "data": map[string]any{
			"stream": f.streamJSON(i, g),
			"pingback": map[string]any{"windows": windows, "history": map[string]any{
				"step_s": 10, "start": start.Format(time.RFC3339), "points": points}},
		}})
		return
	}
	writeJSON(w, http.StatusNotFound, map[string]any{"code": 4040, "data": fmt.Sprintf("no stream %s/%s on %s", app, name, vhost)})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}
