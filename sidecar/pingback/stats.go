package pingback

import (
	"context"
	"net/netip"
	"sync"
	"time"

	"github.com/webp2p/srs-p2p/internal/srslog"
	"github.com/webp2p/srs-p2p/sidecar/indexer"
	"github.com/webp2p/srs-p2p/sidecar/tracker"
)

// maxSDKs bounds the distinct sdk strings a stream remembers; later ones
// are counted as sdkOther.
const (
	maxSDKs  = 64
	sdkNone  = "unknown"
	sdkOther = "other"
)

// streamStats is everything known about the viewers of one stream epoch
// (one swarm_id), from its first report until it ends. Memory is bounded:
// at most Config.MaxViewers sessions and as many networks, blamed and
// uploading peers, a ring of historySlots buckets, about keepSlots startup
// sketches, maxSDKs strings.
type streamStats struct {
	swarmID  string
	infoHash string // the tracker's key of the stream's swarm
	info     indexer.StreamInfo
	key      string // vhost/app/name, the stream label
	ctx      context.Context
	started  time.Time
	first    int64 // slot of the first report

	maxSessions int
	interval    time.Duration
	recent      time.Duration // how recent a report makes a viewer of the 10 s window
	keep        time.Duration // how long a silent session is remembered

	m     *streamMetrics
	peers *peerBook

	mu       sync.Mutex
	closed   bool // ended: refuse further reports
	sessions map[string]*session
	nets     map[netip.Prefix]*netSeen
	ring     [historySlots]bucket
	sdks     []string
	sdkIndex map[string]uint8
	reports  int64 // accepted, for the end-of-stream log
	seen     int64 // sessions ever tracked
}

// session is one viewer (one page load).
type session struct {
	lastSeq  int64
	seqSeen  uint64 // bit i: seq lastSeq-i was counted
	finalSeq int64
	final    bool
	lastSeen time.Time // last accepted report
	present  activity  // slots the viewer watched in
	net      netip.Prefix
	nat      uint8
	device   uint8
	sdk      uint8
}

// netSeen is one client network's latest report.
type netSeen struct {
	lastSeen time.Time
	slots    activity
}

func newStreamStats(info indexer.StreamInfo, cfg *Config, parent context.Context, now time.Time) *streamStats {
	return &streamStats{
		swarmID:     info.SwarmID,
		infoHash:    tracker.InfoHashFor(info.SwarmID),
		info:        info,
		key:         streamLabel(info.Vhost, info.App, info.Name),
		ctx:         srslog.NewContext(parent),
		started:     now,
		first:       slotOf(now),
		maxSessions: cfg.MaxViewers,
		interval:    cfg.Interval,
		recent:      max(slotStep, cfg.Interval*3/2),
		keep:        max(3*cfg.Interval, (keepSlots+1)*slotStep),
		m:           newStreamMetrics(streamLabel(info.Vhost, info.App, info.Name)),
		peers:       newPeerBook(cfg),
		sessions:    map[string]*session{},
		nets:        map[netip.Prefix]*netSeen{},
		sdkIndex:    map[string]uint8{},
	}
}

// accept reports whether seq was not counted yet, and records it. Seqs
// more than 63 below the highest seen cannot be told apart from retries
// and count as duplicates: a report is never counted twice.
func (s *session) accept(seq int64) bool {
	if seq > s.lastSeq {
		if d := seq - s.lastSeq; d >= 64 {
			s.seqSeen = 1
		} else {
			s.seqSeen = s.seqSeen<<uint(d) | 1
		}
		s.lastSeq = seq
		return true
	}
	d := s.lastSeq - seq
	if d >= 64 || s.seqSeen&(1<<uint(d)) != 0 {
		return false
	}
	s.seqSeen |= 1 << uint(d)
	return true
}

// newSessions counts the sessions of reports (those for this stream) that
// the stream does not track yet. Callers hold st.mu.
func (st *streamStats) newSessions(reports []Report, targets []*streamStats) int {
	n := 0
	for i := range reports {
		if targets[i] != st || st.sessions[reports[i].Session] != nil {
			continue
		}
		dup := false
		for j := 0; j < i && !dup; j++ {
			dup = targets[j] == st && reports[j].Session == reports[i].Session
		}
		if !dup {
			n++
		}
	}
	return n
}

