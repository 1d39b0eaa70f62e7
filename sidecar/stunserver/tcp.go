package stunserver

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"net"
	"time"
)

// acceptTCP accepts connections on the main port until the listener is
// closed. Over MaxTCPConns, a new connection is closed at once.
func (s *Server) acceptTCP(ln *net.TCPListener) {
	defer s.wg.Done()
	var errLog errorLog
	errs := 0
	for {
		c, err := ln.AcceptTCP()
		if err != nil {
			if s.stopped(err) {
				return
			}
			s.metrics.acceptErrors.Inc()
			errLog.log(s, "accept", ln.Addr(), err)
			errs++
			if !s.backoff(errs) { // EMFILE and friends: wait for a close
				return
			}
			continue
		}
		errs = 0
		if !s.trackTCP(c) {
			s.metrics.tcpRejected.Inc()
			_ = c.Close()
			continue
		}
		s.wg.Add(1) // this goroutine's own count keeps the group above zero
		go s.serveTCP(c)
	}
}

// trackTCP records c so Close can close it, unless the server is closing
// or at MaxTCPConns.
func (s *Server) trackTCP(c *net.TCPConn) bool {
	s.tcpMu.Lock()
	defer s.tcpMu.Unlock()
	if s.tcpClosed || len(s.tcpConns) >= s.cfg.MaxTCPConns {
		return false
	}
	s.tcpConns[c] = struct{}{}
	return true
}

func (s *Server) untrackTCP(c *net.TCPConn) {
	s.tcpMu.Lock()
	delete(s.tcpConns, c)
	s.tcpMu.Unlock()
	_ = c.Close()
}

func (s *Server) tcpConnCount() float64 {
	s.tcpMu.Lock()
	defer s.tcpMu.Unlock()
	return float64(len(s.tcpConns))
}

// serveTCP answers the requests of one connection in order. STUN over TCP
// is framed by the header's length field (RFC 8489 §6.2.2), so a frame
// that is not STUN, or too long, leaves no way to find the next one and
// closes the connection; anything else dropped just gets no reply.
func (s *Server) serveTCP(c *net.TCPConn) {
	defer s.wg.Done()
	defer s.untrackTCP(c)
	src := c.RemoteAddr().(*net.TCPAddr).AddrPort()
	br := bufio.NewReaderSize(c, maxRequest)
	buf := make([]byte, maxRequest)
	reply := make([]byte, 0, maxResponse)
	r := newResponder(s.limiter, s.cfg.Software)
	r.unbounded = true
	var t tally
	defer s.metrics.flush(&t, s.metrics.requestsTCP)
	for {
		s.metrics.flush(&t, s.metrics.requestsTCP)
		_ = c.SetReadDeadline(time.Now().Add(s.cfg.TCPIdleTimeout))
		if _, err := io.ReadFull(br, buf[:headerSize]); err != nil {
			return // EOF, idle timeout, reset or Close
		}
		t.requests++
		t.bytesIn += headerSize
		n, o := tcpFrameLength(buf[:headerSize])
		if o != outSuccess {
			t.outcomes[o]++
			return
		}
		if _, err := io.ReadFull(br, buf[headerSize:headerSize+n]); err != nil {
			return
		}
		t.bytesIn += uint64(n)
		out, o := r.respond(buf[:headerSize+n], src, s.now(), reply[:0])
		t.outcomes[o]++
		if !o.replied() {
			continue
		}
		_ = c.SetWriteDeadline(time.Now().Add(s.cfg.TCPIdleTimeout))
		if _, err := c.Write(out); err != nil {
			if !s.stopped(err) && !errors.Is(err, io.EOF) {
				t.writeErrors++
			}
			return
		}
		t.bytesOut += uint64(len(out))
	}
}

// tcpFrameLength checks a STUN header read from a stream and returns the
// length of the body that follows it.
func tcpFrameLength(h []byte) (int, outcome) {
	if h[0]&0xC0 != 0 || binary.BigEndian.Uint32(h[4:8]) != magicCookie {
		return 0, dropNotSTUN
	}
	n := int(binary.BigEndian.Uint16(h[2:4]))
	switch {
	case n%4 != 0:
		return 0, dropMalformed
	case headerSize+n > maxRequest:
		return 0, dropTooBig
	}
	return n, outSuccess
}
