package tracker

import (
	"testing"
	"time"
)

// TestOfferAnswerRelay runs the exchange two p2p-media-loader viewers make:
// announce with offers, offer relayed to the other peer, answer relayed back,
// every binary string byte-exact.
func TestOfferAnswerRelay(t *testing.T) {
	e := newEnv(t, Config{})
	a, b := e.dial(""), e.dial("")
	peerA, peerB := asciiID("A"), id20(1) // one ASCII, one binary (bytes > 0x7F)

	b.send(announceMsg(e.ih, peerB, "started"))
	r := b.recv()
	if r["action"] != "announce" || r["interval"] != float64(60) || r["info_hash"] != e.ih || r["incomplete"] != float64(1) || r["complete"] != float64(0) {
		t.Fatalf("announce reply = %v", r)
	}

	offer1, offer2 := id20(50), id20(90)
	a.send(announceMsg(e.ih, peerA, "started", offer1, offer2))
	r = a.recv()
	if r["incomplete"] != float64(2) {
		t.Fatalf("announce reply = %v", r)
	}
	got := b.recv()
	want := map[string]any{"action": "announce", "offer_id": encodeBinary(offer1), "peer_id": encodeBinary(peerA), "info_hash": e.ih}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("relayed offer %s = %q, want %q", k, got[k], v)
		}
	}
	if o, _ := got["offer"].(map[string]any); o["type"] != "offer" || o["sdp"] != "v=0 offer "+encodeBinary(offer1) {
		t.Fatalf("relayed offer body = %v", got["offer"])
	}

	b.send(answerMsg(e.ih, peerB, peerA, offer1))
	got = a.recv()
	want = map[string]any{"action": "announce", "offer_id": encodeBinary(offer1), "peer_id": encodeBinary(peerB), "info_hash": e.ih}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("relayed answer %s = %q, want %q", k, got[k], v)
		}
	}
	if ans, _ := got["answer"].(map[string]any); ans["type"] != "answer" || ans["sdp"] != "v=0 answer" {
		t.Fatalf("relayed answer body = %v", got["answer"])
	}
	if n := e.s.m.offersRelayed.Get(); n != 1 {
		t.Errorf("offers relayed = %d, want 1 (one other peer)", n)
	}
	// The counter follows the hand-off to the writer, which may deliver
	// the frame first.
	waitFor(t, "answers relayed = 1", func() bool { return e.s.m.answersRelayed.Get() == 1 })
}

func TestSpoofedAnswers(t *testing.T) {
	e := newEnv(t, Config{})
	a, b, c := e.dial(""), e.dial(""), e.dial("")
	peerA, peerB, peerC := asciiID("A"), asciiID("B"), asciiID("C")
	b.send(announceMsg(e.ih, peerB, "started"))
	b.recv()
	a.send(announceMsg(e.ih, peerA, "started", id20(7)))
	a.recv()
	b.recv() // the offer
	c.send(announceMsg(e.ih, peerC, "started"))
	c.recv()

	const unknownOffer = "answer for an offer this tracker did not relay to you, or expired"
	cases := []struct {
		name string
		cl   *client
		msg  map[string]any
		want string
	}{
		{"offer relayed to someone else", c, answerMsg(e.ih, peerC, peerA, id20(7)), unknownOffer},
		{"offer id never relayed", b, answerMsg(e.ih, peerB, peerA, id20(8)), unknownOffer},
		{"wrong offerer", b, answerMsg(e.ih, peerB, peerC, id20(7)), unknownOffer},
		{"peer id of another connection", c, answerMsg(e.ih, peerB, peerA, id20(7)), "peer_id is announced by another connection"},
		{"answer before announce", e.dial(""), answerMsg(e.ih, asciiID("D"), peerA, id20(7)), "announce before answering"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			tc.cl.send(tc.msg)
			tc.cl.recvFailure(tc.want, e.ih)
		})
	}
	// the genuine answer still works, once
	b.send(answerMsg(e.ih, peerB, peerA, id20(7)))
	if got := a.recv(); got["answer"] == nil {
		t.Fatalf("want the answer, got %v", got)
	}
	b.send(answerMsg(e.ih, peerB, peerA, id20(7)))
	b.recvFailure(unknownOffer, e.ih)
}

func TestAnswerAfterTTL(t *testing.T) {
	e := newEnv(t, Config{})
	a, b := e.dial(""), e.dial("")
	b.send(announceMsg(e.ih, asciiID("B"), "started"))
	b.recv()
	a.send(announceMsg(e.ih, asciiID("A"), "started", id20(3)))
	a.recv()
	b.recv()
	e.clock.Add(50*time.Second + time.Millisecond)
	b.send(answerMsg(e.ih, asciiID("B"), asciiID("A"), id20(3)))
	b.recvFailure("answer for an offer this tracker did not relay to you, or expired", e.ih)
}

func TestUnknownSwarm(t *testing.T) {
	other := InfoHashFor("someone-elses-stream")
	t.Run("refused by default", func(t *testing.T) {
		e := newEnv(t, Config{})
		c := e.dial("")
		c.send(announceMsg(other, asciiID("A"), "started"))
		c.recvFailure("unknown info_hash: not a live stream of this tracker", other)
		if e.peers() != 0 {
			t.Fatal("an unknown swarm got a peer")
		}
	})
	t.Run("allowed when configured", func(t *testing.T) {
		e := newEnv(t, Config{AllowUnknownSwarms: true})
		c := e.dial("")
		c.send(announceMsg(other, asciiID("A"), "started"))
		if r := c.recv(); r["incomplete"] != float64(1) {
			t.Fatalf("reply = %v", r)
		}
	})
}

