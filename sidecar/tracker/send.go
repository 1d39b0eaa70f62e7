package tracker

import (
	"encoding/binary"
	"errors"
	"os"
	"sync"
	"time"

	"github.com/gobwas/ws"
)

// Sending. Frames for a connection are appended to its outbox (bounded by
// Config.SendQueue frames; more are dropped and counted). The goroutine
// that queued them, usually another peer's reader, flushes the outbox
// with a write that never waits (writeNow) once it has handled the
// messages it read in one go, so that frames for one client leave in one
// write. Only when the client's socket buffer is full does a writer
// goroutine take over, with Config.WriteTimeout per write; a client that
// stays that slow is closed (closed_connections_total{reason="slow_consumer"}).
// So no goroutine ever waits on another client's socket, and an idle
// connection has no writer goroutine and no outbox.

// outbox is the frames queued for one connection, already framed.
type outbox struct {
	buf    []byte
	frames int
	stamps []time.Time // when the relayed messages among them were read
}

// maxPooledOutbox keeps a burst's big outbox out of the pool.
const maxPooledOutbox = 64 << 10

var outboxPool = sync.Pool{New: func() any { return &outbox{buf: make([]byte, 0, 2048)} }}

func getOutbox() *outbox { return outboxPool.Get().(*outbox) }

func putOutbox(ob *outbox) {
	if ob == nil || cap(ob.buf) > maxPooledOutbox {
		return
	}
	ob.buf, ob.frames, ob.stamps = ob.buf[:0], 0, ob.stamps[:0]
	outboxPool.Put(ob)
}

// appendFrame appends an unmasked final WebSocket frame.
func appendFrame(dst []byte, op ws.OpCode, payload []byte) []byte {
	n := len(payload)
	switch {
	case n < 126:
		dst = append(dst, 0x80|byte(op), byte(n))
	case n <= 0xFFFF:
		dst = append(dst, 0x80|byte(op), 126)
		dst = binary.BigEndian.AppendUint16(dst, uint16(n))
	default:
		dst = append(dst, 0x80|byte(op), 127)
		dst = binary.BigEndian.AppendUint64(dst, uint64(n))
	}
	return append(dst, payload...)
}

// queue appends a frame to c's outbox and marks c for b's next flush. It
// reports false when c is closing or gone or its queue is full: the frame
// is dropped. readAt, when set, is when the relayed message was read.
func (s *Server) queue(b *batch, c *conn, op ws.OpCode, payload []byte, readAt time.Time) bool {
	c.wmu.Lock()
	queued := c.inFlight
	if c.out != nil {
		queued += c.out.frames
	}
	if c.done || c.closing || queued >= s.cfg.SendQueue {
		c.wmu.Unlock()
		s.m.dropped.Inc()
		return false
	}
	if c.out == nil {
		c.out = getOutbox()
	}
	ob := c.out
	ob.buf = appendFrame(ob.buf, op, payload)
	ob.frames++
	if !readAt.IsZero() {
		ob.stamps = append(ob.stamps, readAt)
	}
	c.wmu.Unlock()
	b.markDirty(c)
	return true
}

// queueClose queues a close frame as c's last frame; once it is written,
// c's sending side is shut down.
func (s *Server) queueClose(b *batch, c *conn, body []byte) {
	c.wmu.Lock()
	if c.done || c.closing {
		c.wmu.Unlock()
		return
	}
	if c.out == nil {
		c.out = getOutbox()
	}
	c.out.buf = appendFrame(c.out.buf, ws.OpClose, body)
	c.out.frames++
	c.closing = true
	c.wmu.Unlock()
	b.markDirty(c)
}

// flush writes c's outbox unless another goroutine is writing to c.
func (s *Server) flush(b *batch, c *conn) {
	c.wmu.Lock()
	if c.writing || c.out == nil || c.done {
		c.wmu.Unlock()
		return
	}
	c.writing = true
	for {
		ob := c.out
		c.out, c.inFlight = nil, ob.frames
		c.wmu.Unlock()
		n, err := 0, error(nil)
		if c.raw != nil {
			n, err = b.wr.writeNow(c.raw, ob.buf)
		}
		if err != nil {
			s.writeFailed(c, ob)
			return
		}
		if n < len(ob.buf) {
			// The socket is full (or cannot be written without
			// waiting): hand over to a writer. b's reader holds a
			// WaitGroup count, so Close has not finished waiting.
			s.wg.Add(1)
			go s.writeLoop(c, ob, n)
			return
		}
		s.sent(ob)
		c.wmu.Lock()
		if c.out == nil || c.done {
			s.doneWriting(c)
			c.wmu.Unlock()
			return
		}
	}
}

// writeLoop writes c's outbox, waiting up to WriteTimeout per write, until
// it is empty.
func (s *Server) writeLoop(c *conn, ob *outbox, off int) {
	defer s.wg.Done()
	for {
		_ = c.nc.SetWriteDeadline(time.Now().Add(s.cfg.WriteTimeout))
		if _, err := c.nc.Write(ob.buf[off:]); err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				s.m.closed[closeSlow].Inc()
			}
			s.writeFailed(c, ob)
			return
		}
		s.sent(ob)
		c.wmu.Lock()
		if c.out == nil || c.done {
			// writeNow honours deadlines too: clear it.
			_ = c.nc.SetWriteDeadline(time.Time{})
			s.doneWriting(c)
			c.wmu.Unlock()
			return
		}
		ob, off = c.out, 0
		c.out, c.inFlight = nil, ob.frames
		c.wmu.Unlock()
	}
}

// doneWriting ends a writer's turn; c.wmu is held. A closing connection
// whose close frame is out stops sending, so the client reads it and then
// the end of the stream.
func (s *Server) doneWriting(c *conn) {
	c.writing, c.inFlight = false, 0
	if c.closing && c.out == nil && !c.done {
		if cw, ok := c.nc.(interface{ CloseWrite() error }); ok {
			_ = cw.CloseWrite()
		}
	}
}

// writeFailed closes a connection that cannot be written to; its reader
// sees the closed socket and cleans up.
func (s *Server) writeFailed(c *conn, ob *outbox) {
	putOutbox(ob)
	c.wmu.Lock()
	c.writing, c.done, c.inFlight = false, true, 0
	putOutbox(c.out)
	c.out = nil
	c.wmu.Unlock()
	_ = c.nc.Close()
}

// sent records the relay latency of what ob carried and recycles it.
func (s *Server) sent(ob *outbox) {
	if len(ob.stamps) > 0 {
		now := time.Now()
		for _, t := range ob.stamps {
			s.m.relayLatency.Update(now.Sub(t).Seconds())
		}
	}
	putOutbox(ob)
}
