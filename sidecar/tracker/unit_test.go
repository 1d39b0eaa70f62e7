package tracker

import (
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"
)

// TestInfoHashGoldenVector uses p2p-media-loader's own golden vector (core
// test "missing metadata (bitrate 0 only)", the case of a plain media
// playlist like SRS's).
func TestInfoHashGoldenVector(t *testing.T) {
	const swarmID = "https://example.com/hls/master.m3u8"
	if got, want := StreamSwarmID(swarmID), "v2-https://example.com/hls/master.m3u8-main-UYnLxGhQilEV4D0HbCx+kRv0ZF0="; got != want {
		t.Fatalf("StreamSwarmID = %q, want %q", got, want)
	}
	if got, want := InfoHashFor(swarmID), "P78ZUY66tgmtYL6JoePW"; got != want {
		t.Fatalf("InfoHashFor = %q, want %q", got, want)
	}
	if got := InfoHashFor(testSwarmID); len(got) != idLen {
		t.Fatalf("len(InfoHashFor) = %d", len(got))
	}
}

func TestDecodeBinary(t *testing.T) {
	cases := []struct {
		name, in, want string
		err            error
	}{
		{"ascii", "abcdefghijklmnopqrst", "abcdefghijklmnopqrst", nil},
		{"latin1 high bytes", "\u009f\u00ff\u0000cdefghijklmnopqrs", "\x9f\xff\x00cdefghijklmnopqrs", nil},
		{"all 0xff", strings.Repeat("\u00ff", 20), strings.Repeat("\xff", 20), nil},
		{"19 runes", "abcdefghijklmnopqrs", "", errIDLength},
		{"21 runes", "abcdefghijklmnopqrstu", "", errIDLength},
		{"multibyte, too few runes", "\u00e9bcdefghijklmnopqr", "", errIDLength},
		{"rune above 0xff", "\u0100bcdefghijklmnopqrst", "", errNotLatin1},
		{"replacement char", "\ufffdbcdefghijklmnopqrst", "", errNotLatin1},
		{"empty", "", "", errIDLength},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := decodeBinary(tc.in)
			if !errors.Is(err, tc.err) || got != tc.want {
				t.Fatalf("decodeBinary = %q, %v; want %q, %v", got, err, tc.want, tc.err)
			}
			if err == nil && encodeBinary(got) != tc.in {
				t.Fatalf("encodeBinary round trip = %q", encodeBinary(got))
			}
		})
	}
}

func TestDecodeFrame(t *testing.T) {
	ih, pid := "abcdefghijklmnopqrst", "-PM0203-ABCDEFGHIJKL"
	base := `"action":"announce","info_hash":"` + ih + `","peer_id":"` + pid + `"`
	offer := `{"offer":{"type":"offer","sdp":"v=0"},"offer_id":"\u009fbcdefghijklmnopqrst"}`
	cases := []struct {
		name  string
		in    string
		err   error
		check func(*frame) bool
	}{
		{"started with offers", `{` + base + `,"numwant":5,"uploaded":0,"downloaded":0,"event":"started","offers":[` + offer + `],"trackerid":"x"}`, nil,
			func(f *frame) bool {
				return f.event == "started" && f.numwant == 5 && len(f.offers) == 1 && f.offers[0].id[0] == 0x9f && f.peerID == pid
			}},
		{"periodic no numwant", `{` + base + `,"uploaded":10,"left":0}`, nil,
			func(f *frame) bool { return f.numwant == -1 && f.uploaded == 10 && f.hasLeft && f.left == 0 }},
		{"answer", `{` + base + `,"to_peer_id":"` + pid + `","offer_id":"` + ih + `","answer":{"type":"answer","sdp":"v=0"}}`, nil,
			func(f *frame) bool { return f.isAnswer && f.toPeerID == pid && f.offerID == ih }},
		{"scrape all", `{"action":"scrape"}`, nil, func(f *frame) bool { return len(f.infoHashes) == 0 }},
		{"scrape list", `{"action":"scrape","info_hash":["` + ih + `","` + ih + `"]}`, nil, func(f *frame) bool { return len(f.infoHashes) == 2 }},
		{"no action", `{"info_hash":"` + ih + `"}`, errFrame, nil},
		{"action not a string", `{"action":1}`, errFrame, nil},
		{"unknown action", `{"action":"connect"}`, errUnknownAction, nil},
		{"trailing data", `{"action":"scrape"} {}`, errFrame, nil},
		{"info_hash array on announce", `{"action":"announce","info_hash":["` + ih + `"],"peer_id":"` + pid + `"}`, errFrame, nil},
		{"bad event", `{` + base + `,"event":"paused"}`, errFrame, nil},
		{"negative uploaded", `{` + base + `,"uploaded":-1}`, errFrame, nil},
		{"fractional numwant", `{` + base + `,"numwant":1.5}`, errFrame, nil},
		{"offer without id", `{` + base + `,"offers":[{"offer":{"type":"offer","sdp":"v=0"}}]}`, errFrame, nil},
		{"offer of type answer", `{` + base + `,"offers":[{"offer":{"type":"answer","sdp":"v=0"},"offer_id":"` + ih + `"}]}`, errFrame, nil},
		{"answer without sdp", `{` + base + `,"to_peer_id":"` + pid + `","offer_id":"` + ih + `","answer":{"type":"answer"}}`, errFrame, nil},
		{"answer without to_peer_id", `{` + base + `,"offer_id":"` + ih + `","answer":{"type":"answer","sdp":"v=0"}}`, errFrame, nil},
		{"too many offers", `{` + base + `,"offers":[` + strings.Repeat(offer+",", 10) + offer + `]}`, errTooManyOffers, nil},
		{"scrape list too long", `{"action":"scrape","info_hash":[` + strings.Repeat(`"`+ih+`",`, 100) + `"` + ih + `"]}`, errFrame, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, err := decodeFrame([]byte(tc.in), 10)
			if !errors.Is(err, tc.err) {
				t.Fatalf("err = %v, want %v", err, tc.err)
			}
			if tc.check != nil && !tc.check(f) {
				t.Fatalf("frame = %+v", f)
			}
		})
	}
}

