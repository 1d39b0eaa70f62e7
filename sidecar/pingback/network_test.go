package pingback

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

func TestClientPrefix(t *testing.T) {
	cases := []struct {
		remote, xff string
		trust       bool
		want        string
	}{
		{"192.0.2.77:1234", "", false, "192.0.2.0/24"},
		{"[2001:db8:aa:bb::1]:443", "", false, "2001:db8:aa::/48"},
		{"[::ffff:192.0.2.9]:443", "", false, "192.0.2.0/24"},
		{"[fe80::1%eth0]:443", "", false, "fe80::/48"},
		{"192.0.2.77:1234", "203.0.113.5", false, "192.0.2.0/24"},
		{"192.0.2.77:1234", "203.0.113.5", true, "203.0.113.0/24"},
		{"192.0.2.77:1234", "6.6.6.6, 203.0.113.5", true, "203.0.113.0/24"},
		{"192.0.2.77:1234", "2001:db8:1::9", true, "2001:db8:1::/48"},
		{"192.0.2.77:1234", "garbage", true, "192.0.2.0/24"},
		{"192.0.2.77:1234", "203.0.113.5:999", true, "203.0.113.0/24"},
		{"192.0.2.77", "", false, "192.0.2.0/24"},
	}
	for _, c := range cases {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		r.RemoteAddr = c.remote
		if c.xff != "" {
			r.Header.Set("X-Forwarded-For", c.xff)
		}
		p, ok := clientPrefix(r, c.trust)
		if !ok || p.String() != c.want {
			t.Errorf("%s xff %q trust %v: %v %v, want %s", c.remote, c.xff, c.trust, p, ok, c.want)
		}
	}
	r := httptest.NewRequest(http.MethodPost, "/", nil)
	r.RemoteAddr = "pipe"
	if _, ok := clientPrefix(r, false); ok {
		t.Error("prefix from a non-IP address")
	}
}

func TestLimiterEvictsLeastRecentlyUsed(t *testing.T) {
	l := newLimiter(1, 2, 2, nil)
	l.evicted = newServiceMetrics().evicted
	a, b, c := prefixOf(netip.MustParseAddr("192.0.2.1")), prefixOf(netip.MustParseAddr("192.0.3.1")), prefixOf(netip.MustParseAddr("192.0.4.1"))
	l.take(a, 2, t0)
	l.take(b, 1, t0)
	l.take(a, 0, t0) // a used last: b is the oldest
	l.take(c, 1, t0)
	if l.len() != 2 || l.evicted.Get() != 1 {
		t.Fatalf("entries %d evicted %d", l.len(), l.evicted.Get())
	}
	if l.take(a, 1, t0) {
		t.Fatal("a's empty bucket was evicted instead of b")
	}
	if !l.take(b, 2, t0) {
		t.Fatal("b returns with a full bucket")
	}
	l.sweep(t0.Add(time.Second))
	if l.len() != 2 {
		t.Fatalf("%d entries after a sweep too early", l.len())
	}
	l.sweep(t0.Add(2 * time.Second))
	if l.len() != 0 {
		t.Fatalf("%d entries after their buckets refilled", l.len())
	}
}
