package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
)

// Phases of one run, in order.
const (
	phaseWarmup int32 = iota
	phaseMeasure
	phaseDrain
)

// loadShape is the load: how many sockets, requests in flight per socket,
// and the phases' lengths.
type loadShape struct {
	sockets  int
	inflight int
	warmup   time.Duration
	duration time.Duration
	// timeout declares a request lost (and replaces it) when no reply
	// came; drain is how long the last requests get at the end.
	timeout time.Duration
	drain   time.Duration
	// maxSamples bounds the latency samples kept per run.
	maxSamples int
}

// loadResult is one run against one server.
type loadResult struct {
	sent     uint64 // requests sent, all phases
	answered uint64 // correct replies to outstanding requests
	wrong    uint64 // replies that are not a correct answer to a request we sent
	late     uint64 // replies to requests already declared lost, or duplicates
	lost     uint64 // requests without a reply within timeout (or by the end of drain)
	rxBytes  uint64 // bytes of every datagram received
	firstBad []string

	// The measured window (after warm-up).
	window    time.Duration
	windowOK  uint64 // answered within the window
	latency   benchutil.Summary
	serverCPU time.Duration
	genCPU    time.Duration
}

// worker is one client socket with its requests in flight.
type worker struct {
	id    uint32
	conn  *net.UDPConn
	local netip.AddrPort
	shape *loadShape
	phase *atomic.Int32

	answered atomic.Uint64 // read by the coordinator at the window's edges
	sent     uint64
	wrong    uint64
	late     uint64
	lost     uint64
	rxBytes  uint64
	nextSeq  uint64
	samples  []time.Duration
	firstBad []string
	err      error
}

type slot struct {
	seq  uint64
	sent time.Time
	busy bool
}

// runLoad drives one server at target for warm-up + duration + drain and
// measures the window between warm-up and drain. pid is the server's
// process, whose CPU time is read at the window's edges.
func runLoad(ctx context.Context, shape loadShape, target netip.AddrPort, pid int, hz uint64) (*loadResult, error) {
	var phase atomic.Int32
	workers := make([]*worker, shape.sockets)
	for i := range workers {
		c, err := net.DialUDP("udp", nil, net.UDPAddrFromAddrPort(target))
		if err != nil {
			for _, w := range workers[:i] {
				w.conn.Close()
			}
			return nil, err
		}
		workers[i] = &worker{
			id: uint32(i), conn: c, local: c.LocalAddr().(*net.UDPAddr).AddrPort(),
			shape: &shape, phase: &phase,
			samples: make([]time.Duration, 0, shape.maxSamples/shape.sockets),
		}
	}
	var wg sync.WaitGroup
	for _, w := range workers {
		wg.Go(w.run)
	}
	defer func() {
		for _, w := range workers {
			w.conn.Close()
		}
	}()
	answered := func() (n uint64) {
		for _, w := range workers {
			n += w.answered.Load()
		}
		return n
	}

	if err := sleepCtx(ctx, shape.warmup); err != nil {
		phase.Store(phaseDrain)
		wg.Wait()
		return nil, err
	}
	srv0, err0 := benchutil.ReadCPU(pid)
	gen0, _ := benchutil.ReadCPU(0)
	ok0, t0 := answered(), time.Now()
	phase.Store(phaseMeasure)
	errWait := sleepCtx(ctx, shape.duration)
	phase.Store(phaseDrain)
	srv1, err1 := benchutil.ReadCPU(pid)
	gen1, _ := benchutil.ReadCPU(0)
	ok1, t1 := answered(), time.Now()
	wg.Wait()
	if err := errors.Join(errWait, err0, err1); err != nil {
		return nil, err
	}

	r := &loadResult{
		window:    t1.Sub(t0),
		windowOK:  ok1 - ok0,
		serverCPU: benchutil.TicksToDuration(srv1.Total()-srv0.Total(), hz),
		genCPU:    benchutil.TicksToDuration(gen1.Total()-gen0.Total(), hz),
	}
	var samples []time.Duration
	for _, w := range workers {
		if w.err != nil {
			return nil, fmt.Errorf("socket %v: %w", w.local, w.err)
		}
		r.sent += w.sent
		r.answered += w.answered.Load()
		r.wrong += w.wrong
		r.late += w.late
		r.lost += w.lost
		r.rxBytes += w.rxBytes
		samples = append(samples, w.samples...)
		if room := maxBadListed - len(r.firstBad); room > 0 {
			r.firstBad = append(r.firstBad, w.firstBad[:min(room, len(w.firstBad))]...)
		}
	}
	r.latency = benchutil.Summarize(samples)
	return r, nil
}

