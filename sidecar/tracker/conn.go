package tracker

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gobwas/ws"
	"github.com/webp2p/srs-p2p/internal/srslog"
	"github.com/webp2p/srs-p2p/internal/streamtoken"
)

// conn is one WebSocket client, served by one goroutine (serveConn) that
// reads, handles and flushes. Reader-owned fields are touched only by it;
// peers is guarded by Server.mu; the sending side by wmu (see send.go).
type conn struct {
	id     uint64
	nc     net.Conn
	raw    syscall.RawConn // nil when nc is no plain socket (TLS): writes go to a writer goroutine
	prefix netip.Prefix
	tok    *streamtoken.Token

	// reader-owned
	rd       msgReader
	b        *batch
	logCtx   context.Context // made on first use: a log context with a cid
	tokens   float64
	lastFill time.Time
	armedAt  time.Time // when the read deadline was last set
	armedFor time.Duration

	peers    []*peer     // one per swarm; Server.mu
	served   bool        // nc is set and serveConn runs; Server.mu
	hasPeers atomic.Bool // len(peers) > 0, for the reader's timeout choice

	wmu      sync.Mutex
	out      *outbox
	inFlight int  // frames a writer took from out and is writing
	writing  bool // a goroutine is writing c's outbox
	closing  bool // a close frame is queued: nothing more is
	done     bool // the connection ended: drop everything
}

// ServeHTTP upgrades GET /p2p/v1/tracker to a WebSocket and serves it until
// the client leaves, a limit or timeout closes it, or the Server closes.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		w.Header().Set("Allow", http.MethodGet)
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	if !s.originAllowed(r.Header.Get("Origin")) {
		s.m.rejected[rejectOrigin].Inc()
		http.Error(w, "origin not allowed", http.StatusForbidden)
		return
	}
	var tok *streamtoken.Token
	if len(s.cfg.TokenSecret) > 0 {
		var err error
		if tok, err = streamtoken.Parse(r.URL.Query().Get("token"), s.now()); err != nil {
			s.m.rejected[rejectToken].Inc()
			http.Error(w, err.Error(), http.StatusUnauthorized)
			return
		}
	}
	c := &conn{tok: tok}
	if reason := s.admit(c); reason != "" {
		s.m.rejected[reason].Inc()
		http.Error(w, "tracker busy", http.StatusServiceUnavailable)
		return
	}
	if code, msg := checkUpgrade(w, r); code != 0 {
		s.unadmit(c)
		http.Error(w, msg, code)
		return
	}
	upgrader := ws.HTTPUpgrader{Timeout: s.cfg.WriteTimeout}
	nc, rw, _, err := upgrader.Upgrade(r, w)
	if err != nil {
		if nc != nil {
			_ = nc.Close()
		}
		s.unadmit(c)
		return
	}
	c.nc = nc
	if sc, ok := nc.(syscall.Conn); ok && rawIO {
		c.raw, _ = sc.SyscallConn()
	}
	c.prefix = s.remotePrefix(r.RemoteAddr)
	c.lastFill = s.now()
	c.tokens = 2 * s.cfg.MessagesPerSecond
	c.rd = msgReader{src: nc, raw: c.raw, pool: s.bufs, limit: int(s.cfg.MaxFrameBytes), beforeRead: func() { s.beforeRead(c) }}
	if n := rw.Reader.Buffered(); n > 0 { // the client did not wait for our 101
		b, _ := rw.Reader.Peek(n)
		c.rd.preload(b)
	}

	s.mu.Lock()
	closed := s.closed
	c.served = !closed
	s.mu.Unlock()
	if closed { // Close ran between admit and here and did not see nc
		_ = nc.Close()
		c.rd.release()
		s.unadmitUpgraded(c)
		return
	}
	// A fresh goroutine: the HTTP server's, with its deep stack and
	// buffers, ends here.
	go s.serveConn(c)
}

// checkUpgrade checks the WebSocket handshake before the connection is
// hijacked, with the statuses clients got from this tracker before.
func checkUpgrade(w http.ResponseWriter, r *http.Request) (int, string) {
	if !r.ProtoAtLeast(1, 1) {
		return http.StatusUpgradeRequired, "websocket: HTTP/1.1 required"
	}
	if !headerHasToken(r.Header, "Connection", "upgrade") || !headerHasToken(r.Header, "Upgrade", "websocket") {
		w.Header().Set("Connection", "Upgrade")
		w.Header().Set("Upgrade", "websocket")
		return http.StatusUpgradeRequired, "websocket: upgrade required"
	}
	if r.Header.Get("Sec-WebSocket-Version") != "13" {
		w.Header().Set("Sec-WebSocket-Version", "13")
		return http.StatusBadRequest, "websocket: unsupported version"
	}
	if keys := r.Header.Values("Sec-WebSocket-Key"); len(keys) != 1 || len(strings.TrimSpace(keys[0])) != 24 {
		return http.StatusBadRequest, "websocket: bad Sec-WebSocket-Key"
	}
	return 0, ""
}

func headerHasToken(h http.Header, name, token string) bool {
	for _, v := range h.Values(name) {
		for t := range strings.SplitSeq(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}

// admit registers c unless the Server is closed or full; it returns the
// rejection reason or "".
func (s *Server) admit(c *conn) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed || len(s.conns) >= s.cfg.MaxConns {
		return rejectMaxConns
	}
	s.nextConn++
	c.id = s.nextConn
	s.conns[c] = struct{}{}
	s.wg.Add(1)
	s.m.conns.Add(1)
	return ""
}

// unadmit undoes admit for a failed handshake.
func (s *Server) unadmit(c *conn) {
	s.m.rejected[rejectHandshake].Inc()
	s.unadmitUpgraded(c)
}

func (s *Server) unadmitUpgraded(c *conn) {
	s.forget(c)
	s.m.conns.Add(-1)
	s.wg.Done()
}

// forget removes c and every peer it announced.
func (s *Server) forget(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
	ps := c.peers
	c.peers = nil
	for _, p := range ps {
		s.removePeer(p)
	}
}

func (s *Server) originAllowed(origin string) bool {
	if len(s.cfg.AllowedOrigins) == 0 || slices.Contains(s.cfg.AllowedOrigins, "*") {
		return true
	}
	return slices.ContainsFunc(s.cfg.AllowedOrigins, func(o string) bool { return strings.EqualFold(o, origin) })
}

func (s *Server) remotePrefix(remote string) netip.Prefix {
	host, _, err := net.SplitHostPort(remote)
	if err != nil {
		return netip.Prefix{}
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return netip.Prefix{}
	}
	return networkPrefix(addr, s.cfg.IPv4PrefixBits, s.cfg.IPv6PrefixBits)
}

// logContext is c's log context, with a context id of its own.
func (c *conn) logContext(parent context.Context) context.Context {
	if c.logCtx == nil {
		c.logCtx = srslog.NewContext(parent)
	}
	return c.logCtx
}

// peerIn is c's peer in swarm ih, or nil. Server.mu is held.
func (c *conn) peerIn(ih string) *peer {
	for _, p := range c.peers {
		if p.sw.infoHash == ih {
			return p
		}
	}
	return nil
}

func (c *conn) addPeer(p *peer) {
	c.peers = append(c.peers, p)
	c.hasPeers.Store(true)
}

func (c *conn) dropPeer(p *peer) {
	if i := slices.Index(c.peers, p); i >= 0 {
		c.peers = slices.Delete(c.peers, i, i+1)
		if len(c.peers) == 0 {
			c.peers = nil
			c.hasPeers.Store(false)
		}
	}
}
