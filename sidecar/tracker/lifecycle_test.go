package tracker

import (
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestPeerExpiry(t *testing.T) {
	e := newEnv(t, Config{Interval: 10 * time.Second})
	a, b := e.dial(""), e.dial("")
	a.send(announceMsg(e.ih, asciiID("A"), "started"))
	a.recv()
	b.send(announceMsg(e.ih, asciiID("B"), "started"))
	b.recv()

	e.clock.Add(15 * time.Second)
	b.send(announceMsg(e.ih, asciiID("B"), "")) // periodic announce keeps B
	b.recv()
	e.clock.Add(6 * time.Second) // A silent 21s > 2 x interval, B 6s
	e.s.tick()
	if n := e.peers(); n != 1 {
		t.Fatalf("peers after expiry = %d, want 1", n)
	}
	if e.s.m.expiredPeers.Get() != 1 {
		t.Fatal("expiry not counted")
	}

	b.send(announceMsg(e.ih, asciiID("B"), "stopped"))
	if r := b.recv(); r["incomplete"] != float64(0) {
		t.Fatalf("reply to stopped = %v", r)
	}
	if n := e.peers(); n != 0 {
		t.Fatalf("peers after stopped = %d", n)
	}
	if got := e.s.m.swarms.Load(); got != 0 {
		t.Fatalf("swarms gauge = %d after the last peer left", got)
	}
}

func TestSocketCloseRemovesPeers(t *testing.T) {
	e := newEnv(t, Config{})
	a := e.dial("")
	a.send(announceMsg(e.ih, asciiID("A"), "started"))
	a.recv()
	a.ws.CloseNow()
	waitFor(t, "peer removal", func() bool { return e.peers() == 0 && e.s.m.conns.Load() == 0 })
}

func TestStreamEndClosesSwarmAfterGrace(t *testing.T) {
	e := newEnv(t, Config{Grace: 30 * time.Second})
	a := e.dial("")
	a.send(announceMsg(e.ih, asciiID("A"), "started"))
	a.recv()
	if st := e.s.Swarms(); len(st) != 1 || st[0].SwarmID != testSwarmID || st[0].Peers != 1 || st[0].InfoHash != e.ih || st[0].Ended {
		t.Fatalf("Swarms() = %+v", st)
	}

	e.src.Set() // the stream ended
	e.s.tick()
	e.clock.Add(29 * time.Second)
	e.s.tick()
	if st := e.s.Swarms(); len(st) != 1 || !st[0].Ended || st[0].Peers != 1 {
		t.Fatalf("in grace: Swarms() = %+v", st)
	}
	e.clock.Add(time.Second)
	e.s.tick()
	if st := e.s.Swarms(); len(st) != 0 || e.peers() != 0 {
		t.Fatalf("after grace: Swarms() = %+v, peers %d", st, e.peers())
	}
	a.send(announceMsg(e.ih, asciiID("A"), ""))
	a.recvFailure("unknown info_hash: not a live stream of this tracker", e.ih)
}

func TestCloseLeaksNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	src := &fakeStreams{}
	src.Set(liveStream(testSwarmID))
	s, err := New(Config{PollInterval: time.Millisecond}, src)
	if err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, s: s, ih: InfoHashFor(testSwarmID)}
	hs := httptest.NewServer(s)
	e.url = "ws" + strings.TrimPrefix(hs.URL, "http")
	var clients []*client
	for i := range 5 {
		c := e.dial("")
		c.send(announceMsg(e.ih, asciiID(string(rune('A'+i))), "started"))
		c.recv()
		clients = append(clients, c)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal("second Close:", err)
	}
	if s.m.conns.Load() != 0 || e.peers() != 0 {
		t.Fatalf("after Close: conns %d peers %d", s.m.conns.Load(), e.peers())
	}
	for _, c := range clients {
		c.ws.CloseNow()
	}
	hs.Close()
	waitFor(t, "goroutines to return to baseline", func() bool { return runtime.NumGoroutine() <= before })
}
