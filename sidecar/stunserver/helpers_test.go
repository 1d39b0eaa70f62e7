package stunserver

import (
	"bytes"
	"encoding/binary"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pion/stun/v3"
)

// testTxID is the transaction id of requests built by message.
var testTxID = [stun.TransactionIDSize]byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}

var (
	srcV4 = netip.MustParseAddrPort("203.0.113.7:40000")
	srcV6 = netip.MustParseAddrPort("[2001:db8::7]:40000")
)

// attr is shorthand for a raw attribute.
func attr(t stun.AttrType, value string) stun.RawAttribute {
	return stun.RawAttribute{Type: t, Value: []byte(value)}
}

// message encodes a message of type typ with testTxID, attrs in order and,
// when fp, a correct FINGERPRINT last.
func message(typ stun.MessageType, fp bool, attrs ...stun.RawAttribute) []byte {
	return messageWithID(testTxID, typ, fp, attrs...)
}

// requestWithID is a Binding request whose transaction id starts with id,
// for tests that tell several requests apart.
func requestWithID(id byte, fp bool, attrs ...stun.RawAttribute) []byte {
	tx := testTxID
	tx[0] = id
	return messageWithID(tx, stun.BindingRequest, fp, attrs...)
}

func messageWithID(tx [stun.TransactionIDSize]byte, typ stun.MessageType, fp bool, attrs ...stun.RawAttribute) []byte {
	m := stun.New()
	m.Type = typ
	m.TransactionID = tx
	m.WriteHeader()
	for _, a := range attrs {
		m.Add(a.Type, a.Value)
	}
	if fp {
		_ = stun.Fingerprint.AddTo(m)
	}
	return bytes.Clone(m.Raw)
}

// bindingRequest is a Binding request with attrs and optional FINGERPRINT.
func bindingRequest(fp bool, attrs ...stun.RawAttribute) []byte {
	return message(stun.BindingRequest, fp, attrs...)
}

// respondOnce runs a fresh responder with no rate limit and the given
// SOFTWARE on one packet.
func respondOnce(pkt []byte, src netip.AddrPort, software string) ([]byte, outcome) {
	r := newResponder(nil, software)
	reply, o := r.respond(pkt, src, 0, make([]byte, 0, maxResponse))
	return bytes.Clone(reply), o
}

// checkReply decodes a reply to req and checks what every reply must be:
// a Binding response (success or error) with req's transaction id, within
// 1.6 times req's size, with a valid FINGERPRINT exactly when req had one.
func checkReply(t testing.TB, req, reply []byte) *stun.Message {
	t.Helper()
	if 5*len(reply) > 8*len(req) {
		t.Fatalf("reply of %d bytes to a request of %d: over 1.6x", len(reply), len(req))
	}
	return checkTCPReply(t, req, reply)
}

// checkTCPReply is checkReply without the 1.6x bound, which TCP replies
// do not need: a connection cannot have a spoofed source.
func checkTCPReply(t testing.TB, req, reply []byte) *stun.Message {
	t.Helper()
	m := new(stun.Message)
	if err := stun.Decode(reply, m); err != nil {
		t.Fatalf("reply does not decode: %v (% x)", err, reply)
	}
	if m.Type != stun.BindingSuccess && m.Type != stun.BindingError {
		t.Fatalf("reply type %v, want a Binding response", m.Type)
	}
	if !bytes.Equal(m.TransactionID[:], req[8:20]) {
		t.Fatalf("reply transaction id % x, want % x", m.TransactionID, req[8:20])
	}
	var in stun.Message
	if err := stun.Decode(req, &in); err != nil {
		t.Fatalf("request does not decode: %v", err)
	}
	if in.Contains(stun.AttrFingerprint) != m.Contains(stun.AttrFingerprint) {
		t.Fatalf("request FINGERPRINT %v, reply FINGERPRINT %v", in.Contains(stun.AttrFingerprint), m.Contains(stun.AttrFingerprint))
	}
	if m.Contains(stun.AttrFingerprint) {
		if err := stun.Fingerprint.Check(m); err != nil {
			t.Fatalf("reply FINGERPRINT: %v", err)
		}
	}
	return m
}