// bucketAt returns the bucket of slot, emptied if it held an older slot.
func (st *streamStats) bucketAt(slot int64) *bucket {
	b := &st.ring[ringIndex(slot, historySlots)]
	if b.slot != slot {
		*b = bucket{slot: slot}
	}
	return b
}

// apply counts one report and reports whether it was a duplicate. Callers
// hold st.mu and checked room for new sessions.
func (st *streamStats) apply(r *Report, net netip.Prefix, now time.Time) (duplicate bool, flagged int) {
	sess := st.sessions[r.Session]
	if sess == nil {
		sess = &session{}
		st.sessions[r.Session] = sess
		st.seen++
	}
	if !sess.accept(r.Seq) {
		return true, 0
	}
	st.reports++
	slot := slotOf(now)
	hashFailures := r.hashFailureSum()
	b := st.bucketAt(slot)
	b.reports++
	b.cdn += r.CDNBytes
	b.p2pDown += r.P2PDownBytes
	b.p2pUp += r.P2PUpBytes
	b.segCDN += r.SegmentsCDN
	b.segP2P += r.SegmentsP2P
	b.stalls += r.Stalls
	b.stallMS += r.StallMS
	b.watchMS += r.WatchMS
	b.hashFail += hashFailures
	b.connOK += r.ConnOK
	b.connFail += r.ConnFail
	if r.StartupMS > 0 {
		if b.startups == nil {
			b.startups = &sketch{}
		}
		b.startups.add(r.StartupMS)
	}

	// The viewer watched during the interval the report covers: mark
	// every slot of it, so a viewer reporting every 10 s is present in
	// every slot of the history even when two reports fall into one slot.
	from := max(slotOf(now.Add(-time.Duration(r.IntervalMS)*time.Millisecond)), st.first, slot-63)
	for sl := from; sl <= slot; sl++ {
		if sess.present.mark(sl) {
			st.bucketAt(sl).viewers++
		}
	}
	if r.Final {
		sess.final = true
		sess.finalSeq = max(sess.finalSeq, r.Seq)
	} else if r.Seq > sess.finalSeq {
		sess.final = false // back after a final beacon (the page was shown again)
	}
	sess.lastSeen = now
	sess.net = net
	sess.nat, sess.device, sess.sdk = r.nat, r.device, st.sdkID(r.SDK)

	// One session may report from many networks: the table has the same
	// bound as the sessions'.
	ns := st.nets[net]
	if ns == nil && len(st.nets) < st.maxSessions {
		ns = &netSeen{}
		st.nets[net] = ns
	}
	if ns != nil {
		ns.lastSeen = now
		ns.slots.mark(slot)
	}

	st.m.count(r, hashFailures)
	return false, st.peers.record(r, slot, now)
}

// sdkID interns an sdk string.
func (st *streamStats) sdkID(sdk string) uint8 {
	if sdk == "" {
		sdk = sdkNone
	}
	if id, ok := st.sdkIndex[sdk]; ok {
		return id
	}
	if len(st.sdks) >= maxSDKs-1 {
		sdk = sdkOther
		if id, ok := st.sdkIndex[sdk]; ok {
			return id
		}
	}
	id := uint8(len(st.sdks))
	st.sdks = append(st.sdks, sdk)
	st.sdkIndex[sdk] = id
	return id
}

// sweep forgets sessions and networks that count in no window any more,
// and startup sketches older than the longest window.
func (st *streamStats) sweep(now time.Time) (sessions int) {
	slot := slotOf(now)
	cutoff := now.Add(-st.keep)
	st.mu.Lock()
	for k, s := range st.sessions {
		if s.lastSeen.Before(cutoff) {
			delete(st.sessions, k)
		}
	}
	for k, n := range st.nets {
		if n.lastSeen.Before(cutoff) {
			delete(st.nets, k)
		}
	}
	for i := range st.ring {
		if b := &st.ring[i]; b.startups != nil && b.slot < slot-keepSlots {
			b.startups = nil
		}
	}
	sessions = len(st.sessions)
	st.mu.Unlock()
	st.peers.sweep(now, slot)
	return sessions
}

// close marks the stream ended and drops its metrics; reports that
// resolved it before get ErrNotLive.
func (st *streamStats) close() (reports, sessions int64) {
	st.mu.Lock()
	st.closed = true
	reports, sessions = st.reports, st.seen
	st.mu.Unlock()
	st.m.set.UnregisterAllMetrics()
	return reports, sessions
}
