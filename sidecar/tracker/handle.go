package tracker

import (
	"errors"
	"time"
)

// handle decodes one client frame and acts on it.
func (s *Server) handle(c *conn, data []byte, readAt time.Time) {
	f, err := decodeFrame(data, s.cfg.MaxOffers)
	if err != nil {
		action, ih := actionAnnounce, ""
		if f != nil {
			action = f.action
			if len(f.infoHashes) == 1 {
				ih = f.infoHashes[0]
			}
		}
		reason := reasonInvalidFrame
		switch {
		case errors.Is(err, errTooManyOffers):
			reason = reasonTooManyOffers
		case errors.Is(err, errUnknownAction):
			reason = reasonUnknownAction
		}
		s.cfg.Logger.DebugContext(c.ctx, "tracker: bad frame", "conn", c.id, "reason", reason, "err", err)
		s.fail(c, action, reason, ih)
		return
	}
	switch {
	case f.action == actionScrape:
		s.scrape(c, f)
	case f.isAnswer:
		s.answer(c, f, readAt)
	default:
		s.announce(c, f, readAt)
	}
}

// announce joins, refreshes or leaves a swarm and relays the offers.
func (s *Server) announce(c *conn, f *frame, readAt time.Time) {
	ih := f.infoHashes[0]
	s.refreshIfUnknown(ih)
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m.announce(f.event)
	sw := s.swarms[ih]
	tag := s.streams[ih]
	if tag == nil && !s.cfg.AllowUnknownSwarms {
		s.fail(c, actionAnnounce, reasonUnknownSwarm, ih)
		return
	}
	if c.tok != nil && (tag == nil || !c.tok.Allows(s.cfg.TokenSecret, tag.info.SwarmID)) {
		s.fail(c, actionAnnounce, reasonBadToken, ih)
		return
	}
	var p *peer
	if sw != nil {
		p = sw.peers[f.peerID]
	}
	if p != nil && p.c != c {
		s.fail(c, actionAnnounce, reasonPeerIDInUse, ih)
		return
	}
	if f.event == eventStopped {
		if p != nil {
			s.removePeer(p)
		}
		s.replyAnnounce(c, s.swarms[ih], ih)
		return
	}
	if p == nil {
		var ok bool
		if p, ok = s.join(c, sw, ih, f.peerID, now); !ok {
			return
		}
		sw = p.sw
	}
	p.lastAnnounce = now
	if f.uploaded > p.uploaded {
		p.uploadGrew = true
	}
	p.uploaded = f.uploaded
	sw.setSeeder(p, f.hasLeft && f.left == 0)
	if f.event == eventCompleted {
		sw.downloaded++
	}
	s.replyAnnounce(c, sw, ih)
	s.relayOffers(sw, p, f, now, readAt)
}

// join adds a new peer for c to the swarm ih (creating the swarm), enforcing
// the per-connection and per-swarm limits.
func (s *Server) join(c *conn, sw *swarm, ih, peerID string, now time.Time) (*peer, bool) {
	if old := c.peers[ih]; old != nil {
		s.removePeer(old) // the connection re-announced with a new peer_id
		sw = s.swarms[ih]
	} else if len(c.peers) >= s.cfg.MaxSwarmsPerConn {
		s.fail(c, actionAnnounce, reasonTooManySwarms, ih)
		return nil, false
	}
	if sw == nil {
		sw = newSwarm(ih)
		s.swarms[ih] = sw
		s.m.swarms.Add(1)
	}
	if len(sw.peers) >= s.cfg.MaxPeersPerSwarm {
		s.m.evicted.Inc()
		s.removePeer(sw.oldestIdle())
		if s.swarms[ih] == nil { // removing the last peer dropped the swarm
			s.swarms[ih] = sw
			s.m.swarms.Add(1)
		}
	}
	p := &peer{id: peerID, sw: sw, c: c, lastAnnounce: now}
	sw.peers[peerID] = p
	c.peers[ih] = p
	s.m.peers.Add(1)
	return p, true
}

