package tracker

import (
	"sync"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/gobwas/ws"
)

// batch is a reader's working state while it handles the messages it read
// in one go: the decoder, the frames built while Server.mu is held (sent
// once it is released, so no lock is held while queueing), and the
// connections to flush before the reader waits again. It comes from a
// pool when messages arrive and goes back before the reader blocks, so
// idle connections hold none.
type batch struct {
	dec   frameDecoder
	f     frame
	enc   []byte // payloads of sends
	sends []outSend
	dirty []*conn
	wr    rawWrite
}

// outSend is a frame built under Server.mu, to be queued after.
type outSend struct {
	to         *conn
	start, end int // payload is enc[start:end]
	readAt     time.Time
	counter    *metrics.Counter // counted once queued
	// An offer relay that cannot be queued is forgotten, so nobody can
	// answer an offer that was never delivered.
	sw      *swarm
	pending pendingKey
}

// maxDirty bounds the connections a batch flushes at once.
const maxDirty = 64

var batchPool = sync.Pool{New: func() any { return new(batch) }}

// batch returns c's batch, taking one from the pool if needed. Only c's
// reader calls it.
func (c *conn) batch() *batch {
	if c.b == nil {
		c.b = batchPool.Get().(*batch)
	}
	return c.b
}

// build appends one payload to b.enc, built by fn, and plans to queue it
// for to.
func (b *batch) build(to *conn, readAt time.Time, counter *metrics.Counter, fn func([]byte) []byte) *outSend {
	start := len(b.enc)
	b.enc = fn(b.enc)
	b.sends = append(b.sends, outSend{to: to, start: start, end: len(b.enc), readAt: readAt, counter: counter})
	return &b.sends[len(b.sends)-1]
}

func (b *batch) markDirty(c *conn) {
	for _, d := range b.dirty {
		if d == c {
			return
		}
	}
	b.dirty = append(b.dirty, c)
}

// dispatch queues the frames built by the last handler.
func (s *Server) dispatch(b *batch) {
	var undo []outSend
	for i := range b.sends {
		o := &b.sends[i]
		if s.queue(b, o.to, ws.OpText, b.enc[o.start:o.end], o.readAt) {
			if o.counter != nil {
				o.counter.Inc()
			}
		} else if o.sw != nil {
			undo = append(undo, *o)
		}
		*o = outSend{}
	}
	b.sends, b.enc = b.sends[:0], b.enc[:0]
	if len(undo) > 0 {
		s.mu.Lock()
		for _, o := range undo {
			delete(o.sw.pending, o.pending)
		}
		s.mu.Unlock()
	}
	if len(b.dirty) >= maxDirty {
		s.flushDirty(b)
	}
}

// flushDirty flushes every connection b queued frames for.
func (s *Server) flushDirty(b *batch) {
	for i, c := range b.dirty {
		s.flush(b, c)
		b.dirty[i] = nil
	}
	b.dirty = b.dirty[:0]
}

// maxPooledEnc keeps a big burst's buffer out of the pool.
const maxPooledEnc = 64 << 10

// releaseBatch flushes and returns c's batch to the pool.
func (s *Server) releaseBatch(c *conn) {
	b := c.b
	if b == nil {
		return
	}
	c.b = nil
	s.dispatch(b)
	s.flushDirty(b)
	if cap(b.enc) > maxPooledEnc {
		b.enc = nil
	}
	b.f = frame{infoHashes: b.f.infoHashes[:0], offers: clearOffers(b.f.offers)}
	batchPool.Put(b)
}

// clearOffers drops the references into a message buffer a frame holds.
func clearOffers(o []offer) []offer {
	clear(o)
	return o[:0]
}