// maxBadListed bounds the wrong replies described in the report.
const maxBadListed = 10

// run keeps shape.inflight requests outstanding on the socket until the
// drain phase, then waits for the last replies.
func (w *worker) run() {
	slots := make([]slot, w.shape.inflight)
	req := make([]byte, headerSize)
	buf := make([]byte, 2048)
	send := func(s *slot, now time.Time) bool {
		putRequest(req, w.id, w.nextSeq)
		if _, err := w.conn.Write(req); err != nil {
			w.err = err
			return false
		}
		*s = slot{seq: w.nextSeq, sent: now, busy: true}
		w.nextSeq++
		w.sent++
		return true
	}
	now := time.Now()
	for i := range slots {
		if !send(&slots[i], now) {
			return
		}
	}
	var drainEnd time.Time
	for {
		busy, oldest := 0, time.Time{}
		for _, s := range slots {
			if s.busy {
				busy++
				if oldest.IsZero() || s.sent.Before(oldest) {
					oldest = s.sent
				}
			}
		}
		draining := w.phase.Load() == phaseDrain
		if draining && drainEnd.IsZero() {
			drainEnd = time.Now().Add(w.shape.drain)
		}
		if busy == 0 {
			if draining {
				return
			}
			oldest = time.Now()
		}
		deadline := oldest.Add(w.shape.timeout)
		if draining && drainEnd.Before(deadline) {
			deadline = drainEnd
		}
		_ = w.conn.SetReadDeadline(deadline)
		n, err := w.conn.Read(buf)
		now := time.Now()
		if err != nil {
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				w.err = err // ECONNREFUSED: the server is gone
				return
			}
			for i := range slots {
				s := &slots[i]
				if s.busy && (now.Sub(s.sent) >= w.shape.timeout || (draining && !now.Before(drainEnd))) {
					w.lost++
					s.busy = false
					if !draining && !send(s, now) {
						return
					}
				}
			}
			continue
		}
		w.rxBytes += uint64(n)
		w.reply(buf[:n], slots, now, draining, send)
		if w.err != nil {
			return
		}
	}
}

// reply accounts for one datagram received and refills its slot.
func (w *worker) reply(b []byte, slots []slot, now time.Time, draining bool, send func(*slot, time.Time) bool) {
	id, seq, err := checkReply(b, w.local)
	if err == nil && (id != w.id || seq >= w.nextSeq) {
		err = errors.New("transaction id never sent on this socket")
	}
	if err != nil {
		w.wrong++
		if len(w.firstBad) < maxBadListed {
			w.firstBad = append(w.firstBad, fmt.Sprintf("%v: %v (% x)", w.local, err, b[:min(len(b), 64)]))
		}
		return
	}
	for i := range slots {
		s := &slots[i]
		if !s.busy || s.seq != seq {
			continue
		}
		w.answered.Add(1)
		if w.phase.Load() == phaseMeasure && len(w.samples) < cap(w.samples) {
			w.samples = append(w.samples, now.Sub(s.sent))
		}
		s.busy = false
		if !draining {
			send(s, now)
		}
		return
	}
	w.late++ // answered already, or declared lost before it came
}

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
