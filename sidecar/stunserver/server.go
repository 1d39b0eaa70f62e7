package stunserver

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/netip"
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"

	"github.com/webp2p/srs-p2p/internal/srslog"
)

// Addrs are the addresses a Server is bound to, with any port 0 resolved.
type Addrs struct {
	UDP    netip.AddrPort // main port, UDP (every reuseport socket)
	AltUDP netip.AddrPort // the NAT mapping check's second port
	TCP    netip.AddrPort // main port, TCP
}

// Server answers STUN Binding requests on UDP (two ports) and TCP.
type Server struct {
	cfg     Config
	log     *slog.Logger
	ctx     context.Context // carries the server's cid for log lines
	metrics *serverMetrics
	limiter *limiter
	socks   *sockets
	addrs   Addrs
	epoch   time.Time // zero of the server clock (monotonic)

	done      chan struct{} // closed by Close
	closeOnce sync.Once
	closeErr  error
	wg        sync.WaitGroup // every goroutine of the server

	tcpMu     sync.Mutex
	tcpConns  map[*net.TCPConn]struct{}
	tcpClosed bool
}

// New validates cfg, binds every socket (so a port in use fails here),
// starts one read loop per UDP socket and the TCP accept loop, and returns.
// Close stops them.
func New(cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	socks, err := listenAll(cfg)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:   cfg,
		log:   cfg.Logger,
		ctx:   srslog.NewContext(context.Background()),
		socks: socks,
		addrs: Addrs{
			UDP:    udpAddrPort(socks.main[0]),
			AltUDP: udpAddrPort(socks.alt[0]),
			TCP:    socks.tcp.Addr().(*net.TCPAddr).AddrPort(),
		},
		epoch:    time.Now(),
		done:     make(chan struct{}),
		tcpConns: make(map[*net.TCPConn]struct{}),
	}
	s.metrics = newServerMetrics(s.tcpConnCount)
	s.limiter = newLimiter(cfg.Rate, cfg.Burst, cfg.MaxSources, s.metrics.limitedSources, s.metrics.evictions)
	for _, c := range socks.main {
		s.wg.Add(1)
		go s.serveUDP(c, s.metrics.requestsMainUDP)
	}
	for _, c := range socks.alt {
		s.wg.Add(1)
		go s.serveUDP(c, s.metrics.requestsAltUDP)
	}
	s.wg.Add(1)
	go s.acceptTCP(socks.tcp)
	s.log.InfoContext(s.ctx, "stun: listening",
		"udp", s.addrs.UDP.String(), "alt_udp", s.addrs.AltUDP.String(), "tcp", s.addrs.TCP.String(),
		"sockets", cfg.Sockets, "rate", cfg.Rate, "burst", cfg.Burst,
		"max_sources", cfg.MaxSources, "software_len", len(cfg.Software))
	return s, nil
}

// Addrs returns the bound addresses.
func (s *Server) Addrs() Addrs { return s.addrs }

// Metrics returns the server's own metrics set (srs_p2p_stun_*), for the
// caller to register with metrics.RegisterSet and unregister after Close.
func (s *Server) Metrics() *metrics.Set { return s.metrics.set }

// Close closes every socket and connection and waits for every goroutine
// of the server to return. Later calls return the first call's result.
func (s *Server) Close() error {
	s.closeOnce.Do(func() {
		close(s.done)
		err := s.socks.close()
		s.tcpMu.Lock()
		s.tcpClosed = true
		for c := range s.tcpConns {
			_ = c.Close()
		}
		s.tcpMu.Unlock()
		s.wg.Wait()
		if err != nil {
			s.closeErr = err
		}
		s.log.InfoContext(s.ctx, "stun: closed")
	})
	return s.closeErr
}

// now is the server clock in nanoseconds, for the rate limiter.
func (s *Server) now() int64 { return int64(time.Since(s.epoch)) }

// closing reports whether Close has begun.
func (s *Server) closing() bool {
	select {
	case <-s.done:
		return true
	default:
		return false
	}
}

// stopped reports whether err means the socket is gone for good.
func (s *Server) stopped(err error) bool {
	return s.closing() || errors.Is(err, net.ErrClosed)
}

// backoff waits a little after the n-th error in a row of a socket, so a
// persistent error (out of memory, out of file descriptors) cannot spin a
// core. It returns false when the server is closing.
func (s *Server) backoff(n int) bool {
	d := time.Millisecond << min(n, 10) // 1 ms .. about 1 s
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-s.done:
		return false
	case <-t.C:
		return true
	}
}

// errorLog logs socket errors at most once a minute per loop: a broken
// socket must not flood the log.
type errorLog struct {
	last time.Time
}

func (e *errorLog) log(s *Server, op string, local net.Addr, err error) {
	if now := time.Now(); e.last.IsZero() || now.Sub(e.last) >= time.Minute {
		e.last = now
		s.log.WarnContext(s.ctx, "stun: socket error", "op", op, "local", local.String(), "err", err.Error())
	}
}