func TestPeerIDBoundToConnection(t *testing.T) {
	e := newEnv(t, Config{})
	a, thief := e.dial(""), e.dial("")
	a.send(announceMsg(e.ih, asciiID("A"), "started"))
	a.recv()
	thief.send(announceMsg(e.ih, asciiID("A"), "stopped"))
	thief.recvFailure("peer_id is announced by another connection", e.ih)
	if e.peers() != 1 {
		t.Fatal("a stopped from another connection removed the peer")
	}
}

func TestScrape(t *testing.T) {
	e := newEnv(t, Config{})
	a := e.dial("")
	a.send(announceMsg(e.ih, asciiID("A"), "started"))
	a.recv()
	unknown := id20(200)
	cases := []struct {
		name string
		msg  map[string]any
		want map[string]float64 // info_hash -> incomplete
	}{
		{"one", map[string]any{"action": "scrape", "info_hash": e.ih}, map[string]float64{e.ih: 1}},
		{"list", map[string]any{"action": "scrape", "info_hash": []string{e.ih, encodeBinary(unknown)}}, map[string]float64{e.ih: 1, encodeBinary(unknown): 0}},
		{"all", map[string]any{"action": "scrape"}, map[string]float64{e.ih: 1}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a.send(tc.msg)
			r := a.recv()
			files, _ := r["files"].(map[string]any)
			if r["action"] != "scrape" || len(files) != len(tc.want) {
				t.Fatalf("scrape = %v", r)
			}
			for ih, inc := range tc.want {
				f, _ := files[ih].(map[string]any)
				if f["incomplete"] != inc || f["complete"] != float64(0) || f["downloaded"] != float64(0) {
					t.Fatalf("files[%q] = %v", ih, files[ih])
				}
			}
		})
	}
}

func TestInvalidFramesGetFailures(t *testing.T) {
	e := newEnv(t, Config{})
	c := e.dial("")
	cases := []struct {
		name, frame, want, ih string
	}{
		{"not json", `{"action":`, "invalid request", ""},
		{"short info_hash", `{"action":"announce","info_hash":"abc","peer_id":"` + asciiID("A") + `"}`, "invalid request", ""},
		{"rune above latin1", `{"action":"announce","info_hash":"` + e.ih[:19] + `\u0100","peer_id":"` + asciiID("A") + `"}`, "invalid request", ""},
		{"no peer_id", `{"action":"announce","info_hash":"` + e.ih + `"}`, "invalid request", e.ih},
		{"unknown action", `{"action":"connect"}`, "unknown action", ""},
		{"eleven offers", `{"action":"announce","info_hash":"` + e.ih + `","peer_id":"` + asciiID("A") + `","offers":[` + offersJSON(11) + `]}`, "too many offers", e.ih},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c.sendRaw(tc.frame)
			c.recvFailure(tc.want, tc.ih)
		})
	}
	if e.peers() != 0 {
		t.Fatal("an invalid frame added a peer")
	}
}

func offersJSON(n int) string {
	s := ""
	for i := range n {
		if i > 0 {
			s += ","
		}
		s += `{"offer":{"type":"offer","sdp":"x"},"offer_id":"` + asciiID(string(rune('a'+i))) + `"}`
	}
	return s
}

func TestSeedersCounted(t *testing.T) {
	e := newEnv(t, Config{})
	a, b := e.dial(""), e.dial("")
	seed := announceMsg(e.ih, asciiID("A"), "started")
	seed["left"] = 0
	a.send(seed)
	if r := a.recv(); r["complete"] != float64(1) || r["incomplete"] != float64(0) {
		t.Fatalf("seeder reply = %v", r)
	}
	b.send(announceMsg(e.ih, asciiID("B"), "started")) // no "left", like p2p-media-loader
	if r := b.recv(); r["complete"] != float64(1) || r["incomplete"] != float64(1) {
		t.Fatalf("leecher reply = %v", r)
	}
	a.send(announceMsg(e.ih, asciiID("A"), "stopped"))
	if r := a.recv(); r["complete"] != float64(0) || r["incomplete"] != float64(1) {
		t.Fatalf("after the seeder stopped = %v", r)
	}
}

// TestBadPeerOffersWithheld: a peer the scorer (pingback) flags gets no
// offers and its own offers reach nobody; it still gets its reply.
func TestBadPeerOffersWithheld(t *testing.T) {
	peerBad, peerB := asciiID("X"), asciiID("B")
	e := newEnv(t, Config{Scorer: fakeScorer{bad: peerBad}})
	bad, b := e.dial(""), e.dial("")
	b.send(announceMsg(e.ih, peerB, "started"))
	b.recv()
	bad.send(announceMsg(e.ih, peerBad, "started", id20(50), id20(51)))
	if r := bad.recv(); r["action"] != "announce" || r["incomplete"] != float64(2) {
		t.Fatalf("announce reply of the flagged peer = %v", r)
	}
	// b's next frame must be the reply to its own offer announce, not a
	// relayed offer of the flagged peer; and its offer must not reach it.
	b.send(announceMsg(e.ih, peerB, "", id20(60)))
	if r := b.recv(); r["offer"] != nil || r["interval"] == nil {
		t.Fatalf("peer got %v, want its announce reply and no offer of the flagged peer", r)
	}
	bad.send(map[string]any{"action": "scrape", "info_hash": e.ih})
	if r := bad.recv(); r["action"] != "scrape" {
		t.Fatalf("flagged peer got %v before its scrape reply: an offer reached it", r)
	}
	if n := e.s.m.offersRelayed.Get(); n != 0 {
		t.Errorf("offers relayed = %d, want 0", n)
	}
	if n := e.s.m.offersWithheld.Get(); n != 2 {
		t.Errorf("offers withheld = %d, want 2", n)
	}
}
