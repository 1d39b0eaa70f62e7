package stunserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

const (
	// socketReadBuffer is asked of every UDP socket so a burst is queued
	// rather than lost; the kernel caps it at net.core.rmem_max.
	socketReadBuffer = 4 << 20
	// bindAttempts bounds retries when a port picked for ":0" turns out
	// to be taken for TCP, or for the other sockets of the group.
	bindAttempts = 8
)

// sockets are every listener of a Server.
type sockets struct {
	main []*net.UDPConn // share one port through SO_REUSEPORT
	alt  []*net.UDPConn
	tcp  *net.TCPListener // on main's port
}

func (s *sockets) close() error {
	var errs []error
	for _, c := range s.main {
		errs = append(errs, c.Close())
	}
	for _, c := range s.alt {
		errs = append(errs, c.Close())
	}
	if s.tcp != nil {
		errs = append(errs, s.tcp.Close())
	}
	return errors.Join(errs...)
}

// listenAll binds every socket of cfg. Only a port 0 is retried, with a
// fresh port, when a later socket cannot have the port the first got.
func listenAll(cfg Config) (*sockets, error) {
	mainAP, _ := parseListen(cfg.Listen) // validated
	altAP, _ := parseListen(cfg.AltListen)
	picked := mainAP.Port() == 0 || altAP.Port() == 0
	for attempt := 1; ; attempt++ {
		s, err := tryListenAll(cfg)
		if err == nil {
			return s, nil
		}
		if !picked || !errors.Is(err, syscall.EADDRINUSE) || attempt == bindAttempts {
			return nil, err
		}
	}
}

func tryListenAll(cfg Config) (*sockets, error) {
	s := &sockets{}
	var err error
	if s.main, err = listenUDPGroup(cfg.Listen, cfg.Sockets); err != nil {
		return nil, err
	}
	tcpAddr := withPort(cfg.Listen, s.main[0])
	var lc net.ListenConfig
	ln, err := lc.Listen(context.Background(), "tcp", tcpAddr)
	if err != nil {
		_ = s.close()
		return nil, fmt.Errorf("stunserver: listen tcp %s: %w", tcpAddr, err)
	}
	s.tcp = ln.(*net.TCPListener)
	if s.alt, err = listenUDPGroup(cfg.AltListen, cfg.Sockets); err != nil {
		_ = s.close()
		return nil, err
	}
	return s, nil
}

// listenUDPGroup binds n UDP sockets on one port. The first is bound
// without SO_REUSEPORT, so that it fails if anything (another srs-p2p
// included) holds the port and so that port 0 gets a port nobody shares;
// then it joins a reuseport group that the others join by binding with the
// option set (Linux lets a bound socket enable it for later binds).
func listenUDPGroup(addr string, n int) ([]*net.UDPConn, error) {
	var plain net.ListenConfig
	pc, err := plain.ListenPacket(context.Background(), "udp", addr)
	if err != nil {
		return nil, fmt.Errorf("stunserver: listen udp %s: %w", addr, err)
	}
	first := pc.(*net.UDPConn)
	conns := []*net.UDPConn{first}
	fail := func(err error) ([]*net.UDPConn, error) {
		for _, c := range conns {
			_ = c.Close()
		}
		return nil, err
	}
	if err := setReusePort(first); err != nil {
		return fail(fmt.Errorf("stunserver: SO_REUSEPORT on %s: %w", first.LocalAddr(), err))
	}
	shared := withPort(addr, first)
	reuse := net.ListenConfig{Control: reusePortControl}
	for len(conns) < n {
		pc, err := reuse.ListenPacket(context.Background(), "udp", shared)
		if err != nil {
			return fail(fmt.Errorf("stunserver: listen udp %s (socket %d of %d): %w", shared, len(conns)+1, n, err))
		}
		conns = append(conns, pc.(*net.UDPConn))
	}
	for _, c := range conns {
		_ = c.SetReadBuffer(socketReadBuffer) // best effort: capped by the kernel
	}
	return conns, nil
}

// withPort is addr's host with the port c is bound to.
func withPort(addr string, c *net.UDPConn) string {
	host, _, _ := net.SplitHostPort(addr) // validated
	return net.JoinHostPort(host, strconv.Itoa(c.LocalAddr().(*net.UDPAddr).Port))
}

func setReusePort(c *net.UDPConn) error {
	rc, err := c.SyscallConn()
	if err != nil {
		return err
	}
	return reusePortControl("", "", rc)
}

func reusePortControl(_, _ string, rc syscall.RawConn) error {
	var serr error
	err := rc.Control(func(fd uintptr) {
		serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEPORT, 1)
	})
	if err != nil {
		return err
	}
	return serr
}

// udpAddrPort is the bound address of c.
func udpAddrPort(c *net.UDPConn) netip.AddrPort {
	return c.LocalAddr().(*net.UDPAddr).AddrPort()
}
