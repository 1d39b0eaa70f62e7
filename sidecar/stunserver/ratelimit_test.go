package stunserver

import (
	"fmt"
	"net/netip"
	"sync"
	"testing"

	"github.com/VictoriaMetrics/metrics"
)

func testLimiter(rate float64, burst, sources int) (*limiter, *metrics.Counter, *metrics.Counter) {
	s := metrics.NewSet()
	limited := s.NewCounter("limited")
	evicted := s.NewCounter("evicted")
	return newLimiter(rate, burst, sources, limited, evicted), limited, evicted
}

func TestLimiterBucket(t *testing.T) {
	const sec = int64(1e9)
	a := netip.MustParseAddr("192.0.2.1")
	l, limited, _ := testLimiter(2, 3, 64) // 2/s, burst 3
	steps := []struct {
		at   int64
		want bool
	}{
		{0, true}, {0, true}, {0, true}, // the burst
		{0, false}, {0, false}, // spent: limited, one episode
		{sec / 4, false},                                        // half a token back
		{sec / 2, true},                                         // one token back
		{sec / 2, false},                                        // spent again: a second episode
		{sec / 4, false},                                        // a clock read earlier by another socket adds nothing
		{100 * sec, true}, {100 * sec, true}, {100 * sec, true}, // refilled to the burst, not beyond
		{100 * sec, false},
	}
	for i, s := range steps {
		if got := l.allow(a, s.at); got != s.want {
			t.Fatalf("step %d at %v ns: allow = %v, want %v", i, s.at, got, s.want)
		}
	}
	if got := limited.Get(); got != 3 {
		t.Errorf("ratelimited_sources = %d, want 3 (one per episode, not per packet)", got)
	}
}

func TestLimiterKeys(t *testing.T) {
	tests := []struct {
		name string
		a, b string
		same bool
	}{
		{"two IPv4 addresses", "192.0.2.1", "192.0.2.2", false},
		{"IPv4 and its mapped form", "192.0.2.1", "::ffff:192.0.2.1", true},
		{"one IPv6 /64", "2001:db8:1:2::1", "2001:db8:1:2:ffff::9", true},
		{"two IPv6 /64s", "2001:db8:1:2::1", "2001:db8:1:3::1", false},
		{"IPv6 zone ignored", "fe80::1%eth0", "fe80::1", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l, _, _ := testLimiter(1, 1, 64)
			if !l.allow(netip.MustParseAddr(tt.a), 0) {
				t.Fatal("first request refused")
			}
			// Burst 1: the second is refused only if it is the same source.
			if got := !l.allow(netip.MustParseAddr(tt.b), 0); got != tt.same {
				t.Fatalf("%s then %s: shared bucket = %v, want %v", tt.a, tt.b, got, tt.same)
			}
		})
	}
}

// TestLimiterBoundedMemory: a flood of distinct sources never grows the
// table, evicts the least recently seen, and counts an eviction only when
// the forgotten bucket was not yet full again.
func TestLimiterBoundedMemory(t *testing.T) {
	l, _, evicted := testLimiter(1, 2, 64)
	groups := len(l.groups)
	if groups*sourceWays < 64 {
		t.Fatalf("%d groups of %d for 64 sources", groups, sourceWays)
	}
	for i := range 100_000 {
		a := netip.AddrFrom4([4]byte{10, byte(i >> 16), byte(i >> 8), byte(i)})
		if !l.allow(a, int64(i)) {
			t.Fatalf("new source %v refused", a)
		}
	}
	if len(l.groups) != groups {
		t.Fatalf("table grew from %d to %d groups", groups, len(l.groups))
	}
	if evicted.Get() == 0 {
		t.Fatal("100000 sources in a table of 64 evicted nothing")
	}

	// Sources whose buckets refilled leave without counting.
	l2, _, evicted2 := testLimiter(1, 1, 8)
	for i := range 1000 {
		a := netip.AddrFrom4([4]byte{10, 0, byte(i >> 8), byte(i)})
		l2.allow(a, int64(i)*2e9) // two seconds apart: each bucket is full again
	}
	if got := evicted2.Get(); got != 0 {
		t.Fatalf("evictions of refilled buckets counted: %d", got)
	}
}

// TestLimiterKeepsActiveSource: a limited source that keeps sending stays
// limited while a stream of one-off sources passes through its group.
func TestLimiterKeepsActiveSource(t *testing.T) {
	l, _, _ := testLimiter(1, 1, 8) // a single group of 8
	victim := netip.MustParseAddr("192.0.2.1")
	l.allow(victim, 0)
	now := int64(1)
	for i := range 1000 {
		// Seven strangers, then the victim again: it is never the least
		// recently seen, so it is never forgotten.
		a := netip.AddrFrom4([4]byte{10, 1, byte(i >> 8), byte(i)})
		l.allow(a, now)
		now++
		if i%7 == 6 {
			if l.allow(victim, now) {
				t.Fatalf("after %d strangers the victim's bucket was reset", i+1)
			}
			now++
		}
	}
}

func TestLimiterConcurrent(t *testing.T) {
	l, _, _ := testLimiter(1, 100, 1024)
	var wg sync.WaitGroup
	var mu sync.Mutex
	allowed := 0
	for g := range 8 {
		wg.Go(func() {
			n := 0
			for i := range 1000 {
				a := netip.MustParseAddr(fmt.Sprintf("192.0.2.%d", i%4))
				if l.allow(a, int64(g)) {
					n++
				}
			}
			mu.Lock()
			allowed += n
			mu.Unlock()
		})
	}
	wg.Wait()
	// Four sources, burst 100 each, no time passing: exactly 400.
	if allowed != 400 {
		t.Fatalf("allowed %d, want 400", allowed)
	}
}