// mappedAddr is the XOR-MAPPED-ADDRESS of a success reply.
func mappedAddr(t testing.TB, m *stun.Message) netip.AddrPort {
	t.Helper()
	if m.Type != stun.BindingSuccess {
		t.Fatalf("reply type %v, want Binding success", m.Type)
	}
	var xma stun.XORMappedAddress
	if err := xma.GetFrom(m); err != nil {
		t.Fatalf("XOR-MAPPED-ADDRESS: %v", err)
	}
	ip, ok := netip.AddrFromSlice(xma.IP)
	if !ok {
		t.Fatalf("XOR-MAPPED-ADDRESS IP % x", xma.IP)
	}
	return netip.AddrPortFrom(ip, uint16(xma.Port))
}

// family is the address family byte of the reply's XOR-MAPPED-ADDRESS.
func family(t testing.TB, m *stun.Message) uint16 {
	t.Helper()
	v, err := m.Get(stun.AttrXORMappedAddress)
	if err != nil || len(v) < 2 {
		t.Fatalf("no XOR-MAPPED-ADDRESS: %v", err)
	}
	return binary.BigEndian.Uint16(v[:2])
}

// unknownList is the UNKNOWN-ATTRIBUTES of a 420 reply, checking its code.
func unknownList(t testing.TB, m *stun.Message) (stun.UnknownAttributes, string) {
	t.Helper()
	if m.Type != stun.BindingError {
		t.Fatalf("reply type %v, want Binding error", m.Type)
	}
	var code stun.ErrorCodeAttribute
	if err := code.GetFrom(m); err != nil {
		t.Fatalf("ERROR-CODE: %v", err)
	}
	if code.Code != stun.CodeUnknownAttribute {
		t.Fatalf("error code %d, want 420", code.Code)
	}
	var ua stun.UnknownAttributes
	if err := ua.GetFrom(m); err != nil {
		t.Fatalf("UNKNOWN-ATTRIBUTES: %v", err)
	}
	return ua, string(code.Reason)
}

// roundTripUDP sends req from a fresh socket on network to addr and
// returns the reply and the socket's own address; it fails the test when
// no reply comes within a few seconds.
func roundTripUDP(t testing.TB, network string, addr netip.AddrPort, req []byte) ([]byte, netip.AddrPort) {
	t.Helper()
	c, err := net.DialUDP(network, nil, net.UDPAddrFromAddrPort(addr))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	reply, ok := exchange(t, c, req)
	if !ok {
		t.Fatalf("no reply from %v", addr)
	}
	return reply, c.LocalAddr().(*net.UDPAddr).AddrPort()
}

// replyTimeout bounds every wait for a reply in these tests.
const replyTimeout = 5 * time.Second

// exchange sends req on c and returns the first datagram that carries
// req's transaction id, or false after replyTimeout.
func exchange(t testing.TB, c *net.UDPConn, req []byte) ([]byte, bool) {
	t.Helper()
	if _, err := c.Write(req); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(replyTimeout)
	buf := make([]byte, 2048)
	for {
		if err := c.SetReadDeadline(deadline); err != nil {
			t.Fatal(err)
		}
		n, err := c.Read(buf)
		if err != nil {
			return nil, false
		}
		if n >= headerSize && bytes.Equal(buf[8:20], req[8:20]) {
			return bytes.Clone(buf[:n]), true
		}
	}
}

// counter reads one metric of the server's set, 0 when absent.
func counter(t testing.TB, s *Server, name string) float64 {
	t.Helper()
	var b bytes.Buffer
	s.Metrics().WritePrometheus(&b)
	for line := range strings.SplitSeq(b.String(), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("metric %s: %v", name, err)
			}
			return f
		}
	}
	return 0
}

// waitCounter polls a metric until it reaches want, failing after a
// deadline.
func waitCounter(t testing.TB, s *Server, name string, want float64) {
	t.Helper()
	deadline := time.Now().Add(replyTimeout)
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	for {
		got := counter(t, s, name)
		if got >= want {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("metric %s = %v, want %v", name, got, want)
		}
		<-tick.C
	}
}

// newTestServer starts a server on loopback ports picked by the kernel
// and closes it when the test ends.
func newTestServer(t testing.TB, cfg Config) *Server {
	t.Helper()
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if cfg.AltListen == "" {
		cfg.AltListen = "127.0.0.1:0"
	}
	if cfg.Sockets == 0 {
		cfg.Sockets = 2
	}
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}
