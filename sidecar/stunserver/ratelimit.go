package stunserver

import (
	"hash/maphash"
	"math/bits"
	"net/netip"
	"sync"

	"github.com/VictoriaMetrics/metrics"
)

// sourceWays is how many sources share one slot group. A new source takes
// a free slot of its group or evicts the one seen least recently.
const sourceWays = 8

// limiter is a token bucket per source, shared by every socket. Its memory
// is fixed at construction: a hash table of slot groups, each with its own
// lock, so sockets rarely contend and a flood of spoofed sources can only
// evict, never grow anything. The hash is seeded at random, so nobody can
// aim a flood at the group that holds a particular victim.
type limiter struct {
	perNano float64 // tokens added per nanosecond
	burst   float64
	seed    maphash.Seed
	mask    uint64
	groups  []sourceGroup

	limitedSources *metrics.Counter // a source went over its limit
	evictions      *metrics.Counter // a source was forgotten before its bucket refilled
}

type sourceGroup struct {
	mu    sync.Mutex
	slots [sourceWays]sourceSlot
}

type sourceSlot struct {
	key     [16]byte
	last    int64   // server clock (ns) of the last refill
	tokens  float64 // as of last
	used    bool
	limited bool // refused since the last allowed reply: counts episodes, not packets
}

// newLimiter makes a limiter remembering at least maxSources sources. The
// counters may be nil (tests).
func newLimiter(rate float64, burst, maxSources int, limitedSources, evictions *metrics.Counter) *limiter {
	groups := max((maxSources+sourceWays-1)/sourceWays, 1)
	groups = 1 << bits.Len(uint(groups-1)) // a power of two, so a mask picks the group
	return &limiter{
		perNano:        rate / 1e9,
		burst:          float64(burst),
		seed:           maphash.MakeSeed(),
		mask:           uint64(groups - 1),
		groups:         make([]sourceGroup, groups),
		limitedSources: limitedSources,
		evictions:      evictions,
	}
}

// sourceKey is what a source is limited as: the IPv4 address, or the /64
// of an IPv6 address, because one IPv6 subscriber (or one victim) owns a
// whole /64 and could otherwise rotate through it.
func sourceKey(a netip.Addr) [16]byte {
	a = a.Unmap()
	k := a.As16()
	if a.Is6() {
		clear(k[8:])
	}
	return k
}

// allow spends one token of addr's bucket at now (ns) and reports whether
// there was one. A nil limiter allows everything.
func (l *limiter) allow(addr netip.Addr, now int64) bool {
	if l == nil {
		return true
	}
	key := sourceKey(addr)
	g := &l.groups[maphash.Bytes(l.seed, key[:])&l.mask]
	g.mu.Lock()
	s := g.find(key)
	if s == nil {
		s = g.victim()
		evicted := s.used && l.refilled(s, now) < l.burst
		*s = sourceSlot{key: key, last: now, tokens: l.burst, used: true}
		if evicted && l.evictions != nil {
			l.evictions.Inc()
		}
	}
	s.tokens = l.refilled(s, now)
	if now > s.last {
		s.last = now
	}
	if s.tokens >= 1 {
		s.tokens--
		s.limited = false
		g.mu.Unlock()
		return true
	}
	first := !s.limited
	s.limited = true
	g.mu.Unlock()
	if first && l.limitedSources != nil {
		l.limitedSources.Inc()
	}
	return false
}

// refilled is the slot's token count at now, capped at the burst. Sockets
// read the clock at slightly different times, so now may be a little
// before s.last; that adds nothing rather than taking tokens away.
func (l *limiter) refilled(s *sourceSlot, now int64) float64 {
	if now <= s.last {
		return s.tokens
	}
	return min(l.burst, s.tokens+float64(now-s.last)*l.perNano)
}

func (g *sourceGroup) find(key [16]byte) *sourceSlot {
	for i := range g.slots {
		if s := &g.slots[i]; s.used && s.key == key {
			return s
		}
	}
	return nil
}

// victim is a free slot, or else the one refilled longest ago.
func (g *sourceGroup) victim() *sourceSlot {
	v := &g.slots[0]
	for i := range g.slots {
		s := &g.slots[i]
		if !s.used {
			return s
		}
		if s.last < v.last {
			v = s
		}
	}
	return v
}
