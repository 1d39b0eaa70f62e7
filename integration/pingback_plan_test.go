package integration

import (
	"fmt"
	"math/rand/v2"
	"sync"
)

// The simulated audience of TestPingbackAggregates, planned in full before
// anything is sent: 200 viewers per stream, each sending 2 to 4 reports one
// interval apart, with what browsers do to a report stream (held while
// offline and sent with the next, retried after a lost reply, a final
// beacon sent twice). The plan also sums every distinct report per stream:
// the numbers the server's aggregates must come to.

const (
	simViewersPerStream = 200
	simRounds           = 4    // report rounds, one pingback interval apart
	simIntervalMS       = 2000 // the test's pingback.interval
	simMaxBatch         = 16   // reports per request, the documented limit
	simSeed             = 6    // the number; fixed, so a failure replays
)

// simBitrates are the streams' bitrates (bit/s); a 2 s segment of a stream
// is bitrate/4 bytes.
var simBitrates = []int64{1_200_000, 2_000_000, 3_000_000}

var (
	simNATs    = []string{"unknown", "endpoint_independent", "endpoint_dependent", "no_udp"}
	simDevices = []string{"desktop", "mobile", "tv", "other"}
	simSDKs    = []string{"srs-p2p-web/0.1.0", "srs-p2p-web/0.2.0", ""} // "" is counted as "unknown"
)

// simBlames says which reports carry hash failures: the report (0-based)
// of viewer blamer that blames the peer of viewer blamed (-1: a peer the
// viewer could not name). simFlagged is what it makes Bad per stream:
// stream 0's viewer 1 (blamed by three others; the tracker test's bad
// peer) and stream 2's viewer 60 (by two), not stream 1's viewer 20
// (one other viewer blames it twice, and a viewer's blame of itself is
// ignored).
var (
	simBlames = []struct {
		stream, blamer, blamed, report int
		count                          int64
	}{
		{0, 10, 1, 1, 2}, {0, 11, 1, 1, 1}, {0, 12, 1, 1, 3},
		{0, 30, -1, 0, 2},
		{1, 5, 20, 0, 1}, {1, 5, 20, 1, 1}, {1, 20, 20, 1, 4},
		{2, 40, 60, 1, 1}, {2, 41, 60, 0, 2},
	}
	simFlagged = []int{1, 0, 1}
)

// The peers of stream 0 the tracker test connects: viewer 0 uploads in
// every report, viewer 1 is the one blamed.
const (
	simUploaderViewer = 0
	simBadViewer      = 1
)

// simSession is one viewer: one page load.
type simSession struct {
	id, peerID       string
	nat, device, sdk string
	seq              int64 // the last seq planned
	final            bool  // its last report said it leaves
}

type simStream struct {
	name, swarmID string
	segBytes      int64
	sessions      []*simSession
	totals        simTotals
}

// simFleet is the whole audience. mu guards what heartbeats change while
// the test reads: the sessions' seqs, the totals and the counters of what
// the server was sent.
type simFleet struct {
	streams []*simStream
	rounds  [][][]simRequest // round -> jobs (one viewer's requests, in order)

	mu                                   sync.Mutex
	posts, accepted, duplicates, notLive int64 // what srs_p2p_pingback_* must count
}

// simPeerID is the 20-character peer id viewer i of stream s announces.
func simPeerID(s, i int) string { return fmt.Sprintf("-IT0100-s%d-v%08d", s, i) }

// newSimFleet plans the reports of every viewer of the streams whose
// swarm_ids are given, in simStreamNames order.
func newSimFleet(swarmIDs []string) *simFleet {
	r := rand.New(rand.NewPCG(simSeed, 1))
	f := &simFleet{rounds: make([][][]simRequest, simRounds)}
	for si, name := range simStreamNames {
		st := &simStream{name: name, swarmID: swarmIDs[si], segBytes: simBitrates[si] / 4}
		f.streams = append(f.streams, st)
		for i := range simViewersPerStream {
			s := &simSession{
				id:     fmt.Sprintf("viewer-%d-%04d", si, i),
				peerID: simPeerID(si, i),
				nat:    simNATs[r.IntN(len(simNATs))],
				device: simDevices[r.IntN(len(simDevices))],
				sdk:    simSDKs[r.IntN(len(simSDKs))],
			}
			st.sessions = append(st.sessions, s)
			f.planViewer(r, si, i)
		}
	}
	return f
}

// planViewer plans one viewer's requests round by round.
func (f *simFleet) planViewer(r *rand.Rand, si, i int) {
	st := f.streams[si]
	s := st.sessions[i]
	start := r.IntN(2)                 // not everybody starts at once
	k := 2 + r.IntN(simRounds-start-1) // 2 .. rounds left
	share := r.Float64() * 0.85        // of segments from peers
	final := r.IntN(10) == 0           // leaves with a final beacon
	var held, carry []simReport
	for j := range k {
		rep := f.report(r, si, i, j, share)
		if j == k-1 && final {
			rep.Final, s.final = true, true
		}
		st.totals.add(&rep)
		if j < k-1 && r.IntN(12) == 0 { // offline: goes with the next one
			held = append(held, rep)
			continue
		}
		req := simRequest{reports: append(append(carry, held...), rep), contentType: "application/json",
			accepted: len(held) + 1, duplicates: len(carry)}
		if rep.Final {
			req.contentType = "text/plain;charset=UTF-8" // navigator.sendBeacon
		}
		held, carry = nil, nil
		job := []simRequest{req}
		switch {
		case rep.Final && r.IntN(2) == 0: // the beacon sent twice
			job = append(job, simRequest{reports: req.reports[len(req.reports)-1:], contentType: req.contentType, duplicates: 1})
		case r.IntN(20) == 0: // the reply was lost: the same request again
			job = append(job, simRequest{reports: req.reports, contentType: req.contentType, duplicates: len(req.reports)})
		case j < k-1 && r.IntN(20) == 0: // the reply was lost: retried with the next report
			carry = []simReport{rep}
		}
		f.rounds[start+j] = append(f.rounds[start+j], job)
	}
}

