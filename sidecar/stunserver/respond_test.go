package stunserver

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/pion/stun/v3"
)

// TestRespondDrops has one case per way a packet is dropped without a
// reply; each asserts the reason it is counted under.
func TestRespondDrops(t *testing.T) {
	valid := bindingRequest(false)
	withFP := bindingRequest(true)
	mutate := func(b []byte, f func([]byte)) []byte {
		b = bytes.Clone(b)
		f(b)
		return b
	}
	// An attribute header claiming 100 bytes inside an 8-byte body.
	overrun := mutate(bindingRequest(false, attr(stun.AttrSoftware, "abcd")), func(b []byte) {
		binary.BigEndian.PutUint16(b[22:24], 100)
	})
	var many []stun.RawAttribute
	for range maxAttributes + 1 {
		many = append(many, attr(stun.AttrSoftware, ""))
	}
	tests := []struct {
		name string
		pkt  []byte
		src  netip.AddrPort
		want outcome
	}{
		{"empty", nil, srcV4, dropNotSTUN},
		{"shorter than a header", valid[:19], srcV4, dropNotSTUN},
		{"first two bits set", mutate(valid, func(b []byte) { b[0] |= 0xC0 }), srcV4, dropNotSTUN},
		{"RFC 3489 request without magic cookie", mutate(valid, func(b []byte) { copy(b[4:8], "abcd") }), srcV4, dropNotSTUN},
		{"RTP packet", mutate(make([]byte, 172), func(b []byte) { b[0] = 0x80 }), srcV4, dropNotSTUN},
		{"length not a multiple of 4", append(mutate(valid, func(b []byte) { b[3] = 2 }), 0, 0), srcV4, dropMalformed},
		{"length past the end", mutate(valid, func(b []byte) { b[3] = 8 }), srcV4, dropMalformed},
		{"bytes after the message", append(bytes.Clone(valid), 0, 0, 0, 0), srcV4, dropMalformed},
		{"attribute past the end", overrun, srcV4, dropMalformed},
		{"too many attributes", bindingRequest(false, many...), srcV4, dropMalformed},
		{"over maxRequest", bindingRequest(false, attr(stun.AttrSoftware, strings.Repeat("x", maxRequest))), srcV4, dropTooBig},
		{"wrong FINGERPRINT", mutate(withFP, func(b []byte) { b[len(b)-1] ^= 1 }), srcV4, dropBadFingerprint},
		{"FINGERPRINT not last", bindingRequest(false, attr(stun.AttrFingerprint, "abcd"), attr(stun.AttrSoftware, "x")), srcV4, dropBadFingerprint},
		{"FINGERPRINT of 8 bytes", bindingRequest(false, attr(stun.AttrFingerprint, "abcdefgh")), srcV4, dropBadFingerprint},
		{"Binding indication", message(stun.NewType(stun.MethodBinding, stun.ClassIndication), false), srcV4, dropNotRequest},
		{"Binding success response", message(stun.BindingSuccess, false), srcV4, dropNotRequest},
		{"Binding error response", message(stun.BindingError, true), srcV4, dropNotRequest},
		{"Allocate request", message(stun.NewType(stun.MethodAllocate, stun.ClassRequest), false), srcV4, dropNotBinding},
		{"unassigned method", message(stun.NewType(0xABC, stun.ClassRequest), false), srcV4, dropNotBinding},
		{"source port 0", valid, netip.AddrPortFrom(srcV4.Addr(), 0), dropBadSource},
		{"unspecified source", valid, netip.MustParseAddrPort("0.0.0.0:1000"), dropBadSource},
		{"multicast source", valid, netip.MustParseAddrPort("[ff02::1]:1000"), dropBadSource},
		{"no source", valid, netip.AddrPort{}, dropBadSource},
		{"IPv6 bare request (44 > 1.6 x 20)", valid, srcV6, dropAmplification},
		{"IPv6 request with only FINGERPRINT (52 > 1.6 x 28)", withFP, srcV6, dropAmplification},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply, got := respondOnce(tt.pkt, tt.src, "")
			if got != tt.want || reply != nil {
				t.Fatalf("outcome %v with %d reply bytes, want %v and no reply", got, len(reply), tt.want)
			}
		})
	}
}

