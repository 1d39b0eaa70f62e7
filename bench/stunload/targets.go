package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
)

const (
	// startTimeout bounds a server's start, until it answers a request.
	startTimeout = 15 * time.Second
)

// target is a running STUN server process under test.
type target struct {
	name string
	pid  int
	addr netip.AddrPort // the UDP address to load
	stop func() error   // idempotent; nil error only for a clean exit
}

// process wraps a child so it is killed on every path: Pdeathsig if this
// program dies, stop() otherwise.
// startServerProgram runs the stunload server program, srs-p2p's STUN
// service alone (name "srs-p2p") or the floor reference (name "floor", see
// server/floor.go), and reads the address it prints.
func startServerProgram(ctx context.Context, name, bin string, sockets int) (*target, error) {
	args := []string{"-listen", "127.0.0.1:0", "-alt-listen", "127.0.0.1:0", "-sockets", strconv.Itoa(sockets)}
	if name == "floor" {
		args = append(args, "-floor")
	}
	cmd := exec.Command(bin, args...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	var stderr tail
	cmd.Stderr = &stderr
	p, err := benchutil.StartProcess(cmd)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	fail := func(err error) (*target, error) {
		_ = p.Stop()
		return nil, fmt.Errorf("%s: %w; its stderr: %s", bin, err, stderr.String())
	}
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(io.LimitReader(stdout, 4096))
		if s.Scan() {
			line <- s.Text()
		}
		close(line)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	var addr netip.AddrPort
	select {
	case l, ok := <-line:
		if !ok {
			return fail(errors.New("exited before printing its address"))
		}
		if addr, err = parseServerLine(l); err != nil {
			return fail(err)
		}
	case <-time.After(startTimeout):
		return fail(fmt.Errorf("no address printed within %v", startTimeout))
	case <-ctx.Done():
		return fail(ctx.Err())
	}
	if err := waitAnswering(ctx, addr, p.Exited()); err != nil {
		return fail(err)
	}
	return &target{name: name, pid: p.PID(), addr: addr, stop: p.Stop}, nil
}

// parseServerLine reads "udp=127.0.0.1:40001 alt_udp=... tcp=..." and
// returns the udp address.
func parseServerLine(l string) (netip.AddrPort, error) {
	for f := range strings.FieldsSeq(l) {
		if v, ok := strings.CutPrefix(f, "udp="); ok {
			return netip.ParseAddrPort(v)
		}
	}
	return netip.AddrPort{}, fmt.Errorf("no udp= in %q", l)
}

// coturnArgs are the flags for a like-for-like STUN-only coturn,
// on loopback, with every other listener and the CLI off, files in dir.
func coturnArgs(port int, dir string) []string {
	return []string{
		"-n", // no config file
		"--stun-only", "--no-rfc5780", "--no-stun-backward-compatibility",
		"--response-origin-only-with-rfc5780",
		"--listening-ip", "127.0.0.1", "--listening-port", strconv.Itoa(port),
		"--no-tls", "--no-dtls", "--no-cli",
		"--log-file", filepath.Join(dir, "turnserver.log"), "--simple-log", "--no-stdout-log",
		"--pidfile", filepath.Join(dir, "turnserver.pid"),
	}
}

// startCoturn runs turnserver on a free loopback port.
func startCoturn(ctx context.Context, bin, dir string) (*target, error) {
	port, err := freePort()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, coturnArgs(port, dir)...)
	var out tail
	cmd.Stdout, cmd.Stderr = &out, &out
	p, err := benchutil.StartProcess(cmd)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	addr := netip.AddrPortFrom(netip.MustParseAddr("127.0.0.1"), uint16(port))
	if err := waitAnswering(ctx, addr, p.Exited()); err != nil {
		_ = p.Stop()
		log, _ := os.ReadFile(filepath.Join(dir, "turnserver.log"))
		return nil, fmt.Errorf("turnserver: %w; output: %s; log tail: %s", err, out.String(), lastBytes(log, 2000))
	}
	return &target{name: "coturn", pid: p.PID(), addr: addr, stop: p.Stop}, nil
}

// freePort finds a port free for UDP and TCP on 127.0.0.1 (turnserver
// listens on both). Another program could take it before turnserver
// binds; startCoturn then fails and says so.
func freePort() (int, error) {
	for range 20 {
		pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
		if err != nil {
			return 0, err
		}
		port := pc.LocalAddr().(*net.UDPAddr).Port
		ln, err := net.Listen("tcp4", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		pc.Close()
		if err == nil {
			ln.Close()
			return port, nil
		}
	}
	return 0, errors.New("no port free for both UDP and TCP on 127.0.0.1")
}

// waitAnswering sends Binding requests to addr every 50 ms until one is
// answered correctly, the process exits, or startTimeout passes.
func waitAnswering(ctx context.Context, addr netip.AddrPort, exited <-chan struct{}) error {
	c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(addr))
	if err != nil {
		return err
	}
	defer c.Close()
	local := c.LocalAddr().(*net.UDPAddr).AddrPort()
	deadline := time.Now().Add(startTimeout)
	req := make([]byte, headerSize)
	buf := make([]byte, 2048)
	for seq := uint64(0); time.Now().Before(deadline); seq++ {
		select {
		case <-exited:
			return errors.New("exited during start")
		case <-ctx.Done():
			return ctx.Err()
		default:
		}
		putRequest(req, 0xFFFFFFFF, seq)
		_, _ = c.Write(req) // ECONNREFUSED until it listens
		_ = c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		if n, err := c.Read(buf); err == nil {
			if _, _, err := checkReply(buf[:n], local); err == nil {
				return nil
			}
		}
	}
	return fmt.Errorf("no correct reply from %v within %v", addr, startTimeout)
}

// tail keeps the last few KB written to it (a child's output). exec's
// copying goroutine writes it while we may read it, hence the mutex.
type tail struct {
	mu sync.Mutex
	b  []byte
}

func (t *tail) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if len(t.b) > 8192 {
		t.b = append(t.b[:0], t.b[len(t.b)-4096:]...)
	}
	return len(p), nil
}

func (t *tail) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.b))
}

func lastBytes(b []byte, n int) string {
	return strings.TrimSpace(string(b[max(0, len(b)-n):]))
}

// startSidecarSTUN runs the srs-p2p binary and finds its STUN address in
// the "stun: listening udp=..." line it logs before "http: listening".
func startSidecarSTUN(ctx context.Context, bin string, settings map[string]string) (*target, error) {
	sc, err := benchutil.StartSidecar(ctx, bin, settings)
	if err != nil {
		return nil, err
	}
	var addr netip.AddrPort
	for l := range strings.SplitSeq(sc.Recent(), "\n") {
		if strings.Contains(l, "stun: listening") {
			addr, err = parseServerLine(l)
			break
		}
	}
	if err == nil && !addr.IsValid() {
		err = errors.New(`no "stun: listening" line in its log; does this binary serve STUN?`)
	}
	if err == nil {
		err = waitAnswering(ctx, addr, sc.Exited())
	}
	if err != nil {
		_ = sc.Stop()
		return nil, fmt.Errorf("%s: %w; its last lines:\n%s", bin, err, sc.Recent())
	}
	return &target{name: "srs-p2p", pid: sc.PID(), addr: addr, stop: sc.Stop}, nil
}
