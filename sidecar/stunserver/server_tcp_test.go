package stunserver

import (
	"errors"
	"io"
	"net"
	"syscall"
	"testing"
	"time"

	"github.com/pion/stun/v3"
)

// TestServerTCP: requests framed on one TCP stream are answered in order;
// a frame that is not STUN closes the connection.
func TestServerTCP(t *testing.T) {
	for _, host := range []string{"127.0.0.1", "[::1]"} {
		t.Run(host, func(t *testing.T) {
			s := newTestServer(t, Config{Listen: host + ":0", AltListen: host + ":0"})
			c, err := net.DialTCP("tcp", nil, net.TCPAddrFromAddrPort(s.Addrs().TCP))
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			_ = c.SetDeadline(time.Now().Add(replyTimeout))
			// A bare 20-byte request is answered over TCP even on IPv6,
			// whose 44-byte reply would be over the UDP bound.
			first, second := requestWithID(1, true), requestWithID(2, false)
			unknown := requestWithID(3, false, attr(stun.AttrChangeRequest, "\x00\x00\x00\x00"))
			pipelined := append(append(append([]byte(nil), first...), second...), unknown...)
			if _, err := c.Write(pipelined); err != nil {
				t.Fatal(err)
			}
			local := c.LocalAddr().(*net.TCPAddr).AddrPort()
			for _, req := range [][]byte{first, second} {
				m := checkTCPReply(t, req, readFrame(t, c))
				if got := mappedAddr(t, m); got != local {
					t.Fatalf("mapped %v, want %v", got, local)
				}
			}
			if ua, _ := unknownList(t, checkTCPReply(t, unknown, readFrame(t, c))); len(ua) != 1 || ua[0] != stun.AttrChangeRequest {
				t.Fatalf("UNKNOWN-ATTRIBUTES %v", ua)
			}
			if _, err := c.Write([]byte("this is not STUN, not at all")); err != nil {
				t.Fatal(err)
			}
			expectClosed(t, c, "after a frame that is not STUN")
			waitCounter(t, s, `srs_p2p_stun_requests_total{listener="main",transport="tcp"}`, 4)
			waitCounter(t, s, `srs_p2p_stun_drops_total{reason="not_stun"}`, 1)
			waitCounter(t, s, `srs_p2p_stun_responses_total{result="unknown_attribute"}`, 1)
		})
	}
}

// TestServerTCPLimits: over MaxTCPConns a connection is closed at once; an
// idle connection is closed after TCPIdleTimeout; a frame over maxRequest
// closes the connection.
func TestServerTCPLimits(t *testing.T) {
	s := newTestServer(t, Config{MaxTCPConns: 1, TCPIdleTimeout: time.Second})
	dial := func() *net.TCPConn {
		c, err := net.DialTCP("tcp", nil, net.TCPAddrFromAddrPort(s.Addrs().TCP))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		_ = c.SetDeadline(time.Now().Add(replyTimeout))
		return c
	}
	first := dial()
	req := bindingRequest(false)
	if _, err := first.Write(req); err != nil {
		t.Fatal(err)
	}
	checkReply(t, req, readFrame(t, first)) // first is tracked now
	second := dial()
	expectClosed(t, second, "over MaxTCPConns=1")
	waitCounter(t, s, `srs_p2p_stun_tcp_rejected_total`, 1)
	expectClosed(t, first, "idle for TCPIdleTimeout=1s") // the read deadline is 5s
	waitCounter(t, s, `srs_p2p_stun_tcp_connections`, 0)

	third := dial()
	huge := bindingRequest(false)
	huge[2], huge[3] = 0xFF, 0xFC // 65532 bytes announced
	if _, err := third.Write(huge); err != nil {
		t.Fatal(err)
	}
	expectClosed(t, third, "after announcing a 64 KiB frame")
	waitCounter(t, s, `srs_p2p_stun_drops_total{reason="too_big"}`, 1)
}

// expectClosed reads from c, whose deadline is set, and fails unless the
// server closed it: data or a timeout mean it is still open.
func expectClosed(t testing.TB, c net.Conn, why string) {
	t.Helper()
	n, err := c.Read(make([]byte, 1))
	var ne net.Error
	switch {
	case err == nil:
		t.Fatalf("%s: got %d bytes, want the connection closed", why, n)
	case errors.As(err, &ne) && ne.Timeout():
		t.Fatalf("%s: connection still open", why)
	case !errors.Is(err, io.EOF) && !errors.Is(err, syscall.ECONNRESET):
		t.Fatalf("%s: %v, want EOF or a reset", why, err)
	}
}

// readFrame reads one STUN message from a stream.
func readFrame(t testing.TB, c net.Conn) []byte {
	t.Helper()
	h := make([]byte, headerSize)
	if _, err := readFull(c, h); err != nil {
		t.Fatalf("reading a reply header: %v", err)
	}
	n := int(h[2])<<8 | int(h[3])
	body := make([]byte, n)
	if _, err := readFull(c, body); err != nil {
		t.Fatalf("reading a reply body: %v", err)
	}
	return append(h, body...)
}

func readFull(c net.Conn, b []byte) (int, error) {
	n := 0
	for n < len(b) {
		m, err := c.Read(b[n:])
		n += m
		if err != nil {
			return n, err
		}
	}
	return n, nil
}