// TestRespondRateLimited: the limiter runs last, only for a request that
// would be answered, and refuses once the source's burst is spent.
func TestRespondRateLimited(t *testing.T) {
	r := newResponder(newLimiter(1, 2, 64, nil, nil), "")
	req := bindingRequest(false)
	out := make([]byte, 0, maxResponse)
	for i, want := range []outcome{outSuccess, outSuccess, dropRateLimited, dropRateLimited} {
		if reply, got := r.respond(req, srcV4, 0, out); got != want || (reply == nil) == want.replied() {
			t.Fatalf("request %d: outcome %v (reply %d bytes), want %v", i, got, len(reply), want)
		}
	}
	// Garbage from a limited source is still counted by what it is.
	if _, got := r.respond(req[:10], srcV4, 0, out); got != dropNotSTUN {
		t.Fatalf("garbage from a limited source: %v, want not_stun", got)
	}
	// Another source is not limited, and a second later one token is back.
	if _, got := r.respond(req, netip.MustParseAddrPort("198.51.100.9:5000"), 0, out); got != outSuccess {
		t.Fatal("an unrelated source was limited")
	}
	if _, got := r.respond(req, srcV4, 1e9, out); got != outSuccess {
		t.Fatalf("after one second: %v, want success", got)
	}
}

func TestRespondSuccess(t *testing.T) {
	pad := attr(stun.AttrSoftware, "sdk1") // 8 bytes: lets an IPv6 reply fit 1.6x
	tests := []struct {
		name       string
		req        []byte
		src        netip.AddrPort
		software   string
		wantLen    int
		wantFamily uint16
		wantSW     string
	}{
		{"IPv4 bare (Chrome)", bindingRequest(false), srcV4, "", 32, 1, ""},
		{"IPv4 with FINGERPRINT (Firefox)", bindingRequest(true), srcV4, "", 40, 1, ""},
		{"IPv4-mapped IPv6 source answered as IPv4", bindingRequest(false), netip.MustParseAddrPort("[::ffff:203.0.113.7]:40000"), "", 32, 1, ""},
		{"IPv6 padded with SOFTWARE", bindingRequest(false, pad), srcV6, "", 44, 2, ""},
		{"IPv6 padded, with FINGERPRINT", bindingRequest(true, pad), srcV6, "", 52, 2, ""},
		{"SOFTWARE left out of a bare request's reply", bindingRequest(false), srcV4, "srs-p2p", 32, 1, ""},
		{"SOFTWARE when the request leaves room", bindingRequest(false, attr(stun.AttrSoftware, strings.Repeat("x", 20))), srcV4, "srs-p2p", 44, 1, "srs-p2p"},
		{"understood attributes ignored", bindingRequest(true,
			attr(stun.AttrUsername, "a:b"), attr(stun.AttrPriority, "\x6e\x00\x01\xff"),
			attr(stun.AttrUseCandidate, ""), attr(stun.AttrICEControlling, "12345678"),
			attr(stun.AttrMessageIntegrity, strings.Repeat("m", 20))), srcV4, "", 40, 1, ""},
		{"unknown optional attribute ignored", bindingRequest(false, attr(0xC0FE, "hello")), srcV4, "", 32, 1, ""},
		{"0x8020 (old XOR-MAPPED-ADDRESS) ignored", bindingRequest(false, attr(0x8020, "12345678")), srcV4, "", 32, 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			reply, o := respondOnce(tt.req, tt.src, tt.software)
			if o != outSuccess {
				t.Fatalf("outcome %v, want success", o)
			}
			m := checkReply(t, tt.req, reply)
			if len(reply) != tt.wantLen {
				t.Errorf("reply is %d bytes, want %d", len(reply), tt.wantLen)
			}
			if got, want := mappedAddr(t, m), netip.AddrPortFrom(tt.src.Addr().Unmap(), tt.src.Port()); got != want {
				t.Errorf("XOR-MAPPED-ADDRESS %v, want %v", got, want)
			}
			if f := family(t, m); f != tt.wantFamily {
				t.Errorf("address family %d, want %d", f, tt.wantFamily)
			}
			sw, _ := m.Get(stun.AttrSoftware)
			if string(sw) != tt.wantSW {
				t.Errorf("SOFTWARE %q, want %q", sw, tt.wantSW)
			}
			if m.Contains(stun.AttrMappedAddress) {
				t.Error("reply carries MAPPED-ADDRESS; only XOR-MAPPED-ADDRESS is sent")
			}
		})
	}
}

