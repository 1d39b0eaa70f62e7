package stunserver

import (
	"bytes"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/pion/stun/v3"

	"github.com/webp2p/srs-p2p/internal/srslog"
)

// TestServerUDP: both UDP ports answer over IPv4 and IPv6 with the
// client's own address.
func TestServerUDP(t *testing.T) {
	for _, fam := range []struct {
		name, network, host string
		req                 []byte
	}{
		{"IPv4", "udp4", "127.0.0.1", bindingRequest(false)},
		{"IPv6", "udp6", "[::1]", bindingRequest(true, attr(stun.AttrSoftware, "sdk1"))},
	} {
		t.Run(fam.name, func(t *testing.T) {
			s := newTestServer(t, Config{Listen: fam.host + ":0", AltListen: fam.host + ":0"})
			for _, to := range []netip.AddrPort{s.Addrs().UDP, s.Addrs().AltUDP} {
				reply, local := roundTripUDP(t, fam.network, to, fam.req)
				m := checkReply(t, fam.req, reply)
				if got := mappedAddr(t, m); got != local {
					t.Errorf("%v mapped %v, want %v", to, got, local)
				}
			}
			if a := s.Addrs(); a.UDP.Port() == 0 || a.AltUDP.Port() == 0 || a.UDP.Port() == a.AltUDP.Port() || a.TCP.Port() != a.UDP.Port() {
				t.Errorf("addrs %+v: want two distinct UDP ports and TCP on the main one", a)
			}
			waitCounter(t, s, `srs_p2p_stun_requests_total{listener="main",transport="udp"}`, 1)
			waitCounter(t, s, `srs_p2p_stun_requests_total{listener="alt",transport="udp"}`, 1)
			waitCounter(t, s, `srs_p2p_stun_responses_total{result="success"}`, 2)
			if fam.network == "udp6" {
				// Chrome's bare request cannot be answered over IPv6 within
				// 1.6x: it is dropped and counted.
				c, err := net.DialUDP("udp6", nil, net.UDPAddrFromAddrPort(s.Addrs().UDP))
				if err != nil {
					t.Fatal(err)
				}
				defer c.Close()
				if _, err := c.Write(bindingRequest(false)); err != nil {
					t.Fatal(err)
				}
				waitCounter(t, s, `srs_p2p_stun_drops_total{reason="amplification"}`, 1)
			}
		})
	}
}

// TestServerMappingCheck is the NAT mapping check of the package doc, run
// against the server: one local socket asks both ports. Loopback has no
// NAT, so both must report the same mapping, the socket's own address.
func TestServerMappingCheck(t *testing.T) {
	s := newTestServer(t, Config{})
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var mapped []netip.AddrPort
	for i, to := range []netip.AddrPort{s.Addrs().UDP, s.Addrs().AltUDP} {
		req := requestWithID(byte(i), true)
		if _, err := c.WriteToUDPAddrPort(req, to); err != nil {
			t.Fatal(err)
		}
		_ = c.SetReadDeadline(time.Now().Add(replyTimeout))
		buf := make([]byte, 1500)
		n, from, err := c.ReadFromUDPAddrPort(buf)
		if err != nil {
			t.Fatalf("no reply from %v: %v", to, err)
		}
		if from != to {
			t.Fatalf("reply from %v, asked %v: a reply must come from the port asked", from, to)
		}
		mapped = append(mapped, mappedAddr(t, checkReply(t, req, buf[:n])))
	}
	local := c.LocalAddr().(*net.UDPAddr).AddrPort()
	if mapped[0] != local || mapped[1] != local {
		t.Fatalf("mapped %v, want %v from both ports", mapped, local)
	}
}

// TestServerDropsSilently: garbage, a response and a non-Binding request
// get no reply, are counted by reason, and are not logged.
func TestServerDropsSilently(t *testing.T) {
	var logBuf syncBuffer
	s := newTestServer(t, Config{Logger: srslog.New(&logBuf, slog.LevelDebug)})
	c, err := net.DialUDP("udp4", nil, net.UDPAddrFromAddrPort(s.Addrs().UDP))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	drops := []struct {
		pkt    []byte
		metric string
	}{
		{[]byte("GET / HTTP/1.1\r\n\r\n"), `srs_p2p_stun_drops_total{reason="not_stun"}`},
		{message(stun.BindingSuccess, false), `srs_p2p_stun_drops_total{reason="not_request"}`},
		{message(stun.NewType(stun.MethodAllocate, stun.ClassRequest), false), `srs_p2p_stun_drops_total{reason="not_binding"}`},
		{append(bindingRequest(true)[:24], 1, 2, 3, 4), `srs_p2p_stun_drops_total{reason="bad_fingerprint"}`},
		{bindingRequest(false, attr(stun.AttrSoftware, strings.Repeat("x", 1480))), `srs_p2p_stun_drops_total{reason="too_big"}`},
	}
	for _, d := range drops {
		if _, err := c.Write(d.pkt); err != nil {
			t.Fatal(err)
		}
		waitCounter(t, s, d.metric, 1)
	}
	// Every drop is counted after its batch was sent, so a reply to any
	// of them would be queued on c by now; the next datagram must be the
	// reply to this request.
	req := requestWithID(0xEE, false)
	if _, err := c.Write(req); err != nil {
		t.Fatal(err)
	}
	_ = c.SetReadDeadline(time.Now().Add(replyTimeout))
	buf := make([]byte, 1500)
	n, err := c.Read(buf)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(buf[8:20], req[8:20]) {
		t.Fatalf("first datagram received is not the reply to the valid request: % x", buf[:n])
	}
	waitCounter(t, s, `srs_p2p_stun_received_bytes_total`, float64(18+20+20+28+maxRequest+20))
	if strings.Count(logBuf.String(), "\n") != 1 || !strings.Contains(logBuf.String(), "stun: listening") {
		t.Fatalf("want only the startup line logged, got:\n%s", logBuf.String())
	}
}

// TestServerRateLimit: one source past its burst gets nothing more, on
// either port, and is counted once as a rate-limited source.
func TestServerRateLimit(t *testing.T) {
	s := newTestServer(t, Config{Rate: 0.001, Burst: 2})
	c, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	targets := []netip.AddrPort{s.Addrs().UDP, s.Addrs().AltUDP, s.Addrs().UDP, s.Addrs().AltUDP}
	for i, to := range targets {
		req := requestWithID(byte(i), false)
		if _, err := c.WriteToUDPAddrPort(req, to); err != nil {
			t.Fatal(err)
		}
		if i < 2 {
			_ = c.SetReadDeadline(time.Now().Add(replyTimeout))
			buf := make([]byte, 1500)
			if _, _, err := c.ReadFromUDPAddrPort(buf); err != nil {
				t.Fatalf("request %d within the burst: %v", i, err)
			}
		}
	}
	waitCounter(t, s, `srs_p2p_stun_drops_total{reason="rate_limited"}`, 2)
	if got := counter(t, s, `srs_p2p_stun_ratelimited_sources_total`); got != 1 {
		t.Fatalf("ratelimited_sources_total = %v, want 1", got)
	}
	if got := counter(t, s, `srs_p2p_stun_responses_total{result="success"}`); got != 2 {
		t.Fatalf("responses = %v, want 2", got)
	}
}
