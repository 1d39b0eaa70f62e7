package tracker

import (
	"errors"
	"log/slog"
	"strings"
	"time"
)

// handle decodes one client message, acts on it and queues the frames it
// produces (they leave when c's reader next flushes).
func (s *Server) handle(c *conn, data []byte, readAt time.Time) {
	b := c.batch()
	ok, err := b.dec.decode(&b.f, data, s.cfg.MaxOffers)
	f := &b.f
	switch {
	case err != nil:
		action, ih := actionAnnounce, ""
		if ok {
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
		if s.cfg.Logger.Enabled(s.ctx, slog.LevelDebug) {
			s.cfg.Logger.DebugContext(c.logContext(s.ctx), "tracker: bad frame", "conn", c.id, "reason", reason, "err", err)
		}
		s.fail(c, action, reason, ih)
	case f.action == actionScrape:
		s.scrape(c, f)
	case f.isAnswer:
		s.answer(c, f, readAt)
	default:
		s.announce(c, f, readAt)
	}
	s.dispatch(b)
}

// announce joins, refreshes or leaves a swarm and relays the offers.
func (s *Server) announce(c *conn, f *frame, readAt time.Time) {
	ih := f.infoHashes[0]
	s.lockForAnnounce(ih)
	defer s.mu.Unlock()
	now := s.now()
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

// lockForAnnounce locks Server.mu. When ih is not a known stream it first
// asks the stream source again (at most every refreshMinGap): a viewer who
// fetched the manifest of a stream that started a moment ago must not be
// refused until the next poll.
func (s *Server) lockForAnnounce(ih string) {
	s.mu.Lock()
	if s.cfg.AllowUnknownSwarms || s.streams[ih] != nil {
		return
	}
	now := s.now()
	if now.Sub(s.lastRefresh) < refreshMinGap {
		return
	}
	s.lastRefresh = now
	s.mu.Unlock()
	s.syncStreams(s.src.Streams(), now)
	s.mu.Lock()
}

// join adds a new peer for c to the swarm ih (creating the swarm), enforcing
// the per-connection and per-swarm limits.
func (s *Server) join(c *conn, sw *swarm, ih, peerID string, now time.Time) (*peer, bool) {
	if old := c.peerIn(ih); old != nil {
		s.removePeer(old) // the connection re-announced with a new peer_id
		sw = s.swarms[ih]
	} else if len(c.peers) >= s.cfg.MaxSwarmsPerConn {
		s.fail(c, actionAnnounce, reasonTooManySwarms, ih)
		return nil, false
	}
	if sw == nil {
		// Cloned: ids from a frame share one string with the frame's
		// other ids, which a long-lived swarm or peer must not pin.
		sw = newSwarm(strings.Clone(ih))
		s.swarms[sw.infoHash] = sw
		s.m.swarms.Add(1)
	}
	if len(sw.peers) >= s.cfg.MaxPeersPerSwarm {
		s.m.evicted.Inc()
		s.removePeer(sw.oldestIdle())
		if s.swarms[ih] == nil { // removing the last peer dropped the swarm
			s.swarms[sw.infoHash] = sw
			s.m.swarms.Add(1)
		}
	}
	p := newPeer(sw, c, strings.Clone(peerID), now)
	sw.add(p)
	c.addPeer(p)
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
	sw.remove(p)
	sw.setSeeder(p, false)
	p.c.dropPeer(p)
	s.m.peers.Add(-1)
	if len(sw.peers) == 0 && s.swarms[sw.infoHash] == sw {
		delete(s.swarms, sw.infoHash)
		s.m.swarms.Add(-1)
	}
}

func (s *Server) replyAnnounce(c *conn, sw *swarm, ih string) {
	complete, incomplete := 0, 0
	if sw != nil {
		complete, incomplete = sw.counts()
	}
	interval := int(s.cfg.Interval / time.Second)
	c.batch().build(c, time.Time{}, nil, func(dst []byte) []byte {
		return appendAnnounceReply(dst, interval, ih, complete, incomplete)
	})
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
	if s.cfg.Scorer != nil && s.cfg.Scorer.Bad(sw.infoHash, from.id) {
		// Viewers blamed this peer for bad data: it gets no offers, and its
		// own reach nobody, or honest viewers would answer and connect to
		// it again. It still gets its announce reply, so it learns nothing.
		s.m.offersWithheld.AddInt64(int64(n))
		return
	}
	b := from.c.batch()
	maxPending := s.cfg.MaxPeersPerSwarm * s.cfg.MaxOffers
	to := s.choosePeers(sw, from, n)
	for i, p := range to {
		if len(sw.pending) >= maxPending {
			s.fail(from.c, actionAnnounce, reasonOverloaded, sw.infoHash)
			return
		}
		o := f.offers[i]
		key := pendingKey{offerID: o.id, from: from.id, to: p.id}
		sw.pending[key] = now.Add(s.cfg.AnswerTTL)
		s.offerSeq++
		p.offeredSeq = s.offerSeq
		out := b.build(p.c, readAt, s.m.offersRelayed, func(dst []byte) []byte {
			return appendRelay(dst, "offer", o.sdp, o.id, from.idJSON, sw.ihJSON)
		})
		out.sw, out.pending = sw, key
	}
}

// answer relays an answer to the peer whose offer the tracker relayed to
// the answering peer; anything else is a spoof and fails.
func (s *Server) answer(c *conn, f *frame, readAt time.Time) {
	ih := f.infoHashes[0]
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
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
	c.batch().build(target.c, readAt, s.m.answersRelayed, func(dst []byte) []byte {
		return appendRelay(dst, "answer", f.answer, f.offerID, p.idJSON, sw.ihJSON)
	})
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
	c.batch().build(c, time.Time{}, nil, func(dst []byte) []byte { return appendScrapeReply(dst, files) })
}

// fail queues a failure frame carrying action, reason and info_hash.
func (s *Server) fail(c *conn, action, reason, infoHash string) {
	s.m.failures[reason].Inc()
	if action != actionScrape {
		action = actionAnnounce
	}
	text := failureText[reason]
	c.batch().build(c, time.Time{}, nil, func(dst []byte) []byte { return appendFailure(dst, action, text, infoHash) })
}
