package stunserver

import (
	"net"
	"net/netip"

	"github.com/VictoriaMetrics/metrics"
	"golang.org/x/net/ipv4"
	"golang.org/x/net/ipv6"
	"golang.org/x/sys/unix"
)

// batchSize is how many datagrams one recvmmsg or sendmmsg call moves at
// most. Under load a call returns many; when idle it returns the one that
// woke it, so batching adds no latency.
const batchSize = 32

// batchConn is what ipv4.PacketConn and ipv6.PacketConn share: on Linux,
// recvmmsg and sendmmsg. ipv6.Message and ipv4.Message are one type.
type batchConn interface {
	ReadBatch(ms []ipv4.Message, flags int) (int, error)
	WriteBatch(ms []ipv4.Message, flags int) (int, error)
}

var (
	_ batchConn = (*ipv4.PacketConn)(nil)
	_ batchConn = (*ipv6.PacketConn)(nil)
)

// newBatchConn wraps c by its family: an IPv6 socket (dual-stack when
// bound to the wildcard) gets the ipv6 flavour.
func newBatchConn(c *net.UDPConn) batchConn {
	if a, ok := c.LocalAddr().(*net.UDPAddr); ok && a.IP.To4() != nil {
		return ipv4.NewPacketConn(c)
	}
	return ipv6.NewPacketConn(c)
}

// serveUDP is the read loop of one UDP socket: read a batch, answer each
// datagram into its own reply buffer, send the replies in one batch, add
// the batch to the metrics. It returns when the socket is closed.
func (s *Server) serveUDP(c *net.UDPConn, requests *metrics.Counter) {
	defer s.wg.Done()
	bc := newBatchConn(c)
	in := make([]ipv4.Message, batchSize)
	out := make([]ipv4.Message, batchSize)
	replies := make([][]byte, batchSize)
	for i := range in {
		in[i].Buffers = [][]byte{make([]byte, maxRequest)}
		out[i].Buffers = make([][]byte, 1)
		replies[i] = make([]byte, 0, maxResponse)
	}
	r := newResponder(s.limiter, s.cfg.Software)
	var t tally
	var errLog errorLog
	errs := 0
	for {
		n, err := bc.ReadBatch(in, 0)
		if err != nil {
			if s.stopped(err) {
				return
			}
			s.metrics.readErrors.Inc()
			errLog.log(s, "read", c.LocalAddr(), err)
			errs++
			if !s.backoff(errs) {
				return
			}
			continue
		}
		errs = 0
		s.metrics.batches.Inc()
		now := s.now()
		k := 0
		for i := range in[:n] {
			m := &in[i]
			t.requests++
			t.bytesIn += uint64(m.N)
			if m.Flags&unix.MSG_TRUNC != 0 {
				t.outcomes[dropTooBig]++ // the kernel cut it to maxRequest
				continue
			}
			reply, o := r.respond(m.Buffers[0][:m.N], sourceOf(m.Addr), now, replies[k][:0])
			t.outcomes[o]++
			if o.replied() {
				out[k].Buffers[0] = reply
				out[k].Addr = m.Addr
				k++
			}
		}
		open := s.sendBatch(bc, out[:k], &t, &errLog, c.LocalAddr())
		s.metrics.flush(&t, requests)
		if !open {
			return
		}
	}
}

// sendBatch sends ms, retrying the rest after a partial send and skipping
// a message the kernel refuses (one bad destination must not cost the
// others their replies). It returns false when the socket is closed.
func (s *Server) sendBatch(bc batchConn, ms []ipv4.Message, t *tally, errLog *errorLog, local net.Addr) bool {
	for len(ms) > 0 {
		n, err := bc.WriteBatch(ms, 0)
		n = max(n, 0) // -1 with an error
		for i := range ms[:n] {
			t.bytesOut += uint64(ms[i].N)
		}
		ms = ms[n:]
		if err == nil && n > 0 {
			continue
		}
		if err != nil && s.stopped(err) {
			return false
		}
		t.writeErrors++
		if err != nil {
			errLog.log(s, "write", local, err)
		}
		ms = ms[1:] // n is 0 here: the first message is the one refused
	}
	return true
}

// sourceOf is the sender of a received datagram.
func sourceOf(a net.Addr) netip.AddrPort {
	ua, ok := a.(*net.UDPAddr)
	if !ok {
		return netip.AddrPort{}
	}
	return ua.AddrPort()
}