// removePeer drops p from its swarm and its connection, and the swarm when
// it is empty. Offers relayed to or from p are left to expire.
func (s *Server) removePeer(p *peer) {
	sw := p.sw
	if sw.peers[p.id] != p {
		return
	}
	delete(sw.peers, p.id)
	sw.setSeeder(p, false)
	if p.c.peers[sw.infoHash] == p {
		delete(p.c.peers, sw.infoHash)
	}
	s.m.peers.Add(-1)
	if len(sw.peers) == 0 && s.swarms[sw.infoHash] == sw {
		delete(s.swarms, sw.infoHash)
		s.m.swarms.Add(-1)
	}
}

func (s *Server) replyAnnounce(c *conn, sw *swarm, ih string) {
	r := announceReply{Action: actionAnnounce, Interval: int(s.cfg.Interval / time.Second), InfoHash: encodeBinary(ih)}
	if sw != nil {
		r.Complete, r.Incomplete = sw.counts()
	}
	s.enqueue(c, encode(r), time.Time{})
}

// relayOffers sends each offer to a different peer of the swarm, at most
// numwant of them, and remembers them so that only those peers can answer.
func (s *Server) relayOffers(sw *swarm, from *peer, f *frame, now, readAt time.Time) {
	n := len(f.offers)
	if f.numwant >= 0 {
		n = min(n, f.numwant)
	}
	if n == 0 {
		return
	}
	maxPending := s.cfg.MaxPeersPerSwarm * s.cfg.MaxOffers
	to := s.choosePeers(sw, from, n)
	ihText, fromText := encodeBinary(sw.infoHash), encodeBinary(from.id)
	for i, p := range to {
		if len(sw.pending) >= maxPending {
			s.fail(from.c, actionAnnounce, reasonOverloaded, sw.infoHash)
			return
		}
		o := f.offers[i]
		msg := encode(offerRelay{Action: actionAnnounce, Offer: o.sdp, OfferID: encodeBinary(o.id), PeerID: fromText, InfoHash: ihText})
		if !s.enqueue(p.c, msg, readAt) {
			continue
		}
		s.offerSeq++
		p.offeredSeq = s.offerSeq
		sw.pending[pendingKey{offerID: o.id, from: from.id, to: p.id}] = now.Add(s.cfg.AnswerTTL)
		s.m.offersRelayed.Inc()
	}
}

// answer relays an answer to the peer whose offer the tracker relayed to
// the answering peer; anything else is a spoof and fails.
func (s *Server) answer(c *conn, f *frame, readAt time.Time) {
	ih := f.infoHashes[0]
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m.announce("answer")
	sw := s.swarms[ih]
	var p *peer
	if sw != nil {
		p = sw.peers[f.peerID]
	}
	if p == nil {
		s.fail(c, actionAnnounce, reasonNotInSwarm, ih)
		return
	}
	if p.c != c {
		s.fail(c, actionAnnounce, reasonPeerIDInUse, ih)
		return
	}
	key := pendingKey{offerID: f.offerID, from: f.toPeerID, to: f.peerID}
	exp, ok := sw.pending[key]
	target := sw.peers[f.toPeerID]
	if !ok || now.After(exp) || target == nil {
		s.fail(c, actionAnnounce, reasonUnknownOffer, ih)
		return
	}
	delete(sw.pending, key)
	msg := encode(answerRelay{Action: actionAnnounce, Answer: f.answer, OfferID: encodeBinary(f.offerID), PeerID: encodeBinary(p.id), InfoHash: encodeBinary(ih)})
	if s.enqueue(target.c, msg, readAt) {
		s.m.answersRelayed.Inc()
	}
}

// scrape reports swarm sizes for the asked info_hashes, or for every swarm
// (at most maxScrapeHashes) when none is asked.
func (s *Server) scrape(c *conn, f *frame) {
	s.m.scrapes.Inc()
	files := map[string]scrapeFile{}
	s.mu.Lock()
	file := func(ih string, sw *swarm) {
		var sf scrapeFile
		if sw != nil {
			sf.Complete, sf.Incomplete = sw.counts()
			sf.Downloaded = sw.downloaded
		}
		files[encodeBinary(ih)] = sf
	}
	if len(f.infoHashes) == 0 {
		for ih, sw := range s.swarms {
			if len(files) == maxScrapeHashes {
				break
			}
			file(ih, sw)
		}
	}
	for _, ih := range f.infoHashes {
		file(ih, s.swarms[ih])
	}
	s.mu.Unlock()
	s.enqueue(c, encode(scrapeReply{Action: actionScrape, Files: files}), time.Time{})
}