// TestRespond420 has one case per kind of unknown comprehension-required
// attribute and the shape of the 420 that answers it.
func TestRespond420(t *testing.T) {
	big := attr(stun.AttrSoftware, strings.Repeat("p", 40)) // room for the reason phrase
	var twenty []stun.RawAttribute
	var firstSixteen stun.UnknownAttributes
	for i := range 20 {
		typ := stun.AttrType(0x7F00 + i)
		twenty = append(twenty, attr(typ, ""))
		if i < maxUnknownListed {
			firstSixteen = append(firstSixteen, typ)
		}
	}
	tests := []struct {
		name       string
		req        []byte
		want       stun.UnknownAttributes
		wantReason string
	}{
		{"CHANGE-REQUEST (RFC 5780)", bindingRequest(false, attr(stun.AttrChangeRequest, "\x00\x00\x00\x06")),
			stun.UnknownAttributes{stun.AttrChangeRequest}, ""},
		{"RESPONSE-PORT (RFC 5780)", bindingRequest(false, attr(stun.AttrResponsePort, "\x0d\x96\x00\x00")),
			stun.UnknownAttributes{stun.AttrResponsePort}, ""},
		{"PADDING (RFC 5780)", bindingRequest(true, attr(stun.AttrPadding, strings.Repeat("\x00", 400))),
			stun.UnknownAttributes{stun.AttrPadding}, "Unknown Attribute"},
		{"unassigned 0x7FFF, with FINGERPRINT", bindingRequest(true, attr(0x7FFF, "")),
			stun.UnknownAttributes{0x7FFF}, ""},
		{"reason phrase when there is room", bindingRequest(false, big, attr(0x0042, "")),
			stun.UnknownAttributes{0x0042}, "Unknown Attribute"},
		{"duplicates listed once, in order", bindingRequest(false, attr(0x0043, ""), attr(0x0042, ""), attr(0x0043, "")),
			stun.UnknownAttributes{0x0043, 0x0042}, ""},
		{"at most 16 listed", bindingRequest(false, twenty...), firstSixteen, "Unknown Attribute"},
		{"optional unknowns not listed", bindingRequest(false, attr(0xC0FE, ""), attr(0x0042, "")),
			stun.UnknownAttributes{0x0042}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for _, src := range []netip.AddrPort{srcV4, srcV6} {
				reply, o := respondOnce(tt.req, src, "srs-p2p")
				if o != outUnknownAttribute {
					t.Fatalf("from %v: outcome %v, want unknown_attribute", src, o)
				}
				m := checkReply(t, tt.req, reply)
				got, reason := unknownList(t, m)
				if !slices.Equal(got, tt.want) {
					t.Errorf("UNKNOWN-ATTRIBUTES %v, want %v", got, tt.want)
				}
				if reason != tt.wantReason {
					t.Errorf("reason %q, want %q", reason, tt.wantReason)
				}
				if m.Contains(stun.AttrSoftware) || m.Contains(stun.AttrXORMappedAddress) {
					t.Error("a 420 carries only ERROR-CODE, UNKNOWN-ATTRIBUTES and FINGERPRINT")
				}
			}
		})
	}
}

// TestRespondReusesBuffers: one responder answering different requests in
// a row gives each its own correct reply (no state leaks between them).
func TestRespondReusesBuffers(t *testing.T) {
	r := newResponder(nil, "")
	out := make([]byte, 0, maxResponse)
	reqs := [][]byte{
		bindingRequest(true, attr(0x7FFF, "")),
		bindingRequest(false, attr(stun.AttrSoftware, "sdk1")),
		bindingRequest(true),
	}
	srcs := []netip.AddrPort{srcV4, srcV6, srcV4}
	for i, req := range reqs {
		reply, o := r.respond(req, srcs[i], 0, out)
		if !o.replied() {
			t.Fatalf("request %d: %v", i, o)
		}
		m := checkReply(t, req, reply)
		if o == outSuccess {
			if got := mappedAddr(t, m); got != srcs[i] {
				t.Fatalf("request %d: mapped %v, want %v", i, got, srcs[i])
			}
			if len(m.Attributes) != 1+btoi(m.Contains(stun.AttrFingerprint)) {
				t.Fatalf("request %d: %d attributes in the reply", i, len(m.Attributes))
			}
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
