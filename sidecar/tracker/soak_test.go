package tracker

import (
	"encoding/json"
	"flag"
	"fmt"
	"math/rand/v2"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

var (
	soakFull     = flag.Bool("soak", false, "run the soak at the issue's scale: 10,000 peers over 60 s")
	soakPeers    = flag.Int("soak.peers", 0, "peers of the soak (default 2,000, or 10,000 with -soak)")
	soakDuration = flag.Duration("soak.duration", 0, "time over which soak peers join (default 10s, or 55s with -soak)")
)

// soakInterval is the announce interval of the soak; its fake clock
// advances by half the peer TTL (2 x interval) every soakTick.
const (
	soakInterval = 10 * time.Second
	soakTick     = 500 * time.Millisecond
	soakAnnounce = 150 * time.Millisecond // real time between a live peer's announces
	// soakSilent is how long a silent peer keeps its socket: the tracker
	// expires it within two ticks of its last announce.
	soakSilent = 5 * soakTick
)

// TestSoakPeersJoinAndLeave has peers join over a period, announce with
// offers, answer the offers relayed to them, and leave: a third with
// "stopped", a third by closing the socket, a third by going silent until
// the tracker expires them (a fake clock moves the tracker's time). Then
// goroutines, gauges and heap must be back to where they started.
//
// Normal runs use 2,000 peers joining over 10 s, so that the package's
// tests stay fast under -race; `go test ./sidecar/tracker/ -run Soak -soak`
// runs the 10,000 peers, joining over 55 s and all gone about 60 s
// after the first (-soak.peers and -soak.duration tune it). Peers live
// 0.2-2 s, silent ones 2.5 s more, so a few hundred are connected at a time
// (the process's file limit allows no 10,000 at once).
func TestSoakPeersJoinAndLeave(t *testing.T) {
	peers, period := 2000, 10*time.Second
	if *soakFull {
		peers, period = 10000, 55*time.Second
	}
	if *soakPeers > 0 {
		peers = *soakPeers
	}
	if *soakDuration > 0 {
		period = *soakDuration
	}
	s, clock, _, addr := startTracker(t, Config{Interval: soakInterval, MessagesPerSecond: 1000})
	ih := InfoHashFor(testSwarmID)
	warmGoroutines(soakWarmGoroutines)
	baseGoroutines, baseHeap := settledGoroutinesAndHeap()
	var peak atomic.Int64

	stopExpiry := make(chan struct{})
	expiryDone := make(chan struct{})
	go func() { // the tracker's clock: live peers announce every soakAnnounce, silent ones expire
		defer close(expiryDone)
		tick := time.NewTicker(soakTick)
		defer tick.Stop()
		for {
			select {
			case <-stopExpiry:
				return
			case <-tick.C:
				clock.Add(soakInterval + time.Millisecond)
				s.tick()
				if n := int64(runtime.NumGoroutine()); n > peak.Load() {
					peak.Store(n)
				}
			}
		}
	}()

	var wg sync.WaitGroup
	var failed atomic.Int64
	spawn := time.NewTicker(period / time.Duration(peers))
	for i := range peers {
		<-spawn.C
		wg.Go(func() {
			if err := runSoakPeer(addr, ih, i); err != nil && failed.Add(1) <= 5 {
				t.Errorf("peer %d: %v", i, err)
			}
		})
	}
	spawn.Stop()
	wg.Wait()
	close(stopExpiry)
	<-expiryDone

	waitFor(t, "connections, peers and swarms gone", func() bool {
		return s.m.conns.Load() == 0 && s.m.peers.Load() == 0 && s.m.swarms.Load() == 0
	})
	waitFor(t, "goroutines back to the baseline", func() bool { return runtime.NumGoroutine() <= baseGoroutines })
	_, heap := settledGoroutinesAndHeap()
	// What the soak may leave: maps that grew to the peak number of
	// connections, runtime structures; a peer left behind costs over 1 KiB.
	const heapSlack = 1 << 20
	if heap > baseHeap+heapSlack {
		t.Errorf("heap in use %d KiB after the soak, %d KiB before", heap>>10, baseHeap>>10)
	}
	if peak.Load() > soakWarmGoroutines {
		t.Logf("goroutines peaked at %d, more than the %d warmed up: the heap may hold their descriptors", peak.Load(), soakWarmGoroutines)
	}
	for name, n := range map[string]uint64{"offers relayed": s.m.offersRelayed.Get(), "answers relayed": s.m.answersRelayed.Get(),
		"peers expired": s.m.expiredPeers.Get(), "stopped announces": s.m.announces[eventStopped].Get()} {
		if n == 0 {
			t.Errorf("no %s: the soak did not exercise the tracker", name)
		}
	}
	t.Logf("%d peers over %s: %d offers and %d answers relayed, %d peers expired, %d frames dropped, goroutines peaked at %d; heap in use %d KiB before, %d KiB after",
		peers, period, s.m.offersRelayed.Get(), s.m.answersRelayed.Get(), s.m.expiredPeers.Get(), s.m.dropped.Get(),
		peak.Load(), baseHeap>>10, heap>>10)
}

// soakWarmGoroutines is how many goroutines warmGoroutines starts: more
// than the soak runs at once, and fewer than the race detector's limit.
const soakWarmGoroutines = 5000

// warmGoroutines starts and ends n goroutines. The runtime keeps the
// descriptor of every goroutine it ever made, for reuse: warmed up before
// the baseline, they are not counted as memory the soak left behind.
func warmGoroutines(n int) {
	var wg sync.WaitGroup
	release := make(chan struct{})
	for range n {
		wg.Go(func() { <-release })
	}
	close(release)
	wg.Wait()
}

func settledGoroutinesAndHeap() (int, uint64) {
	var ms runtime.MemStats
	for range 3 { // sync.Pools empty over two collections
		runtime.GC()
	}
	runtime.ReadMemStats(&ms)
	return runtime.NumGoroutine(), ms.HeapInuse
}

// soakFrame is what a soak peer reads of the tracker's frames.
type soakFrame struct {
	Offer    json.RawMessage `json:"offer"`
	OfferID  string          `json:"offer_id"`
	PeerID   string          `json:"peer_id"`
	Interval int             `json:"interval"`
}

// runSoakPeer is one peer's life.
func runSoakPeer(addr, ih string, i int) error {
	c, err := dialRaw(addr)
	if err != nil {
		return err
	}
	id := peerIDFor(i)
	var wmu sync.Mutex
	answering := atomic.Bool{}
	answering.Store(true)
	send := func(v any) error {
		wmu.Lock()
		defer wmu.Unlock()
		return c.write(ws.OpText, []byte(mustJSON(v)))
	}
	replies := make(chan struct{}, 64)
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		for {
			_, p, err := c.read()
			if err != nil {
				return
			}
			var f soakFrame
			if json.Unmarshal(p, &f) != nil {
				continue
			}
			switch {
			case f.Interval > 0:
				select {
				case replies <- struct{}{}:
				default:
				}
			case f.Offer != nil && answering.Load():
				_ = send(map[string]any{"action": "announce", "info_hash": ih, "peer_id": id, "to_peer_id": f.PeerID,
					"offer_id": f.OfferID, "answer": map[string]any{"type": "answer", "sdp": "v=0 soak answer"}})
			}
		}
	}()
	offerID := func(n int) string { return fmt.Sprintf("%08d%012d", i, n) }
	if err := send(announceMsg(ih, id, "started", offerID(0), offerID(1))); err != nil {
		c.close()
		return err
	}
	select {
	case <-replies:
	case <-readDone:
		return fmt.Errorf("closed before the announce reply")
	}
	life := time.NewTimer(200*time.Millisecond + rand.N(1800*time.Millisecond))
	defer life.Stop()
	every := time.NewTicker(soakAnnounce)
	defer every.Stop()
live:
	for n := 2; ; n++ {
		select {
		case <-every.C:
			if err := send(announceMsg(ih, id, "", offerID(n))); err != nil {
				c.close()
				return err
			}
		case <-life.C:
			break live
		}
	}
	switch i % 3 {
	case 0: // leaves politely
		err := send(announceMsg(ih, id, "stopped"))
		c.close()
		<-readDone
		return err
	case 1: // its socket just closes
		c.close()
		<-readDone
		return nil
	}
	answering.Store(false) // goes silent, socket open, until the tracker has expired it
	silence := time.NewTimer(soakSilent)
	defer silence.Stop()
	select {
	case <-silence.C:
	case <-readDone:
	}
	c.close()
	<-readDone
	return nil
}
