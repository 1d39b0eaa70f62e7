package stunserver

import (
	"net/netip"
	"testing"

	"github.com/pion/stun/v3"
)

// hotPathCases are the requests a busy server answers most: browsers'
// Binding requests (bare from Chrome, FINGERPRINT from Firefox), an ICE
// check, a 420, and the cheap drops.
func hotPathCases() []struct {
	name string
	req  []byte
	src  netip.AddrPort
	want outcome
} {
	return []struct {
		name string
		req  []byte
		src  netip.AddrPort
		want outcome
	}{
		{"bare IPv4", bindingRequest(false), srcV4, outSuccess},
		{"FINGERPRINT IPv4", bindingRequest(true), srcV4, outSuccess},
		{"padded IPv6", bindingRequest(true, attr(stun.AttrSoftware, "sdk1")), srcV6, outSuccess},
		{"RFC 5769 ICE check", rfc5769Request, srcV4, outSuccess},
		{"420", bindingRequest(true, attr(stun.AttrChangeRequest, "\x00\x00\x00\x06")), srcV4, outUnknownAttribute},
		{"not STUN", make([]byte, 100), srcV4, dropNotSTUN},
		{"bad FINGERPRINT", append(bindingRequest(true)[:24], 0, 0, 0, 0), srcV4, dropBadFingerprint},
		{"IPv6 amplification", bindingRequest(false), srcV6, dropAmplification},
	}
}

// TestRespondAllocs is the "0 allocs/op" requirement as a test: no request
// on the hot path allocates, limiter included.
func TestRespondAllocs(t *testing.T) {
	for _, tc := range hotPathCases() {
		t.Run(tc.name, func(t *testing.T) {
			r := newResponder(newLimiter(1e9, 1e9, 1024, nil, nil), "srs-p2p")
			out := make([]byte, 0, maxResponse)
			now := int64(0)
			var got outcome
			allocs := testing.AllocsPerRun(1000, func() {
				now++
				_, got = r.respond(tc.req, tc.src, now, out)
			})
			if got != tc.want {
				t.Fatalf("outcome %v, want %v", got, tc.want)
			}
			if allocs != 0 {
				t.Fatalf("%v allocations per request, want 0", allocs)
			}
		})
	}
}

// BenchmarkHandle measures the request handler (framing, pion decode,
// FINGERPRINT, the rate limiter, the reply) per request, without sockets.
func BenchmarkHandle(b *testing.B) {
	for _, tc := range hotPathCases() {
		b.Run(tc.name, func(b *testing.B) {
			r := newResponder(newLimiter(1e9, 1e9, 1024, nil, nil), "")
			out := make([]byte, 0, maxResponse)
			b.ReportAllocs()
			b.SetBytes(int64(len(tc.req)))
			now := int64(0)
			for b.Loop() {
				now++
				if _, o := r.respond(tc.req, tc.src, now, out); o != tc.want {
					b.Fatalf("outcome %v, want %v", o, tc.want)
				}
			}
		})
	}
}
