package pingback

import (
	"testing"
	"time"

	"github.com/webp2p/srs-p2p/sidecar/tracker"
)

// blameReport is session's report blaming peer for count hash failures.
func blameReport(session, self, peer string, seq int64) Report {
	r := rep(session, seq)
	r.PeerID = self
	r.HashFailures = []HashFailure{{PeerID: peer, Count: 1}}
	return r
}

func TestBadPeerThresholdAndCooldown(t *testing.T) {
	e := newEnv(t, nil)
	ih := tracker.InfoHashFor(swarmA)

	e.post(blameReport("sessionA", peerY, peerX, 1))
	e.post(blameReport("sessionA", peerY, peerX, 2)) // the same reporter again
	if e.s.Bad(ih, peerX) {
		t.Fatal("bad after one reporter")
	}
	e.advance(30 * time.Second)
	e.post(blameReport("sessionB", peerZ, peerX, 1))
	if !e.s.Bad(ih, peerX) {
		t.Fatal("not bad after two distinct sessions within the window")
	}
	if e.s.Bad(tracker.InfoHashFor(swarmB), peerX) || e.s.Bad(ih, peerY) {
		t.Fatal("bad in another stream, or another peer")
	}
	if got := e.s.m.flagged.Get(); got != 1 {
		t.Errorf("flags metric %d, want 1", got)
	}
	e.advance(5*time.Minute - time.Second)
	if !e.s.Bad(ih, peerX) {
		t.Fatal("cooldown ended early")
	}
	e.advance(time.Second)
	if e.s.Bad(ih, peerX) {
		t.Fatal("still bad after the cooldown")
	}
	// Reporters from before the verdict do not carry over.
	e.post(blameReport("sessionA", peerY, peerX, 3))
	if e.s.Bad(ih, peerX) {
		t.Fatal("bad again after one new blame")
	}
	// A blame older than the window is forgotten by the sweep.
	book := e.stats(swarmA).peers
	e.advance(time.Minute)
	book.mu.Lock()
	n := len(book.blamed)
	book.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d blamed peers kept", n)
	}
}

func TestBlamesOutsideTheWindowDoNotAddUp(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.BadPeerReporters = 3 })
	ih := tracker.InfoHashFor(swarmA)
	e.post(blameReport("sessionA", "", peerX, 1))
	// The clock moves without the periodic sweep: the blame itself must
	// drop reporters older than the window.
	e.clock.Add(40 * time.Second)
	e.post(blameReport("sessionB", "", peerX, 1))
	e.clock.Add(30 * time.Second) // A's blame is 70 s old
	e.post(blameReport("sessionC", "", peerX, 1))
	if e.s.Bad(ih, peerX) {
		t.Fatal("bad with blames spread over more than the window")
	}
	e.post(blameReport("sessionD", "", peerX, 1))
	if !e.s.Bad(ih, peerX) {
		t.Fatal("not bad with 3 reporters within the window")
	}
}

func TestSelfBlameAndUnknownPeerIgnored(t *testing.T) {
	e := newEnv(t, nil)
	ih := tracker.InfoHashFor(swarmA)
	e.post(blameReport("sessionA", peerX, peerX, 1), blameReport("sessionB", peerX, peerX, 1))
	e.post(blameReport("sessionC", peerY, "", 1), blameReport("sessionD", peerZ, "", 1))
	if e.s.Bad(ih, peerX) || e.s.Bad(ih, "") {
		t.Fatal("self blame or an unknown peer made a peer bad")
	}
	if w := e.windows(swarmA).W10s; w.HashFailures != 4 {
		t.Fatalf("hash failures %d, want 4 (counted even when nobody is blamed)", w.HashFailures)
	}
}

func TestUploadScore(t *testing.T) {
	e := newEnv(t, nil)
	ih := tracker.InfoHashFor(swarmA)
	up := func(session string, seq, bytes int64) {
		r := rep(session, seq)
		r.PeerID, r.P2PUpBytes = peerX, bytes
		e.post(r)
	}
	if got := e.s.UploadScore(ih, peerX); got != 0 {
		t.Fatalf("score before any report %v", got)
	}
	up("sessionA", 1, 35000)
	e.advance(30 * time.Second)
	up("sessionA", 2, 35000)
	if got, want := e.s.UploadScore(ih, peerX), 70000.0/70; got != want {
		t.Fatalf("score %v, want %v bytes/s", got, want)
	}
	if e.s.UploadScore(ih, peerY) != 0 || e.s.UploadScore("nope", peerX) != 0 {
		t.Fatal("score for a silent peer or an unknown swarm")
	}
	e.advance(45 * time.Second) // the first upload is 7 slots old
	if got, want := e.s.UploadScore(ih, peerX), 35000.0/70; got != want {
		t.Fatalf("score %v, want %v", got, want)
	}
	e.advance(time.Minute)
	if got := e.s.UploadScore(ih, peerX); got != 0 {
		t.Fatalf("score after a silent minute %v", got)
	}
	book := e.stats(swarmA).peers
	book.mu.Lock()
	n := len(book.uploads)
	book.mu.Unlock()
	if n != 0 {
		t.Fatalf("%d upload entries kept after they stopped counting", n)
	}
}

// The tracker calls Bad and UploadScore under its swarm lock while reports
// arrive; both must be safe concurrently (run with -race).
func TestScorerConcurrentWithIngest(t *testing.T) {
	e := newEnv(t, nil)
	ih := tracker.InfoHashFor(swarmA)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 2000; i++ {
			e.s.Bad(ih, peerX)
			e.s.UploadScore(ih, peerX)
		}
	}()
	for i := int64(1); i <= 50; i++ {
		r := blameReport("sessionA", peerY, peerX, i)
		r.P2PUpBytes = 10
		e.post(r)
	}
	<-done
}
