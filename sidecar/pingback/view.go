package pingback

// Summary is what the stream list shows of a stream: its 10 s and 60 s
// windows.
type Summary struct {
	W10s Window `json:"10s"`
	W60s Window `json:"60s"`
}

// Windows are a stream's three windows.
type Windows struct {
	W10s  Window `json:"10s"`
	W60s  Window `json:"60s"`
	W300s Window `json:"300s"`
}

// Detail is what the stream detail endpoint shows: the windows and the
// last hour.
type Detail struct {
	Windows Windows `json:"windows"`
	History History `json:"history"`
}

// Summary returns the Summary of the live (or just ended) stream with this
// swarm_id; zeros when nobody reported on it yet; false for any other.
func (s *Server) Summary(swarmID string) (any, bool) {
	st, ok := s.known(swarmID)
	if !ok {
		return nil, false
	}
	if st == nil {
		return Summary{W10s: emptyWindow(), W60s: emptyWindow()}, true
	}
	now := s.cfg.Now()
	st.mu.Lock()
	w := st.windows(now, span10s, span60s)
	st.mu.Unlock()
	return Summary{W10s: w[0], W60s: w[1]}, true
}

// Detail returns the Detail of the live (or just ended) stream with this
// swarm_id; zeros and an empty history when nobody reported on it yet;
// false for any other.
func (s *Server) Detail(swarmID string) (any, bool) {
	st, ok := s.known(swarmID)
	if !ok {
		return nil, false
	}
	now := s.cfg.Now()
	if st == nil {
		return Detail{
			Windows: Windows{W10s: emptyWindow(), W60s: emptyWindow(), W300s: emptyWindow()},
			History: emptyHistory(now),
		}, true
	}
	st.mu.Lock()
	w := st.windows(now, span10s, span60s, span300s)
	h := st.history(now)
	st.mu.Unlock()
	return Detail{Windows: Windows{W10s: w[0], W60s: w[1], W300s: w[2]}, History: h}, true
}

// known is statsOf, asking the source again (see refreshIfUnknown) for a
// swarm_id it does not know: the API lists the source's streams, which may
// be newer than the last poll.
func (s *Server) known(swarmID string) (*streamStats, bool) {
	ticket := s.refreshTicket()
	st, ok := s.statsOf(swarmID)
	if !ok && swarmID != "" {
		s.refreshIfUnknown(ticket, s.cfg.Now())
		st, ok = s.statsOf(swarmID)
	}
	return st, ok
}

// statsOf finds a known stream: ok is false when swarmID is no live or
// grace stream; st is nil while nobody reported on it.
func (s *Server) statsOf(swarmID string) (st *streamStats, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	ls := s.streams[swarmID]
	if ls == nil {
		return nil, false
	}
	return ls.stats, true
}
