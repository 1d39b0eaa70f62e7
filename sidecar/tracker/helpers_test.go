package tracker

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/webp2p/srs-p2p/internal/testfake"
	"github.com/webp2p/srs-p2p/sidecar/indexer"
)

// The shared fakes, under the names these tests use.
type (
	fakeClock   = testfake.Clock
	fakeStreams = testfake.Streams
)

const testSwarmID = "srs-p2p:test/__defaultVhost__/live/livestream/vid-0ore7v9"

func liveStream(swarmID string) indexer.StreamInfo {
	return indexer.StreamInfo{Vhost: "__defaultVhost__", App: "live", Name: "livestream", Epoch: "vid-0ore7v9",
		SwarmID: swarmID, Playlist: "live/livestream.m3u8", Manifest: "live/livestream.p2p.json", Publishing: true}
}

type env struct {
	t     *testing.T
	s     *Server
	clock *fakeClock
	src   *fakeStreams
	url   string
	ih    string // info_hash of the live test stream
}

// newEnv starts a tracker (no poller: the test calls tick) with one live
// stream, behind an httptest server on 127.0.0.1.
func newEnv(t *testing.T, cfg Config) *env {
	t.Helper()
	s, clock, src, addr := startTracker(t, cfg)
	return &env{t: t, s: s, clock: clock, src: src, url: "ws://" + addr, ih: InfoHashFor(testSwarmID)}
}

// startTracker is newEnv for benchmarks too; it returns the server's
// host:port.
func startTracker(tb testing.TB, cfg Config) (*Server, *fakeClock, *fakeStreams, string) {
	tb.Helper()
	clock := testfake.NewClock(time.Date(2026, 11, 24, 12, 0, 0, 0, time.UTC))
	src := &fakeStreams{}
	src.Set(liveStream(testSwarmID))
	s, err := newServer(cfg, src, clock.Now)
	if err != nil {
		tb.Fatal(err)
	}
	s.tick()
	hs := httptest.NewServer(s)
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Error(err)
		}
		hs.Close()
	})
	return s, clock, src, strings.TrimPrefix(hs.URL, "http://")
}

type client struct {
	t  *testing.T
	ws *websocket.Conn
}

func (e *env) dial(query string) *client {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, e.url+query, nil)
	if err != nil {
		e.t.Fatalf("dial: %v", err)
	}
	ws.SetReadLimit(1 << 20)
	e.t.Cleanup(func() { ws.CloseNow() })
	return &client{t: e.t, ws: ws}
}

func (c *client) sendRaw(data string) {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, []byte(data)); err != nil {
		c.t.Fatalf("write: %v", err)
	}
}

func (c *client) send(v any) {
	c.t.Helper()
	if err := c.trySend(v); err != nil {
		c.t.Fatal(err)
	}
}

// trySend is send for goroutines other than the test's.
func (c *client) trySend(v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.ws.Write(ctx, websocket.MessageText, b)
}

// recv reads one frame as a JSON object.
func (c *client) recv() map[string]any {
	c.t.Helper()
	m, err := c.tryRecv()
	if err != nil {
		c.t.Fatal(err)
	}
	return m
}

// tryRecv is recv for goroutines other than the test's.
func (c *client) tryRecv() (map[string]any, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, data, err := c.ws.Read(ctx)
	if err != nil {
		return nil, fmt.Errorf("read: %w", err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("reply %q: %w", data, err)
	}
	return m, nil
}

// recvFailure reads a frame and checks it is a failure with action and info_hash.
func (c *client) recvFailure(wantText, wantIH string) {
	c.t.Helper()
	m := c.recv()
	if m["action"] != "announce" && m["action"] != "scrape" {
		c.t.Fatalf("failure without action: %v", m)
	}
	if m["failure reason"] != wantText {
		c.t.Fatalf("failure reason = %v, want %q (frame %v)", m["failure reason"], wantText, m)
	}
	if wantIH != "" && m["info_hash"] != encodeBinary(wantIH) {
		c.t.Fatalf("info_hash = %q, want %q", m["info_hash"], encodeBinary(wantIH))
	}
}

// id20 makes a 20-byte binary id whose bytes include values above 0x7F, like
// bittorrent-tracker's random offer ids.
func id20(seed byte) string {
	b := make([]byte, idLen)
	for i := range b {
		b[i] = seed + byte(i*13)
	}
	b[0] = 0x9f
	return string(b)
}

// asciiID is a p2p-media-loader style peer id.
func asciiID(prefix string) string {
	return (prefix + "-PM0203-abcdefghijklmnopqrst")[:idLen]
}

func announceMsg(ih, peerID, event string, offerIDs ...string) map[string]any {
	m := map[string]any{"action": "announce", "info_hash": encodeBinary(ih), "peer_id": encodeBinary(peerID),
		"numwant": len(offerIDs), "uploaded": 0, "downloaded": 0}
	if event != "" {
		m["event"] = event
	}
	offers := []any{}
	for _, id := range offerIDs {
		offers = append(offers, map[string]any{"offer": map[string]any{"type": "offer", "sdp": "v=0 offer " + encodeBinary(id)}, "offer_id": encodeBinary(id)})
	}
	m["offers"] = offers
	return m
}

func answerMsg(ih, peerID, toPeerID, offerID string) map[string]any {
	return map[string]any{"action": "announce", "info_hash": encodeBinary(ih), "peer_id": encodeBinary(peerID),
		"to_peer_id": encodeBinary(toPeerID), "offer_id": encodeBinary(offerID),
		"answer": map[string]any{"type": "answer", "sdp": "v=0 answer"}}
}

// waitFor polls cond until it holds or a deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

func (e *env) peers() int {
	e.s.mu.Lock()
	defer e.s.mu.Unlock()
	n := 0
	for _, sw := range e.s.swarms {
		n += len(sw.peers)
	}
	return n
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
