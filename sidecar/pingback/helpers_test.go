package pingback

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/webp2p/srs-p2p/internal/srslog"
	"github.com/webp2p/srs-p2p/internal/testfake"
	"github.com/webp2p/srs-p2p/sidecar/indexer"
)

func newTestLogger(w io.Writer) *slog.Logger { return srslog.New(w, slog.LevelDebug) }

// The shared fakes, under the names these tests use.
type (
	fakeClock   = testfake.Clock
	fakeStreams = testfake.Streams
)

const (
	swarmA = "srs-p2p:test/__defaultVhost__/live/livestream/vid-aaaa"
	swarmB = "srs-p2p:test/__defaultVhost__/live/other/vid-bbbb"
	// peerX and peerY are peer ids as a client sends them (and, being
	// ASCII, as the tracker keys them).
	peerX = "-PM0203-xxxxxxxxxxxx"
	peerY = "-PM0203-yyyyyyyyyyyy"
	peerZ = "-PM0203-zzzzzzzzzzzz"
)

func streamInfo(swarmID, name string) indexer.StreamInfo {
	return indexer.StreamInfo{Vhost: "__defaultVhost__", App: "live", Name: name, Epoch: swarmID[len(swarmID)-9:],
		SwarmID: swarmID, Playlist: "live/" + name + ".m3u8", Manifest: "live/" + name + ".p2p.json", Publishing: true}
}

// t0 is 5 s into a slot, so slot boundaries are easy to reason about.
var t0 = time.Date(2026, 11, 24, 12, 0, 5, 0, time.UTC)

type env struct {
	t     testing.TB
	clock *fakeClock
	src   *fakeStreams
	s     *Server
	log   *bytes.Buffer
}

// newEnv builds a server without its goroutine, over streams A and B, on a
// fake clock at t0. mod edits the config.
func newEnv(t testing.TB, mod func(*Config)) *env {
	t.Helper()
	e := &env{t: t, clock: testfake.NewClock(t0), src: &fakeStreams{}, log: &bytes.Buffer{}}
	e.src.Set(streamInfo(swarmA, "livestream"), streamInfo(swarmB, "other"))
	cfg := Config{ServerID: "origin-a", Rate: 1e6, Burst: 1e6, Now: e.clock.Now, Logger: newTestLogger(e.log)}
	if mod != nil {
		mod(&cfg)
	}
	s, err := newServer(cfg, e.src)
	if err != nil {
		t.Fatal(err)
	}
	e.s = s
	s.tick()
	return e
}

// advance moves the clock and runs the periodic work.
func (e *env) advance(d time.Duration) {
	e.clock.Add(d)
	e.s.tick()
}

// reply is a decoded response.
type reply struct {
	status int
	code   int
	data   json.RawMessage
	header http.Header
	body   string
}

// post sends body to the handler (no network) from remote.
func (e *env) postRaw(body, contentType, query, remote string) reply {
	e.t.Helper()
	r := chi.NewRouter()
	e.s.Mount(r)
	req := httptest.NewRequest(http.MethodPost, Path+query, strings.NewReader(body))
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	if remote != "" {
		req.RemoteAddr = remote
	}
	rec := httptest.NewRecorder()
	r.ServeHTTP(rec, req)
	var v struct {
		Code int             `json:"code"`
		Data json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &v); err != nil {
		e.t.Fatalf("reply %q: %v", rec.Body.String(), err)
	}
	return reply{status: rec.Code, code: v.Code, data: v.Data, header: rec.Header(), body: rec.Body.String()}
}

// post sends the reports as one request and fails the test unless they
// were accepted; it returns accepted and duplicates.
func (e *env) post(reports ...Report) (accepted, duplicates int) {
	e.t.Helper()
	rp := e.postRaw(batchJSON(e.t, reports...), "application/json", "", "192.0.2.10:5000")
	if rp.status != http.StatusOK || rp.code != 0 {
		e.t.Fatalf("post: %d %s", rp.status, rp.body)
	}
	var d struct {
		Accepted   int `json:"accepted"`
		Duplicates int `json:"duplicates"`
	}
	if err := json.Unmarshal(rp.data, &d); err != nil {
		e.t.Fatal(err)
	}
	return d.Accepted, d.Duplicates
}

func batchJSON(t testing.TB, reports ...Report) string {
	t.Helper()
	b, err := json.Marshal(Batch{Version: Version, Reports: reports})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// rep is a report of session for stream A with seq, covering 10 s.
func rep(session string, seq int64) Report {
	return Report{SwarmID: swarmA, Session: session, Seq: seq, IntervalMS: 10000, WatchMS: 10000}
}

// summary and detail read the server's views of a stream.
func (e *env) windows(swarmID string) Windows {
	e.t.Helper()
	d, ok := e.s.Detail(swarmID)
	if !ok {
		e.t.Fatalf("no detail for %s", swarmID)
	}
	return d.(Detail).Windows
}

func (e *env) stats(swarmID string) *streamStats {
	e.t.Helper()
	st, ok := e.s.statsOf(swarmID)
	if !ok || st == nil {
		e.t.Fatalf("no stats for %s", swarmID)
	}
	return st
}