type fakeScorer struct{ bad, uploader string }

func (f fakeScorer) Bad(_, peerID string) bool { return peerID == f.bad }
func (f fakeScorer) UploadScore(_, peerID string) float64 {
	if peerID == f.uploader {
		return 1
	}
	return 0
}

func TestChoosePeers(t *testing.T) {
	here := networkPrefix(netip.MustParseAddr("192.0.2.7"), 24, 48)
	there := networkPrefix(netip.MustParseAddr("198.51.100.7"), 24, 48)
	mk := func(sw *swarm, id string, prefix netip.Prefix) *peer {
		p := newPeer(sw, &conn{prefix: prefix}, id, time.Time{})
		sw.add(p)
		return p
	}
	t.Run("same network, then uploader, never self or bad", func(t *testing.T) {
		s := &Server{cfg: Config{Scorer: fakeScorer{bad: "bad", uploader: "upl"}}}
		sw := newSwarm("ih")
		from := mk(sw, "from", here)
		mk(sw, "far", there)
		mk(sw, "upl", there)
		mk(sw, "near", here)
		mk(sw, "bad", here)
		got := ids(s.choosePeers(sw, from, 10))
		if got != "near,upl,far" {
			t.Fatalf("choice = %s", got)
		}
		if got := ids(s.choosePeers(sw, from, 1)); got != "near" {
			t.Fatalf("choice of one = %s", got)
		}
	})
	t.Run("offers spread round-robin", func(t *testing.T) {
		s := &Server{}
		sw := newSwarm("ih")
		from := mk(sw, "from", here)
		for _, id := range []string{"p1", "p2", "p3"} {
			mk(sw, id, there)
		}
		count := map[string]int{}
		for range 9 {
			for _, p := range s.choosePeers(sw, from, 1) {
				s.offerSeq++
				p.offeredSeq = s.offerSeq
				count[p.id]++
			}
		}
		if count["p1"] != 3 || count["p2"] != 3 || count["p3"] != 3 {
			t.Fatalf("offers per peer = %v", count)
		}
	})
	t.Run("ipv6 /48", func(t *testing.T) {
		a := networkPrefix(netip.MustParseAddr("2001:db8:1:2::1"), 24, 48)
		b := networkPrefix(netip.MustParseAddr("2001:db8:1:ffff::9"), 24, 48)
		c := networkPrefix(netip.MustParseAddr("2001:db8:2::1"), 24, 48)
		if !samePrefix(a, b) || samePrefix(a, c) {
			t.Fatalf("prefixes %v %v %v", a, b, c)
		}
	})
}

func ids(ps []*peer) string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.id
	}
	return strings.Join(out, ",")
}

func TestConfigValidation(t *testing.T) {
	if _, err := newServer(Config{}, nil, time.Now); err == nil {
		t.Fatal("nil source accepted")
	}
	cases := []Config{
		{MaxOffers: 11},
		{Interval: time.Millisecond},
		{MaxFrameBytes: 10},
		{MaxPeersPerSwarm: 1},
		{Interval: time.Minute, IdleTimeout: time.Second},
		{IPv4PrefixBits: 33},
	}
	for _, cfg := range cases {
		if _, err := newServer(cfg, &fakeStreams{}, time.Now); !errors.Is(err, ErrConfig) {
			t.Errorf("%+v: err = %v", cfg, err)
		}
	}
	s, err := newServer(Config{}, &fakeStreams{}, time.Now)
	if err != nil {
		t.Fatal(err)
	}
	if s.cfg.MaxOffers != 10 || s.cfg.AnswerTTL != 50*time.Second || s.cfg.AllowUnknownSwarms || s.cfg.IdleTimeout != 150*time.Second {
		t.Fatalf("defaults = %+v", s.cfg)
	}
}
