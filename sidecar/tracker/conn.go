package tracker

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
	"github.com/webp2p/srs-p2p/internal/srslog"
	"github.com/webp2p/srs-p2p/internal/streamtoken"
)

// conn is one WebSocket client. The reader goroutine (the HTTP handler's)
// owns the rate bucket; peers is guarded by Server.mu; send is drained by
// the writer goroutine.
type conn struct {
	id     uint64
	ws     *websocket.Conn
	ctx    context.Context // log context with the connection's cid
	prefix netip.Prefix
	tok    *streamtoken.Token

	// Outgoing frames. A writer goroutine runs only while the queue is not
	// empty, so an idle peer costs no goroutine beyond its reader.
	qmu     sync.Mutex
	queue   []outFrame
	writing bool
	done    bool // the reader ended: drop everything

	peers map[string]*peer // one peer per swarm, by info_hash; Server.mu

	tokens   float64
	lastFill time.Time
}

// outFrame is a frame queued for a client; relayed frames carry when the
// tracker read the frame they relay, for the relay latency histogram.
type outFrame struct {
	data   []byte
	readAt time.Time
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
	c := &conn{tok: tok, peers: map[string]*peer{}}
	if reason := s.admit(c); reason != "" {
		s.m.rejected[reason].Inc()
		http.Error(w, "tracker busy", http.StatusServiceUnavailable)
		return
	}
	defer s.wg.Done()
	defer s.m.conns.Add(-1)

	ws, err := websocket.Accept(w, r, &websocket.AcceptOptions{
		InsecureSkipVerify: true, // the Origin was checked above, against our own list
		CompressionMode:    websocket.CompressionDisabled,
	})
	if err != nil {
		s.m.rejected[rejectHandshake].Inc()
		s.forget(c)
		return
	}
	ws.SetReadLimit(s.cfg.MaxFrameBytes)
	c.ctx = srslog.NewContext(s.ctx)
	c.prefix = s.remotePrefix(r.RemoteAddr)
	c.lastFill = s.now()
	c.tokens = 2 * s.cfg.MessagesPerSecond

	s.mu.Lock()
	c.ws = ws
	closed := s.closed
	s.mu.Unlock()
	if closed { // Close ran between admit and here and did not see ws
		ws.CloseNow()
		s.forget(c)
		return
	}
	s.readLoop(c)
	c.qmu.Lock()
	c.done, c.queue = true, nil
	c.qmu.Unlock()
	ws.CloseNow()
	s.forget(c)
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

// forget removes c and every peer it announced.
func (s *Server) forget(c *conn) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.conns, c)
	for _, p := range c.peers {
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

func (s *Server) readLoop(c *conn) {
	for {
		timeout := s.cfg.ReadTimeout
		s.mu.Lock()
		if len(c.peers) > 0 {
			timeout = s.cfg.IdleTimeout
		}
		s.mu.Unlock()
		ctx, cancel := context.WithTimeout(s.ctx, timeout)
		_, data, err := c.ws.Read(ctx)
		timedOut := ctx.Err() == context.DeadlineExceeded
		cancel()
		if err != nil {
			switch {
			case errors.Is(err, websocket.ErrMessageTooBig):
				s.m.closed[closeFrameTooLarge].Inc()
			case timedOut:
				s.m.closed[closeTimeout].Inc()
			}
			return
		}
		readAt := time.Now()
		if !s.allowMessage(c) {
			s.fail(c, actionAnnounce, reasonRateLimited, "")
			continue
		}
		s.handle(c, data, readAt)
	}
}

// allowMessage takes one token from the connection's bucket.
func (s *Server) allowMessage(c *conn) bool {
	now := s.now()
	burst := 2 * s.cfg.MessagesPerSecond
	c.tokens += now.Sub(c.lastFill).Seconds() * s.cfg.MessagesPerSecond
	c.tokens = min(c.tokens, burst)
	c.lastFill = now
	if c.tokens < 1 {
		return false
	}
	c.tokens--
	return true
}

// writeLoop sends queued frames until the queue is empty. It is started by
// enqueue; the connection's reader is running (so Close waits for it too).
func (s *Server) writeLoop(c *conn) {
	defer s.wg.Done()
	for {
		c.qmu.Lock()
		if len(c.queue) == 0 || c.done {
			c.writing = false
			c.queue = nil // release the backing array of a burst
			c.qmu.Unlock()
			return
		}
		f := c.queue[0]
		c.queue[0] = outFrame{}
		c.queue = c.queue[1:]
		c.qmu.Unlock()
		ctx, cancel := context.WithTimeout(s.ctx, s.cfg.WriteTimeout)
		err := c.ws.Write(ctx, websocket.MessageText, f.data)
		cancel()
		if err != nil {
			c.ws.CloseNow() // the reader sees it and cleans up
			c.qmu.Lock()
			c.done, c.writing, c.queue = true, false, nil
			c.qmu.Unlock()
			return
		}
		if !f.readAt.IsZero() {
			s.m.relayLatency.UpdateDuration(f.readAt)
		}
	}
}

// enqueue queues a frame for c without blocking; a full queue drops it.
// Callers run on c's reader or hold Server.mu while c is registered, so
// c's ServeHTTP is still running and Close cannot have finished waiting.
func (s *Server) enqueue(c *conn, data []byte, readAt time.Time) bool {
	c.qmu.Lock()
	defer c.qmu.Unlock()
	if c.done || len(c.queue) >= s.cfg.SendQueue {
		s.m.dropped.Inc()
		return false
	}
	c.queue = append(c.queue, outFrame{data: data, readAt: readAt})
	if !c.writing {
		c.writing = true
		s.wg.Add(1)
		go s.writeLoop(c)
	}
	return true
}

// fail sends a failure frame carrying action, reason and info_hash.
func (s *Server) fail(c *conn, action, reason, infoHash string) {
	s.m.failures[reason].Inc()
	if action != actionScrape {
		action = actionAnnounce
	}
	s.enqueue(c, encode(failureReply{Action: action, Reason: failureText[reason], InfoHash: encodeBinary(infoHash)}), time.Time{})
}
