package tracker

import (
	"errors"
	"os"
	"time"

	"github.com/gobwas/ws"
)

// closeLinger bounds how long a connection waits for its client to close
// after the tracker sent a close frame, so that unread client bytes do not
// turn the close into a reset that could destroy the close frame in flight.
const closeLinger = 2 * time.Second

// serveConn is c's only goroutine: it reads messages, handles them,
// flushes what they queued before it waits again, and cleans up.
func (s *Server) serveConn(c *conn) {
	defer s.wg.Done()
	defer s.m.conns.Add(-1)
	for s.serveNext(c) {
	}
	s.releaseBatch(c)
	c.rd.release()
	c.wmu.Lock()
	c.done = true
	putOutbox(c.out)
	c.out = nil
	c.wmu.Unlock()
	_ = c.nc.Close()
	s.forget(c)
}

// serveNext handles the next message or control frame; false ends c.
func (s *Server) serveNext(c *conn) bool {
	op, p, err := c.rd.next()
	if err != nil {
		s.readFailed(c, err)
		return false
	}
	switch op {
	case ws.OpText, ws.OpBinary:
		readAt := time.Now()
		if !s.allowMessage(c) {
			s.fail(c, actionAnnounce, reasonRateLimited, "")
			s.dispatch(c.batch())
			return true
		}
		s.handle(c, p, readAt)
	case ws.OpPing:
		s.queue(c.batch(), c, ws.OpPong, p, time.Time{})
	case ws.OpClose:
		s.answerClose(c, p)
		return false
	}
	return true
}

// beforeRead runs before c's reader may block: what the messages read so
// far produced goes out, and the read deadline is armed.
func (s *Server) beforeRead(c *conn) {
	s.releaseBatch(c)
	timeout := s.cfg.ReadTimeout
	if c.hasPeers.Load() {
		timeout = s.cfg.IdleTimeout
	}
	// The deadline is armed with 1/16 of slack and re-armed only once that
	// slack is used up: a client silent for the timeout is closed within
	// 1/16 more, and a busy one does not reset a timer for every read.
	now := time.Now()
	slack := timeout / 16
	if timeout == c.armedFor && now.Sub(c.armedAt) < slack {
		return
	}
	_ = c.nc.SetReadDeadline(now.Add(timeout + slack))
	c.armedAt, c.armedFor = now, timeout
}

// readFailed ends c after a read error: protocol failures get a close
// frame with their code, timeouts are counted, a gone client is just gone.
func (s *Server) readFailed(c *conn, err error) {
	var ce *closeError
	switch {
	case errors.As(err, &ce):
		if ce == errMessageTooBig {
			s.m.closed[closeFrameTooLarge].Inc()
		}
		s.closeWith(c, ws.NewCloseFrameBody(ce.code, ""))
	case errors.Is(err, os.ErrDeadlineExceeded):
		s.m.closed[closeTimeout].Inc()
	}
}

// answerClose answers the client's close frame with the same status.
func (s *Server) answerClose(c *conn, p []byte) {
	var body []byte
	switch {
	case len(p) == 1:
		body = ws.NewCloseFrameBody(ws.StatusProtocolError, "")
	case len(p) >= 2:
		code, reason := ws.ParseCloseFrameData(p)
		if ws.CheckCloseFrameData(code, reason) != nil {
			code, reason = ws.StatusProtocolError, ""
		}
		body = ws.NewCloseFrameBody(code, reason)
	}
	s.closeWith(c, body)
}

// closeWith sends a close frame and waits, briefly, for the client to
// close its side.
func (s *Server) closeWith(c *conn, body []byte) {
	s.queueClose(c.batch(), c, body)
	s.releaseBatch(c)
	_ = c.nc.SetReadDeadline(time.Now().Add(closeLinger))
	var sink [256]byte
	for {
		if _, err := c.nc.Read(sink[:]); err != nil {
			return
		}
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