// report plans report j of viewer i of stream si: realistic deltas of a
// 2 s interval of a stream at its bitrate.
func (f *simFleet) report(r *rand.Rand, si, i, j int, share float64) simReport {
	st := f.streams[si]
	s := st.sessions[i]
	s.seq++
	trackerPeer := si == 0 && (i == simUploaderViewer || i == simBadViewer)
	rep := simReport{SwarmID: st.swarmID, PeerID: s.peerID, Session: s.id, Seq: s.seq, IntervalMS: simIntervalMS,
		WatchMS: simIntervalMS, NAT: s.nat, SDK: s.sdk, Device: s.device, BufferS: float64(4+r.IntN(33)) / 2}
	segments := 1
	if j == 0 {
		if !trackerPeer && r.IntN(3) == 0 {
			rep.PeerID = "" // not announced to the tracker yet
		}
		rep.StartupMS = min(200+int64(r.ExpFloat64()*900), 20_000)
		rep.WatchMS = max(0, simIntervalMS-rep.StartupMS)
		segments = 2 // the first buffer
	}
	for range segments {
		size := st.segBytes*9/10 + r.Int64N(st.segBytes/5)
		if j > 0 && r.Float64() < share {
			rep.SegmentsP2P++
			rep.P2PDownBytes += size
		} else {
			rep.SegmentsCDN++
			rep.CDNBytes += size
		}
	}
	if rep.PeerID != "" {
		if (si == 0 && i == simUploaderViewer) || r.IntN(5) == 0 {
			rep.P2PUpBytes = (1 + r.Int64N(2)) * st.segBytes
		}
		rep.PeersConnected = int64(1 + r.IntN(5))
		if j <= 1 {
			rep.ConnOK, rep.ConnFail = r.Int64N(4), r.Int64N(3)
		}
	}
	if rep.WatchMS >= 400 && r.IntN(14) == 0 {
		rep.Stalls = 1 + int64(r.IntN(5)/4)
		rep.StallMS = 100 + r.Int64N(min(rep.WatchMS-100, 1500))
	}
	for _, b := range simBlames {
		if b.stream == si && b.blamer == i && b.report == j {
			peer := ""
			if b.blamed >= 0 {
				peer = simPeerID(si, b.blamed)
			}
			rep.HashFailures = append(rep.HashFailures, simBlame{PeerID: peer, Count: b.count})
		}
	}
	return rep
}

// heartbeats plans one report of every viewer still watching, with
// nothing to add (a paused player still reports): the viewers stay in the
// 10 s window while no sum moves. They are batched, several viewers per
// request.
func (f *simFleet) heartbeats() [][]simRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	var jobs [][]simRequest
	req := simRequest{contentType: "application/json"}
	for _, st := range f.streams {
		for _, s := range st.sessions {
			if s.final {
				continue
			}
			s.seq++
			st.totals.Reports++
			req.reports = append(req.reports, simReport{SwarmID: st.swarmID, PeerID: s.peerID, Session: s.id, Seq: s.seq,
				IntervalMS: simIntervalMS, BufferS: 9.5, PeersConnected: 1, NAT: s.nat, SDK: s.sdk, Device: s.device})
			req.accepted++
			if len(req.reports) == simMaxBatch {
				jobs = append(jobs, []simRequest{req})
				req = simRequest{contentType: "application/json"}
			}
		}
	}
	if len(req.reports) > 0 {
		jobs = append(jobs, []simRequest{req})
	}
	return jobs
}

// simAudience is what a window holding all of a stream's reports must
// show beyond the sums: the viewers still watching, by class.
type simAudience struct {
	viewers            int
	nat, devices, sdks map[string]int
}

// expect returns a copy of stream si's totals and its audience.
func (f *simFleet) expect(si int) (simTotals, simAudience) {
	f.mu.Lock()
	defer f.mu.Unlock()
	st := f.streams[si]
	tot := st.totals
	tot.Startups = append([]int64(nil), tot.Startups...)
	a := simAudience{nat: map[string]int{}, devices: map[string]int{}, sdks: map[string]int{}}
	for _, c := range simNATs {
		a.nat[c] = 0
	}
	for _, c := range simDevices {
		a.devices[c] = 0
	}
	for _, s := range st.sessions {
		if s.final {
			continue
		}
		a.viewers++
		a.nat[s.nat]++
		a.devices[s.device]++
		sdk := s.sdk
		if sdk == "" {
			sdk = "unknown"
		}
		a.sdks[sdk]++
	}
	return tot, a
}

// summary describes the plan for the test log.
func (f *simFleet) summary() string {
	var requests, reports, batched, retried, finals int
	for _, jobs := range f.rounds {
		for _, job := range jobs {
			for _, req := range job {
				requests++
				reports += req.accepted
				if len(req.reports) > 1 {
					batched++
				}
				if req.duplicates > 0 {
					retried++
				}
				if req.reports[len(req.reports)-1].Final {
					finals++
				}
			}
		}
	}
	return fmt.Sprintf("%d viewers on %d streams: %d distinct reports in %d requests over %d rounds, %d requests with several reports, %d with retried ones, %d final beacons sent",
		simViewersPerStream*len(f.streams), len(f.streams), reports, requests, len(f.rounds), batched, retried, finals)
}
