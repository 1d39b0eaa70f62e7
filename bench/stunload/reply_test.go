package main

import (
	"encoding/hex"
	"errors"
	"net"
	"net/netip"
	"testing"

	"github.com/pion/stun/v3"
)

// coturnReply is a reply of coturn 4.6.1 (--stun-only) captured on
// loopback: XOR-MAPPED-ADDRESS 127.0.0.1:33706, then SOFTWARE.
const coturnReply = "010100242112a442fa101db0a4ffca4256c7d487002000080001a2b85e12a443" +
	"80220014436f7475726e2d342e362e312027476f72737427"

// pionReply builds a Binding success for the request (worker, seq) with
// XOR-MAPPED-ADDRESS mapped, as a server using pion would.
func pionReply(t *testing.T, worker uint32, seq uint64, mapped netip.AddrPort, typ stun.MessageType) []byte {
	t.Helper()
	req := make([]byte, headerSize)
	putRequest(req, worker, seq)
	var in stun.Message
	if err := stun.Decode(req, &in); err != nil {
		t.Fatal(err)
	}
	ip := mapped.Addr().AsSlice()
	m, err := stun.Build(&in, typ, &stun.XORMappedAddress{IP: net.IP(ip), Port: int(mapped.Port())}, stun.Fingerprint)
	if err != nil {
		t.Fatal(err)
	}
	return m.Raw
}

func TestPutRequest(t *testing.T) {
	req := make([]byte, headerSize)
	putRequest(req, 7, 1<<40+3)
	var m stun.Message
	if err := stun.Decode(req, &m); err != nil {
		t.Fatal(err)
	}
	if m.Type != stun.BindingRequest || len(m.Attributes) != 0 {
		t.Fatalf("%v with %d attributes, want a bare Binding request", m.Type, len(m.Attributes))
	}
	if w, s, _ := checkReply(pionReply(t, 7, 1<<40+3, netip.MustParseAddrPort("127.0.0.1:9"), stun.BindingSuccess), netip.MustParseAddrPort("127.0.0.1:9")); w != 7 || s != 1<<40+3 {
		t.Fatalf("transaction id read back as worker %d seq %d", w, s)
	}
}

func TestCheckReply(t *testing.T) {
	v4 := netip.MustParseAddrPort("127.0.0.1:40000")
	v6 := netip.MustParseAddrPort("[::1]:40000")
	coturn, _ := hex.DecodeString(coturnReply)
	tests := []struct {
		name  string
		reply []byte
		want  netip.AddrPort
		err   error
	}{
		{"IPv4", pionReply(t, 1, 2, v4, stun.BindingSuccess), v4, nil},
		{"IPv6", pionReply(t, 1, 2, v6, stun.BindingSuccess), v6, nil},
		{"coturn's own reply", coturn, netip.MustParseAddrPort("127.0.0.1:33706"), nil},
		{"another port", pionReply(t, 1, 2, v4, stun.BindingSuccess), netip.MustParseAddrPort("127.0.0.1:40001"), errWrongMapped},
		{"IPv4 where IPv6 was expected", pionReply(t, 1, 2, v4, stun.BindingSuccess), netip.MustParseAddrPort("[::ffff:127.0.0.1]:40000"), errWrongMapped},
		{"error response", pionReply(t, 1, 2, v4, stun.BindingError), v4, errNotSuccess},
		{"truncated", pionReply(t, 1, 2, v4, stun.BindingSuccess)[:30], v4, errMalformed},
		{"no attributes", func() []byte { b := make([]byte, headerSize); putRequest(b, 1, 2); b[0], b[1] = 1, 1; return b }(), v4, errNoMapped},
		{"short", []byte{1, 1, 0, 0}, v4, errMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := checkReply(tt.reply, tt.want); !errors.Is(err, tt.err) {
				t.Fatalf("got %v, want %v", err, tt.err)
			}
		})
	}
}

// FuzzCheckReply: whatever a server sends back, the checker does not
// panic, and accepts a reply only if pion reads the same address from it.
func FuzzCheckReply(f *testing.F) {
	coturn, _ := hex.DecodeString(coturnReply)
	f.Add(coturn, uint16(33706))
	f.Add([]byte{1, 1, 0, 0, 0x21, 0x12, 0xa4, 0x42}, uint16(1))
	f.Fuzz(func(t *testing.T, b []byte, port uint16) {
		want := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), port)
		if _, _, err := checkReply(b, want); err != nil {
			return
		}
		var m stun.Message
		if err := stun.Decode(append([]byte(nil), b...), &m); err != nil {
			t.Fatalf("accepted a reply pion cannot decode: %v", err)
		}
		var xma stun.XORMappedAddress
		if err := xma.GetFrom(&m); err != nil {
			t.Fatalf("accepted a reply whose XOR-MAPPED-ADDRESS pion cannot read: %v", err)
		}
		if got, _ := netip.AddrFromSlice(xma.IP); got != want.Addr() || xma.Port != int(port) {
			t.Fatalf("accepted %v, pion reads %v", want, xma)
		}
	})
}
