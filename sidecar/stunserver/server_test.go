package stunserver

import (
	"bytes"
	"errors"
	"net"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// TestServerPortInUse: New fails, binding nothing, when the main or the
// alt UDP port is taken, even by another reuseport group (another
// srs-p2p), and when the main TCP port is taken.
func TestServerPortInUse(t *testing.T) {
	s := newTestServer(t, Config{})
	a := s.Addrs()
	for _, cfg := range []Config{
		{Listen: a.UDP.String(), AltListen: "127.0.0.1:0"},
		{Listen: "127.0.0.1:0", AltListen: a.AltUDP.String()},
		{Listen: a.AltUDP.String(), AltListen: "127.0.0.1:0"},
	} {
		if s2, err := New(cfg); !errors.Is(err, syscall.EADDRINUSE) {
			if s2 != nil {
				_ = s2.Close()
			}
			t.Errorf("%+v: got %v, want EADDRINUSE", cfg, err)
		}
	}
	// A TCP listener alone on a port makes that port unusable as Listen.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	if s2, err := New(Config{Listen: ln.Addr().String(), AltListen: "127.0.0.1:0"}); !errors.Is(err, syscall.EADDRINUSE) {
		if s2 != nil {
			_ = s2.Close()
		}
		t.Errorf("TCP port taken: got %v, want EADDRINUSE", err)
	}
}

// TestReusePortGroup: the sockets of one port all get traffic, and the
// port cannot be joined from outside the group.
func TestReusePortGroup(t *testing.T) {
	conns, err := listenUDPGroup("127.0.0.1:0", 4)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	port := udpAddrPort(conns[0])
	for _, c := range conns[1:] {
		if udpAddrPort(c) != port {
			t.Fatalf("sockets on %v and %v", port, udpAddrPort(c))
		}
	}
	// 128 client sockets: the kernel hashes each to one group member; the
	// chance that one member gets none is 4 x (3/4)^128, about 1e-15.
	for range 128 {
		c, err := net.DialUDP("udp4", nil, net.UDPAddrFromAddrPort(port))
		if err != nil {
			t.Fatal(err)
		}
		_, err = c.Write([]byte("x"))
		c.Close()
		if err != nil {
			t.Fatal(err)
		}
	}
	total := 0
	for i, c := range conns {
		got := 0
		buf := make([]byte, 16)
		for {
			// Loopback delivers inside the sender's write, so everything
			// is queued already; the deadline only ends the drain.
			_ = c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
			if _, _, err := c.ReadFrom(buf); err != nil {
				break
			}
			got++
		}
		if got == 0 {
			t.Errorf("socket %d of the group received nothing", i)
		}
		total += got
	}
	if total != 128 {
		t.Errorf("group received %d datagrams, want 128", total)
	}
	if _, err := listenUDPGroup(port.String(), 1); !errors.Is(err, syscall.EADDRINUSE) {
		t.Errorf("a second group joined the port: %v", err)
	}
}

// TestServerClose: Close stops everything and frees the ports (they can be
// bound again at once); a second Close returns the same result.
func TestServerClose(t *testing.T) {
	s, err := New(Config{Listen: "127.0.0.1:0", AltListen: "127.0.0.1:0", Sockets: 3})
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.DialTCP("tcp", nil, net.TCPAddrFromAddrPort(s.Addrs().TCP))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	req := bindingRequest(false)
	_ = c.SetDeadline(time.Now().Add(replyTimeout))
	if _, err := c.Write(req); err != nil {
		t.Fatal(err)
	}
	checkReply(t, req, readFrame(t, c)) // the connection is being served
	a := s.Addrs()
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	expectClosed(t, c, "after Close")
	s2, err := New(Config{Listen: a.UDP.String(), AltListen: a.AltUDP.String(), Sockets: 3})
	if err != nil {
		t.Fatalf("ports not free after Close: %v", err)
	}
	if err := s2.Close(); err != nil {
		t.Fatal(err)
	}
}

// TestServerMetricNames: every metric is srs_p2p_stun_*, and label values
// come only from the fixed sets.
func TestServerMetricNames(t *testing.T) {
	s := newTestServer(t, Config{})
	var b bytes.Buffer
	s.Metrics().WritePrometheus(&b)
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	if len(lines) != 3+2+9+2+2+1+3+2 {
		t.Errorf("%d metrics:\n%s", len(lines), b.String())
	}
	for _, line := range lines {
		if !strings.HasPrefix(line, "srs_p2p_stun_") {
			t.Errorf("metric outside srs_p2p_stun_: %s", line)
		}
	}
	for _, o := range outcomeLabels {
		if !strings.Contains(b.String(), `="`+o+`"}`) {
			t.Errorf("no metric for outcome %q", o)
		}
	}
}

// syncBuffer is a bytes.Buffer safe for the logger's and the test's
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
