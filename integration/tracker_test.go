package integration

import (
	"context"
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// infoHashOf is what p2p-media-loader 2.3.x announces for a plain media
// playlist whose swarm id is the manifest's swarm_id (DESIGN.md §5),
// computed here independently of the tracker package.
func infoHashOf(swarmID string) string {
	index := sha1.Sum([]byte("0--------"))
	stream := "v2-" + swarmID + "-main-" + base64.StdEncoding.EncodeToString(index[:])
	h := sha1.Sum([]byte(stream))
	return base64.StdEncoding.EncodeToString(h[:15])
}

type trackerClient struct {
	t *testing.T
	c *websocket.Conn
}

func dialTracker(t *testing.T, sc *sidecar) *trackerClient {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(sc.url("/p2p/v1/tracker"), "http")
	c, resp, err := websocket.Dial(ctx, url, nil)
	if err != nil {
		t.Fatalf("dial %s: %v (%v)", url, err, resp)
	}
	t.Cleanup(func() { _ = c.CloseNow() })
	return &trackerClient{t: t, c: c}
}

func (tc *trackerClient) send(v map[string]any) {
	tc.t.Helper()
	b, _ := json.Marshal(v)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := tc.c.Write(ctx, websocket.MessageText, b); err != nil {
		tc.t.Fatal(err)
	}
}

func (tc *trackerClient) recv() map[string]any {
	tc.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, b, err := tc.c.Read(ctx)
	if err != nil {
		tc.t.Fatalf("no frame from the tracker: %v", err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		tc.t.Fatalf("frame %s: %v", b, err)
	}
	return v
}

// TestTrackerKnowsItsStreams: the binary's tracker accepts announces for the
// info_hash p2p-media-loader derives from a live manifest's swarm_id, relays
// an offer to the other peer of the swarm, refuses a swarm of no live stream
// with a reason the client understands, and the API shows the swarm's size.
func TestTrackerKnowsItsStreams(t *testing.T) {
	hls := t.TempDir()
	writeCapturedStream(t, hls)
	sc := startSidecar(t, "srs-p2p", itestEnv(hls))
	m := waitManifest(t, hls, "the captured stream's manifest", func(m *manifest) (bool, string) { return len(m.Segments) > 0, "no segments" })
	ih := infoHashOf(m.SwarmID)

	a, b := dialTracker(t, sc), dialTracker(t, sc)
	a.send(map[string]any{"action": "announce", "info_hash": ih, "peer_id": "-PM0001-aaaaaaaaaaaa", "numwant": 5,
		"uploaded": 0, "downloaded": 0, "event": "started", "offers": []any{}})
	if r := a.recv(); r["action"] != "announce" || r["info_hash"] != ih || r["interval"] == nil || r["failure reason"] != nil {
		t.Fatalf("announce reply %v", r)
	}
	b.send(map[string]any{"action": "announce", "info_hash": ih, "peer_id": "-PM0001-bbbbbbbbbbbb", "numwant": 5,
		"uploaded": 0, "downloaded": 0, "event": "started",
		"offers": []any{map[string]any{"offer": map[string]any{"type": "offer", "sdp": "v=0\r\n"}, "offer_id": "\u009f123456789012345678x"}}})
	if r := b.recv(); r["action"] != "announce" || r["failure reason"] != nil {
		t.Fatalf("second announce reply %v", r)
	}
	if r := a.recv(); r["offer_id"] != "\u009f123456789012345678x" || r["peer_id"] != "-PM0001-bbbbbbbbbbbb" || r["info_hash"] != ih {
		t.Fatalf("relayed offer %v", r)
	}

	unknown := infoHashOf("srs-p2p:elsewhere/__defaultVhost__/live/none/vid-x")
	a.send(map[string]any{"action": "announce", "info_hash": unknown, "peer_id": "-PM0001-aaaaaaaaaaaa", "numwant": 5,
		"uploaded": 0, "downloaded": 0, "event": "started", "offers": []any{}})
	if r := a.recv(); r["action"] != "announce" || r["info_hash"] != unknown || r["failure reason"] == nil {
		t.Fatalf("unknown swarm reply %v", r)
	}

	eventually(t, 3*time.Second, "the API to show the swarm's two peers", func() (bool, string) {
		status, body := httpGet(t, sc.url("/api/v1/streams"))
		return status == http.StatusOK && strings.Contains(string(body), `"info_hash":"`+ih+`","peers":2`), string(body)
	})
	sc.checkNoErrorLines()
	sc.stop()
}
