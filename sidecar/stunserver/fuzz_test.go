package stunserver

import (
	"net/netip"
	"testing"

	"github.com/pion/stun/v3"
)

// FuzzRespond feeds the request handler arbitrary packets from an IPv4 or
// IPv6 source. Whatever the input: no panic, a known outcome, a reply
// exactly when the outcome is one, and every reply a well-formed Binding
// response to that transaction, within 1.6x, with FINGERPRINT exactly
// when the request had one, mapping the true source.
func FuzzRespond(f *testing.F) {
	seeds := [][]byte{
		bindingRequest(false),
		bindingRequest(true),
		bindingRequest(true, attr(stun.AttrSoftware, "sdk1")),
		bindingRequest(false, attr(stun.AttrChangeRequest, "\x00\x00\x00\x06"), attr(0x7FFF, "")),
		message(stun.BindingSuccess, true),
		message(stun.NewType(stun.MethodAllocate, stun.ClassRequest), false),
		rfc5769Request,
		rfc5769IPv4Response,
		rfc5769IPv6Response,
		rfc5769LongTermRequest,
		{0x00, 0x01, 0x00, 0x08, 0x21, 0x12, 0xa4, 0x42},
	}
	for i, s := range seeds {
		f.Add(s, i%2 == 0, uint16(3478+i))
	}
	f.Fuzz(func(t *testing.T, pkt []byte, v6 bool, port uint16) {
		src := netip.AddrPortFrom(srcV4.Addr(), port)
		if v6 {
			src = netip.AddrPortFrom(srcV6.Addr(), port)
		}
		r := newResponder(newLimiter(1e9, 1e9, 64, nil, nil), "srs-p2p")
		reply, o := r.respond(pkt, src, 1, make([]byte, 0, maxResponse))
		if o >= numOutcomes {
			t.Fatalf("outcome %d out of range", o)
		}
		if (reply != nil) != o.replied() {
			t.Fatalf("outcome %v with a reply of %d bytes", o, len(reply))
		}
		if reply == nil {
			return
		}
		m := checkReply(t, pkt, reply)
		switch o {
		case outSuccess:
			if got := mappedAddr(t, m); got != src {
				t.Fatalf("mapped %v, want %v", got, src)
			}
		case outUnknownAttribute:
			if ua, _ := unknownList(t, m); len(ua) == 0 || len(ua) > maxUnknownListed {
				t.Fatalf("%d unknown attributes listed", len(ua))
			}
		}
	})
}
