package integration

import (
	"fmt"
	"net/http"
	"testing"
)

// Pingback's feedback into the tracker, seen from four WebSocket peers in
// the swarm of the first stream: an offerer, the peer of the viewer that
// uploads in every report, the peer the viewers blame for hash failures,
// and an idle peer nobody reports about. Which peer gets an offer is read
// from the frames each one receives.

// Peer ids of the two tracker peers that no viewer reports as.
const (
	simOffererID = "-IT0001-offerer-0001"
	simIdleID    = "-IT0001-idle-peer-01"
)

type simSwarm struct {
	t                            *testing.T
	sc                           *sidecar
	infoHash                     string
	offerer, uploader, bad, idle *trackerClient
	ids                          map[*trackerClient]string
	joined                       map[*trackerClient]bool
	offers                       int // offer ids used so far
}

// joinSimSwarm connects the four peers and announces each into the swarm
// of swarmID.
func joinSimSwarm(t *testing.T, sc *sidecar, swarmID string) *simSwarm {
	t.Helper()
	s := &simSwarm{t: t, sc: sc, infoHash: infoHashOf(swarmID), joined: map[*trackerClient]bool{}}
	s.offerer, s.uploader, s.bad, s.idle = dialTracker(t, sc), dialTracker(t, sc), dialTracker(t, sc), dialTracker(t, sc)
	s.ids = map[*trackerClient]string{
		s.offerer:  simOffererID,
		s.uploader: simPeerID(0, simUploaderViewer),
		s.bad:      simPeerID(0, simBadViewer),
		s.idle:     simIdleID,
	}
	for _, c := range []*trackerClient{s.offerer, s.uploader, s.bad, s.idle} {
		s.announce(c, 0)
	}
	return s
}

// announce sends an announce of c with n offers, requires a good reply and
// returns the offer ids.
func (s *simSwarm) announce(c *trackerClient, n int) map[string]bool {
	s.t.Helper()
	ids := map[string]bool{}
	offers := []any{}
	for range n {
		s.offers++
		id := fmt.Sprintf("itest-offer-%08d", s.offers)
		ids[id] = true
		offers = append(offers, map[string]any{"offer": map[string]any{"type": "offer", "sdp": "v=0\r\n"}, "offer_id": id})
	}
	msg := map[string]any{"action": "announce", "info_hash": s.infoHash, "peer_id": s.ids[c], "numwant": max(n, 5),
		"uploaded": 0, "downloaded": 0, "offers": offers}
	if !s.joined[c] {
		msg["event"] = "started"
		s.joined[c] = true
	}
	c.send(msg)
	if r := c.recv(); r["action"] != "announce" || r["info_hash"] != s.infoHash || r["failure reason"] != nil {
		s.t.Fatalf("announce of %s: reply %v", s.ids[c], r)
	}
	return ids
}

// expectOffer requires c's next frame to be one of the offers in ids,
// relayed from the offerer; that offer is used up.
func (s *simSwarm) expectOffer(c *trackerClient, ids map[string]bool) {
	s.t.Helper()
	r := c.recv()
	id, _ := r["offer_id"].(string)
	if r["offer"] == nil || !ids[id] || r["peer_id"] != simOffererID || r["info_hash"] != s.infoHash {
		s.t.Fatalf("%s: frame %v, want one of the offerer's offers %v", s.ids[c], r, ids)
	}
	delete(ids, id)
}

// expectNoOffer requires that nothing was relayed to c: its own scrape's
// reply is the next frame it gets. Offers for c are queued while the
// offerer's announce is handled, before the offerer gets its reply, so one
// would come before the scrape reply.
func (s *simSwarm) expectNoOffer(c *trackerClient) {
	s.t.Helper()
	c.send(map[string]any{"action": "scrape", "info_hash": s.infoHash})
	if r := c.recv(); r["action"] != "scrape" || r["offer"] != nil {
		s.t.Errorf("%s: frame %v, want the reply to its scrape and no offer", s.ids[c], r)
	}
}

// relayed reads srs_p2p_tracker_offers_relayed_total.
func (s *simSwarm) relayed() float64 {
	s.t.Helper()
	status, body := httpGet(s.t, s.sc.url("/metrics"))
	v, ok := trackerClientMetric(string(body), "srs_p2p_tracker_offers_relayed_total")
	if status != http.StatusOK || !ok {
		s.t.Fatalf("GET /metrics: status %d, no srs_p2p_tracker_offers_relayed_total", status)
	}
	return v
}

// checkAllGetOffers: before any report, three offers reach the three other
// peers, the blamed one included.
func (s *simSwarm) checkAllGetOffers() {
	s.t.Helper()
	ids := s.announce(s.offerer, 3)
	for _, c := range []*trackerClient{s.uploader, s.bad, s.idle} {
		s.expectOffer(c, ids)
	}
}

// checkFeedback: after the reports, the blamed peer is Bad and the
// uploader has upload evidence. Two single offers both go to the uploader
// (without the evidence the second would go to the idle peer, offered
// less recently); three offers reach only the uploader and the idle peer;
// the blamed peer gets none, and the tracker counts exactly those relays.
func (s *simSwarm) checkFeedback() {
	s.t.Helper()
	before := s.relayed()
	for range 2 {
		s.expectOffer(s.uploader, s.announce(s.offerer, 1))
	}
	s.expectNoOffer(s.idle)
	s.expectNoOffer(s.bad)
	ids := s.announce(s.offerer, 3)
	s.expectOffer(s.uploader, ids)
	s.expectOffer(s.idle, ids)
	s.expectNoOffer(s.bad)
	if got := s.relayed() - before; got != 4 {
		s.t.Errorf("the tracker relayed %v offers after the reports, want 4 (none to the blamed peer)", got)
	}
}
