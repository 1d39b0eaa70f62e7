package main

import (
	"sync"
	"time"
)

// tracker matches published segments with the manifests that list them.
// The writer calls published right after renaming a playlist; the observer
// calls observed when a manifest appears. Each stream has its own lock, so
// writers of different streams and the observer rarely meet.
type tracker struct {
	measureFrom time.Time     // segments due earlier are warm-up, not counted
	limit       time.Duration // later than this counts as missing
	streams     []trackedStream

	mu      sync.Mutex
	samples []time.Duration
	missing []missed
}

type trackedStream struct {
	mu      sync.Mutex
	pending []pendingSeg // ascending seq
	seenAny bool
	seen    uint64    // newest seq listed by a manifest so far
	seenAt  time.Time // when that manifest appeared
}

type pendingSeg struct {
	seq     uint64
	t0      time.Time
	counted bool // due after the warm-up
}

// missed is a segment no manifest listed within the limit.
type missed struct {
	stream int
	seq    uint64
	after  time.Duration // when a manifest listed it at last; 0 if never
}

func newTracker(streams int, measureFrom time.Time, limit time.Duration) *tracker {
	return &tracker{measureFrom: measureFrom, limit: limit, streams: make([]trackedStream, streams)}
}

// published records that seq of stream, due at due, is in its playlist
// since t0. Warm-up is decided by the schedule (due), not by t0, so a late
// generator does not change how many segments count. A
// manifest may already list it (srs-p2p can win the race against our
// clock read); then the latency is how long after t0 that manifest came,
// at least zero.
func (tr *tracker) published(stream int, seq uint64, due, t0 time.Time) {
	counted := !due.Before(tr.measureFrom)
	s := &tr.streams[stream]
	s.mu.Lock()
	if s.seenAny && s.seen >= seq {
		at := s.seenAt
		s.mu.Unlock()
		tr.record(stream, seq, counted, max(at.Sub(t0), 0))
		return
	}
	s.pending = append(s.pending, pendingSeg{seq: seq, t0: t0, counted: counted})
	s.mu.Unlock()
}

// observed records a manifest of stream, seen at at, whose newest segment
// is newest: it resolves every pending segment up to newest.
func (tr *tracker) observed(stream int, newest uint64, at time.Time) {
	s := &tr.streams[stream]
	s.mu.Lock()
	if !s.seenAny || newest > s.seen {
		s.seenAny, s.seen, s.seenAt = true, newest, at
	}
	n := 0
	for n < len(s.pending) && s.pending[n].seq <= newest {
		n++
	}
	done := append([]pendingSeg(nil), s.pending[:n]...)
	s.pending = append(s.pending[:0], s.pending[n:]...)
	s.mu.Unlock()
	for _, p := range done {
		tr.record(stream, p.seq, p.counted, at.Sub(p.t0))
	}
}

func (tr *tracker) record(stream int, seq uint64, counted bool, latency time.Duration) {
	if !counted {
		return
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if latency > tr.limit {
		tr.missing = append(tr.missing, missed{stream: stream, seq: seq, after: latency})
		return
	}
	tr.samples = append(tr.samples, latency)
}

// pendingCount is how many published segments no manifest has listed yet.
func (tr *tracker) pendingCount() int {
	n := 0
	for i := range tr.streams {
		s := &tr.streams[i]
		s.mu.Lock()
		n += len(s.pending)
		s.mu.Unlock()
	}
	return n
}

// finish turns every segment still pending into a missing one and returns
// the latency samples and the misses. Call it once nothing publishes.
func (tr *tracker) finish() ([]time.Duration, []missed) {
	for i := range tr.streams {
		s := &tr.streams[i]
		s.mu.Lock()
		left := s.pending
		s.pending = nil
		s.mu.Unlock()
		for _, p := range left {
			if p.counted {
				tr.mu.Lock()
				tr.missing = append(tr.missing, missed{stream: i, seq: p.seq})
				tr.mu.Unlock()
			}
		}
	}
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return append([]time.Duration(nil), tr.samples...), append([]missed(nil), tr.missing...)
}
