package integration

import (
	"net"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

var stunListeningRE = regexp.MustCompile(`stun: listening udp=(\S+) alt_udp=(\S+) tcp=(\S+)`)

// TestSTUNFromTheBinary: the binary's STUN service answers coturn's
// turnutils_stunclient (a client nobody here wrote) on both UDP ports, a
// client behind no NAT learns the same mapping from both (the NAT mapping
// check's "endpoint-independent" case), and a taken port stops startup
// with an error naming it.
func TestSTUNFromTheBinary(t *testing.T) {
	client, err := exec.LookPath("turnutils_stunclient")
	if err != nil {
		t.Fatal("turnutils_stunclient not found: run scripts/deps.sh (make test does), or apt-get install -y coturn")
	}
	sc := startSidecar(t, "srs-p2p", itestEnv(t.TempDir()))
	m := stunListeningRE.FindStringSubmatch(sc.logs.String())
	if m == nil {
		t.Fatalf("no %q line in the log", "stun: listening")
	}
	for _, addr := range []string{m[1], m[2]} {
		host, port, err := net.SplitHostPort(addr)
		if err != nil {
			t.Fatal(err)
		}
		out, err := exec.Command(client, "-p", port, host).CombinedOutput()
		if err != nil {
			t.Fatalf("turnutils_stunclient %s: %v\n%s", addr, err, out)
		}
		if !strings.Contains(string(out), "UDP reflexive addr: 127.0.0.1:") {
			t.Fatalf("turnutils_stunclient %s got no reflexive address:\n%s", addr, out)
		}
	}

	// One socket asks both ports: without a NAT both see the same address.
	conn, err := net.ListenUDP("udp4", &net.UDPAddr{IP: net.IPv4(127, 0, 0, 1)})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var mapped []string
	for i, addr := range []string{m[1], m[2]} {
		mapped = append(mapped, stunBinding(t, conn, addr, byte(i)))
	}
	if mapped[0] != mapped[1] || mapped[0] != conn.LocalAddr().String() {
		t.Fatalf("mapped addresses %v from one socket %s", mapped, conn.LocalAddr())
	}

	// A second process cannot take the same STUN port: startup fails and says why.
	env := itestEnv(t.TempDir())
	env["SRS_P2P_STUN_LISTEN"] = m[1]
	res := runCLI(t, env)
	if res.code != 1 || !strings.Contains(res.stderr, "stun") || !strings.Contains(res.stderr, "address already in use") {
		t.Fatalf("second process on the STUN port: exit %d, stderr:\n%s", res.code, res.stderr)
	}
	sc.checkNoErrorLines()
	sc.stop()
}

// stunBinding sends a bare RFC 8489 Binding request from conn to addr and
// returns the XOR-MAPPED-ADDRESS of the reply, decoded by hand so this test
// depends on no STUN library.
func stunBinding(t *testing.T, conn *net.UDPConn, addr string, id byte) string {
	t.Helper()
	dst, err := net.ResolveUDPAddr("udp4", addr)
	if err != nil {
		t.Fatal(err)
	}
	req := []byte{0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42, id, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}
	if _, err := conn.WriteToUDP(req, dst); err != nil {
		t.Fatal(err)
	}
	_ = conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	buf := make([]byte, 1500)
	n, _, err := conn.ReadFromUDP(buf)
	if err != nil {
		t.Fatalf("no reply from %s: %v", addr, err)
	}
	b := buf[:n]
	if n < 20 || b[0] != 0x01 || b[1] != 0x01 || string(b[8:20]) != string(req[8:20]) {
		t.Fatalf("not a Binding success for our transaction: % x", b)
	}
	for off := 20; off+4 <= n; {
		typ, l := int(b[off])<<8|int(b[off+1]), int(b[off+2])<<8|int(b[off+3])
		v := b[off+4 : min(off+4+l, n)]
		if typ == 0x0020 && len(v) == 8 && v[1] == 0x01 {
			port := (int(v[2])<<8 | int(v[3])) ^ 0x2112
			ip := net.IPv4(v[4]^0x21, v[5]^0x12, v[6]^0xa4, v[7]^0x42)
			return net.JoinHostPort(ip.String(), strconv.Itoa(port))
		}
		off += 4 + (l+3)&^3
	}
	t.Fatalf("no IPv4 XOR-MAPPED-ADDRESS in % x", b)
	return ""
}
