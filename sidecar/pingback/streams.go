package pingback

import (
	"fmt"
	"time"

	"github.com/webp2p/srs-p2p/internal/srslog"
	"github.com/webp2p/srs-p2p/sidecar/indexer"
)

// liveStream is a stream the source lists, or listed less than Grace ago.
type liveStream struct {
	info    indexer.StreamInfo
	endedAt time.Time    // zero while listed
	stats   *streamStats // nil until its first report; guarded by Server.mu
}

// syncStreams takes the source's list: new streams become known, missing
// ones start their grace, and streams past it are dropped with their
// statistics and metrics.
func (s *Server) syncStreams(list []indexer.StreamInfo, now time.Time) {
	seen := make(map[string]indexer.StreamInfo, len(list))
	for _, st := range list {
		if st.SwarmID != "" {
			seen[st.SwarmID] = st
		}
	}
	var ended []*streamStats
	s.mu.Lock()
	for id, info := range seen {
		ls := s.streams[id]
		if ls == nil {
			ls = &liveStream{}
			s.streams[id] = ls
		}
		ls.info, ls.endedAt = info, time.Time{}
	}
	for id, ls := range s.streams {
		if _, ok := seen[id]; ok {
			continue
		}
		if ls.endedAt.IsZero() {
			ls.endedAt = now
		}
		if now.Sub(ls.endedAt) < s.cfg.Grace {
			continue
		}
		delete(s.streams, id)
		if ls.stats != nil {
			ended = append(ended, ls.stats)
		}
	}
	if len(ended) > 0 {
		s.publishBooksLocked()
	}
	s.mu.Unlock()
	for _, st := range ended {
		reports, sessions := st.close()
		s.m.streams.Add(-1)
		s.log.InfoContext(st.ctx, "pingback: stats end, stream ended", "stream", st.key, "epoch", st.info.Epoch,
			"reports", reports, "sessions", sessions, "duration", now.Sub(st.started).Truncate(time.Second).String())
	}
}

// refreshTicket is taken before a lookup that may miss; refreshIfUnknown
// with it asks the source again unless a refresh started after the ticket
// was taken (that one saw everything this caller could have seen).
func (s *Server) refreshTicket() uint64 { return s.refreshes.Load() }

// refreshIfUnknown asks the source at once when a report names a swarm_id
// that is not known: a viewer of a stream that started a moment ago must
// not be refused until the next poll. Concurrent callers share one refresh
// at a time, so a flood of unknown swarm_ids costs at most one refresh in
// flight, never a queue of them; and a caller never relies on a refresh
// that read the source before it arrived.
func (s *Server) refreshIfUnknown(ticket uint64, now time.Time) {
	s.refreshMu.Lock()
	defer s.refreshMu.Unlock()
	if s.refreshes.Load() != ticket {
		return
	}
	s.refreshes.Add(1)
	s.syncStreams(s.src.Streams(), now)
}

// resolve finds the stream statistics of every report, creating those of
// streams reported on for the first time.
func (s *Server) resolve(reports []Report, now time.Time) ([]*streamStats, error) {
	targets := make([]*streamStats, len(reports))
	ticket := s.refreshTicket()
	missing, err := s.lookup(reports, targets)
	if err != nil {
		s.refreshIfUnknown(ticket, now)
		missing, err = s.lookup(reports, targets)
	}
	if err != nil {
		return nil, err
	}
	if missing {
		if err := s.createStats(reports, targets, now); err != nil {
			return nil, err
		}
	}
	return targets, nil
}

// lookup fills targets; missing reports streams without statistics yet.
func (s *Server) lookup(reports []Report, targets []*streamStats) (missing bool, err error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	for i := range reports {
		ls := s.streams[reports[i].SwarmID]
		if ls == nil {
			return false, fmt.Errorf("%w: reports[%d].swarm_id %s", ErrNotLive, i, srslog.Quote(reports[i].SwarmID, 128))
		}
		targets[i] = ls.stats
		missing = missing || ls.stats == nil
	}
	return missing, nil
}

// createStats starts the statistics of the streams of reports that have
// none; a stream that ended meanwhile is not live.
func (s *Server) createStats(reports []Report, targets []*streamStats, now time.Time) error {
	var started []*streamStats
	s.mu.Lock()
	for i := range reports {
		if targets[i] != nil {
			continue
		}
		ls := s.streams[reports[i].SwarmID]
		if ls == nil {
			s.mu.Unlock()
			return fmt.Errorf("%w: reports[%d].swarm_id %s", ErrNotLive, i, srslog.Quote(reports[i].SwarmID, 128))
		}
		if ls.stats == nil {
			ls.stats = newStreamStats(ls.info, &s.cfg, s.ctx, now)
			started = append(started, ls.stats)
		}
		targets[i] = ls.stats
	}
	if len(started) > 0 {
		s.publishBooksLocked()
	}
	s.mu.Unlock()
	for _, st := range started {
		s.m.streams.Add(1)
		s.log.InfoContext(st.ctx, "pingback: stats start, first report", "stream", st.key, "epoch", st.info.Epoch)
	}
	return nil
}

// publishBooksLocked republishes the info_hash -> peerBook map the tracker
// reads without locks. Callers hold s.mu.
func (s *Server) publishBooksLocked() {
	books := make(map[string]*peerBook, len(s.streams))
	for _, ls := range s.streams {
		if ls.stats != nil {
			books[ls.stats.infoHash] = ls.stats.peers
		}
	}
	s.books.Store(&books)
}
