package pingback

import (
	"container/list"
	"net/netip"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// maxLimiterEntries bounds the rate limiter's table; past it the network
// used least recently is forgotten (and gets a full bucket if it returns).
const maxLimiterEntries = 65536

// limiter is a token bucket per client network, refilled at rate tokens/s
// up to burst. One token is one report.
type limiter struct {
	rate  float64
	burst float64
	max   int

	evicted *metrics.Counter

	mu    sync.Mutex
	byNet map[netip.Prefix]*list.Element
	lru   list.List // of *netBucket, most recently used first
}

type netBucket struct {
	net    netip.Prefix
	tokens float64
	last   time.Time
}

func newLimiter(rate float64, burst, max int, evicted *metrics.Counter) *limiter {
	l := &limiter{rate: rate, burst: float64(burst), max: max, evicted: evicted, byNet: map[netip.Prefix]*list.Element{}}
	l.lru.Init()
	return l
}

// take removes n tokens from net's bucket if it holds at least n, and
// reports whether it did.
func (l *limiter) take(net netip.Prefix, n int, now time.Time) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	var b *netBucket
	if e, ok := l.byNet[net]; ok {
		l.lru.MoveToFront(e)
		b = e.Value.(*netBucket)
		if d := now.Sub(b.last); d > 0 {
			b.tokens = min(l.burst, b.tokens+d.Seconds()*l.rate)
			b.last = now
		}
	} else {
		if l.lru.Len() >= l.max {
			old := l.lru.Back()
			delete(l.byNet, old.Value.(*netBucket).net)
			l.lru.Remove(old)
			l.evicted.Inc()
		}
		b = &netBucket{net: net, tokens: l.burst, last: now}
		l.byNet[net] = l.lru.PushFront(b)
	}
	if b.tokens < float64(n) {
		return false
	}
	b.tokens -= float64(n)
	return true
}

// sweep forgets networks whose bucket has refilled: they are as if new.
func (l *limiter) sweep(now time.Time) {
	full := time.Duration(min(l.burst/l.rate, 1e6) * float64(time.Second))
	l.mu.Lock()
	defer l.mu.Unlock()
	for e := l.lru.Back(); e != nil; {
		b := e.Value.(*netBucket)
		if now.Sub(b.last) < full {
			return // the rest were used more recently
		}
		prev := e.Prev()
		delete(l.byNet, b.net)
		l.lru.Remove(e)
		e = prev
	}
}

func (l *limiter) len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.lru.Len()
}
