package tracker

import (
	"net"
	"runtime"
	"strings"
	"testing"

	"github.com/gobwas/ws"
)

// stuckReceiver joins the swarm and then never reads; its socket buffer is
// made small so that the tracker's writes to it soon cannot proceed.
func stuckReceiver(t *testing.T, addr, ih string) *rawClient {
	t.Helper()
	c := dialRawT(t, addr)
	if err := c.nc.(*net.TCPConn).SetReadBuffer(4096); err != nil {
		t.Fatal(err)
	}
	if err := c.write(ws.OpText, []byte(mustJSON(announceMsg(ih, asciiID("S"), "started")))); err != nil {
		t.Fatal(err)
	}
	if _, err := c.readUntil(`"interval"`); err != nil {
		t.Fatal(err)
	}
	return c
}

// bigOffer is an announce with one offer of a 16 KiB SDP.
func bigOffer(ih, peerID string, seed byte) []byte {
	m := announceMsg(ih, peerID, "", id20(seed))
	m["offers"].([]any)[0].(map[string]any)["offer"] = map[string]any{"type": "offer", "sdp": strings.Repeat("a=x\r\n", 16<<10/5)}
	return []byte(mustJSON(m))
}

// TestSlowClientNeverBlocksRelaying: a client that does not read fills
// its socket, then its queue (frames dropped and counted); meanwhile the
// peer sending it offers is served as usual. The write timeout is an hour,
// so a relay that waited on the stuck socket would hang this test.
func TestSlowClientNeverBlocksRelaying(t *testing.T) {
	s, _, _, addr := startTracker(t, Config{SendQueue: 4, MessagesPerSecond: 1e6, WriteTimeout: 1e12})
	ih := InfoHashFor(testSwarmID)
	stuckReceiver(t, addr, ih)
	offerer := dialRawT(t, addr)
	for i := range 400 {
		if err := offerer.write(ws.OpText, bigOffer(ih, asciiID("O"), byte(i))); err != nil {
			t.Fatal(err)
		}
		if _, err := offerer.readUntil(`"interval"`); err != nil {
			t.Fatalf("announce %d: %v", i, err)
		}
	}
	if s.m.dropped.Get() == 0 {
		t.Fatal("no frame was dropped for the client that does not read")
	}
}

// TestSlowClientIsClosed: a client whose socket stays full past the write
// timeout is closed and counted, and leaves no goroutine behind.
func TestSlowClientIsClosed(t *testing.T) {
	s, _, _, addr := startTracker(t, Config{SendQueue: 4, MessagesPerSecond: 1e6, WriteTimeout: 1e8})
	before := runtime.NumGoroutine() // the HTTP server's, no connection yet
	ih := InfoHashFor(testSwarmID)
	stuckReceiver(t, addr, ih)
	offerer := dialRawT(t, addr)
	for i := 0; s.m.closed[closeSlow].Get() == 0; i++ {
		if err := offerer.write(ws.OpText, bigOffer(ih, asciiID("O"), byte(i))); err != nil {
			t.Fatal(err)
		}
		if _, err := offerer.readUntil(`"interval"`); err != nil {
			t.Fatalf("announce %d: %v", i, err)
		}
		if i == 100000 {
			t.Fatal("the stuck client was never closed")
		}
	}
	waitFor(t, "the stuck peer to be gone", func() bool { return s.m.peers.Load() == 1 && s.m.conns.Load() == 1 })
	offerer.close()
	waitFor(t, "connections closed", func() bool { return s.m.conns.Load() == 0 })
	waitFor(t, "goroutines back to baseline", func() bool { return runtime.NumGoroutine() <= before })
}
