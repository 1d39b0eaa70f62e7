package stunserver

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os/exec"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/pion/stun/v3"
)

// clientTimeout bounds one run of a real client; turnutils_stunclient has
// no timeout of its own and waits forever for a reply that never comes.
const clientTimeout = 20 * time.Second

// reflexiveLine is turnutils_stunclient's answer line, e.g.
// "0: : IPv4. UDP reflexive addr: 127.0.0.1:58195".
var reflexiveLine = regexp.MustCompile(`UDP reflexive addr: (\S+)`)

// TestCoturnClient runs coturn's turnutils_stunclient, a client nobody
// here wrote, against both UDP ports. It sends a bare 20-byte request, so
// only IPv4 can be answered within the 1.6x bound.
func TestCoturnClient(t *testing.T) {
	bin, err := exec.LookPath("turnutils_stunclient")
	if err != nil {
		t.Fatalf("turnutils_stunclient (Debian package coturn) is required: run `make deps` (scripts/deps.sh) or apt-get install -y coturn: %v", err)
	}
	s := newTestServer(t, Config{})
	for i, to := range []netip.AddrPort{s.Addrs().UDP, s.Addrs().AltUDP} {
		ctx, cancel := context.WithTimeout(context.Background(), clientTimeout)
		out, err := exec.CommandContext(ctx, bin, "-p", strconv.Itoa(int(to.Port())), to.Addr().String()).CombinedOutput()
		cancel()
		if err != nil {
			t.Fatalf("turnutils_stunclient against %v: %v\n%s", to, err, out)
		}
		m := reflexiveLine.FindSubmatch(out)
		if m == nil {
			t.Fatalf("no reflexive address in its output:\n%s", out)
		}
		got, err := netip.ParseAddrPort(string(m[1]))
		if err != nil || got.Addr() != to.Addr() || got.Port() == 0 {
			t.Fatalf("reflexive address %q, want 127.0.0.1 and a port", m[1])
		}
		waitCounter(t, s, `srs_p2p_stun_responses_total{result="success"}`, float64(i+1))
	}
}

// TestPionClient runs pion's STUN client over UDP (IPv4 and IPv6, both
// ports) and TCP. Over IPv6 it adds SOFTWARE, as the package doc tells SDK
// authors to, so the reply fits the amplification bound.
func TestPionClient(t *testing.T) {
	v4 := newTestServer(t, Config{})
	v6 := newTestServer(t, Config{Listen: "[::1]:0", AltListen: "[::1]:0"})
	tests := []struct {
		name    string
		network string
		to      netip.AddrPort
		extra   []stun.Setter
	}{
		{"udp4 main", "udp4", v4.Addrs().UDP, nil},
		{"udp4 alt, FINGERPRINT", "udp4", v4.Addrs().AltUDP, []stun.Setter{stun.Fingerprint}},
		{"udp6 main", "udp6", v6.Addrs().UDP, []stun.Setter{stun.NewSoftware("sdk1")}},
		{"udp6 alt, FINGERPRINT", "udp6", v6.Addrs().AltUDP, []stun.Setter{stun.NewSoftware("sdk1"), stun.Fingerprint}},
		{"tcp4", "tcp4", v4.Addrs().TCP, nil},
		{"tcp6", "tcp6", v6.Addrs().TCP, []stun.Setter{stun.NewSoftware("sdk1")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			conn, err := net.DialTimeout(tt.network, tt.to.String(), clientTimeout)
			if err != nil {
				t.Fatal(err)
			}
			local, err := netip.ParseAddrPort(conn.LocalAddr().String())
			if err != nil {
				t.Fatal(err)
			}
			c, err := stun.NewClient(conn)
			if err != nil {
				t.Fatal(err)
			}
			defer c.Close()
			setters := append([]stun.Setter{stun.TransactionID, stun.BindingRequest}, tt.extra...)
			var mapped stun.XORMappedAddress
			var eventErr error
			err = c.Do(stun.MustBuild(setters...), func(e stun.Event) {
				if e.Error != nil {
					eventErr = e.Error
					return
				}
				eventErr = mapped.GetFrom(e.Message)
			})
			if err = errors.Join(err, eventErr); err != nil {
				t.Fatalf("pion client: %v", err)
			}
			got, _ := netip.AddrFromSlice(mapped.IP)
			if netip.AddrPortFrom(got.Unmap(), uint16(mapped.Port)) != local {
				t.Fatalf("mapped %v, want %v", mapped, local)
			}
		})
	}
}
