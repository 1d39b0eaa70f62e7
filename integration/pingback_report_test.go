package integration

// The pingback report format as the simulated viewers send it (version 1,
// as package pingback documents it), and the sums the test keeps of it.

// simBatch is a request body.
type simBatch struct {
	Version int         `json:"version"`
	Reports []simReport `json:"reports"`
}

// simReport is one report, with the field names of format version 1.
type simReport struct {
	SwarmID        string     `json:"swarm_id"`
	PeerID         string     `json:"peer_id"`
	Session        string     `json:"session"`
	Seq            int64      `json:"seq"`
	IntervalMS     int64      `json:"interval_ms"`
	CDNBytes       int64      `json:"cdn_bytes"`
	P2PDownBytes   int64      `json:"p2p_down_bytes"`
	P2PUpBytes     int64      `json:"p2p_up_bytes"`
	SegmentsCDN    int64      `json:"segments_cdn"`
	SegmentsP2P    int64      `json:"segments_p2p"`
	Stalls         int64      `json:"stalls"`
	StallMS        int64      `json:"stall_ms"`
	StartupMS      int64      `json:"startup_ms"`
	BufferS        float64    `json:"buffer_s"`
	WatchMS        int64      `json:"watch_ms"`
	PeersConnected int64      `json:"peers_connected"`
	ConnOK         int64      `json:"conn_ok"`
	ConnFail       int64      `json:"conn_fail"`
	HashFailures   []simBlame `json:"hash_failures,omitempty"`
	NAT            string     `json:"nat"`
	SDK            string     `json:"sdk,omitempty"`
	Device         string     `json:"device"`
	Final          bool       `json:"final"`
}

type simBlame struct {
	PeerID string `json:"peer_id"`
	Count  int64  `json:"count"`
}

// simRequest is one POST and the reply it must get.
type simRequest struct {
	reports              []simReport
	contentType          string
	accepted, duplicates int
}

// simTotals are the sums of a stream's distinct reports.
type simTotals struct {
	Reports, CDNBytes, P2PDownBytes, P2PUpBytes        int64
	SegmentsCDN, SegmentsP2P, Stalls, StallMS, WatchMS int64
	HashFailures, ConnOK, ConnFail                     int64
	Startups                                           []int64
}

func (s *simTotals) add(r *simReport) {
	s.Reports++
	s.CDNBytes += r.CDNBytes
	s.P2PDownBytes += r.P2PDownBytes
	s.P2PUpBytes += r.P2PUpBytes
	s.SegmentsCDN += r.SegmentsCDN
	s.SegmentsP2P += r.SegmentsP2P
	s.Stalls += r.Stalls
	s.StallMS += r.StallMS
	s.WatchMS += r.WatchMS
	s.ConnOK += r.ConnOK
	s.ConnFail += r.ConnFail
	for _, h := range r.HashFailures {
		s.HashFailures += h.Count
	}
	if r.StartupMS > 0 {
		s.Startups = append(s.Startups, r.StartupMS)
	}
}
