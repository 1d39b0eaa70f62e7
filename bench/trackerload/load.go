package main

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
	"github.com/webp2p/srs-p2p/sidecar/tracker"
)

const (
	// maxSamples bounds the round-trip samples kept (8 bytes each).
	maxSamples = 1 << 20
	// maxExamples bounds the wrong frames and failure reasons quoted.
	maxExamples = 5
	// dialTimeout bounds one WebSocket handshake.
	dialTimeout = 10 * time.Second
)

// loadResult is one tracker's throughput run. Rates count the measured
// window only; wrong frames, failures and lost connections the whole run.
type loadResult struct {
	window     time.Duration
	offersSent uint64 // offers the clients announced
	frames     uint64 // every frame the clients received
	offers     uint64 // offers relayed to the clients, checked
	answers    uint64 // answers relayed to the clients, checked
	rtt        benchutil.Summary
	serverCPU  time.Duration
	clientCPU  time.Duration // this program's: the load shares the machine
	serverRSS  int64         // at the end of the window
	stall      time.Duration // machine CPU pressure stall in the window; -1 unknown
	failures   uint64
	wrong      uint64
	lostConns  uint64 // connections the tracker ended during the run
	examples   []string
}

func (r loadResult) perSec(n uint64) float64 {
	if r.window <= 0 {
		return 0
	}
	return float64(n) / r.window.Seconds()
}

// relayed is what the issue calls relayed messages: offers and answers.
func (r loadResult) relayed() uint64 { return r.offers + r.answers }

// perCPUSecond is relayed messages per second of the tracker's CPU time.
func (r loadResult) perCPUSecond() float64 {
	if r.serverCPU <= 0 {
		return 0
	}
	return float64(r.relayed()) / r.serverCPU.Seconds()
}

// counters are shared by all connections; measuring is set during the window.
type counters struct {
	measuring                           atomic.Bool
	stopping                            atomic.Bool
	offersSent, frames, offers, answers atomic.Uint64
	failures, wrong, lostConns          atomic.Uint64
	mu                                  sync.Mutex
	rtt                                 []time.Duration
	examples                            []string
}

func (c *counters) example(format string, args ...any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.examples) < maxExamples {
		c.examples = append(c.examples, fmt.Sprintf(format, args...))
	}
}

// loadPeer is one connection with one peer_id in one swarm.
type loadPeer struct {
	ws *websocket.Conn
	me identity
}

func swarmHash(i int) string { return tracker.InfoHashFor(fmt.Sprintf("trackerload-swarm-%d", i)) }

// randomASCII returns n letters and digits. The ids need to be unique,
// not secret: math/rand is enough and much cheaper than crypto/rand.
func randomASCII(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[rand.IntN(len(alphabet))]
	}
	return string(b)
}

func dialPeer(ctx context.Context, url string, i, swarms int) (*loadPeer, error) {
	dctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	ws, _, err := websocket.Dial(dctx, url, nil)
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(1 << 20)
	sw := i % swarms
	return &loadPeer{ws: ws, me: identity{peerID: "-TL0001-" + randomASCII(12), infoHash: swarmHash(sw), swarm: sw}}, nil
}

// announce sends an announce with n fresh offers.
func (p *loadPeer) announce(ctx context.Context, event string, n int) error {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = randomASCII(20)
	}
	return p.ws.Write(ctx, websocket.MessageText, appendAnnounce(make([]byte, 0, 256+n*128), p.me, event, ids, sinceBase()))
}

// readLoop checks every frame, answers offers and times answers until the
// connection ends.
func (p *loadPeer) readLoop(ctx context.Context, c *counters) {
	buf := make([]byte, 0, 512)
	for {
		_, data, err := p.ws.Read(ctx)
		if err != nil {
			if ctx.Err() == nil && !c.stopping.Load() {
				c.lostConns.Add(1)
				c.example("connection of %s ended by the tracker: %v", p.me.peerID, err)
			}
			return
		}
		measuring := c.measuring.Load()
		if measuring {
			c.frames.Add(1)
		}
		kind, offer, sent, err := classify(data, p.me)
		if err != nil {
			c.wrong.Add(1)
			c.example("wrong frame (%v): %.200s", err, data)
			continue
		}
		switch kind {
		case kindFailure:
			c.failures.Add(1)
			c.example("failure frame: %.200s", data)
		case kindOffer:
			if measuring {
				c.offers.Add(1)
			}
			buf = appendAnswer(buf[:0], p.me, offer)
			_ = p.ws.Write(ctx, websocket.MessageText, buf)
		case kindAnswer:
			if measuring {
				c.answers.Add(1)
				rtt := sinceBase() - sent
				c.mu.Lock()
				if len(c.rtt) < maxSamples {
					c.rtt = append(c.rtt, rtt)
				}
				c.mu.Unlock()
			}
		}
	}
}

// announceLoop announces every o.every, the first one after a stagger so
// the connections spread over one period.
func (p *loadPeer) announceLoop(ctx context.Context, i, n int, o options, c *counters) {
	t := time.NewTimer(time.Duration(i) * o.every / time.Duration(n))
	defer t.Stop()
	event := "started"
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if p.announce(ctx, event, o.offers) != nil {
			return
		}
		if c.measuring.Load() {
			c.offersSent.Add(uint64(o.offers))
		}
		event = ""
		t.Reset(o.every)
	}
}

func runLoad(ctx context.Context, srv *trackerProc, o options) (loadResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var c counters
	peers := make([]*loadPeer, 0, o.conns)
	defer func() {
		for _, p := range peers {
			_ = p.ws.CloseNow()
		}
	}()
	for i := range o.conns {
		p, err := dialPeer(ctx, srv.url, i, o.swarms)
		if err != nil {
			return loadResult{}, fmt.Errorf("connection %d: %w", i, err)
		}
		peers = append(peers, p)
	}
	var wg sync.WaitGroup
	for i, p := range peers {
		wg.Go(func() { p.readLoop(ctx, &c) })
		wg.Go(func() { p.announceLoop(ctx, i, len(peers), o, &c) })
	}
	stop := func() {
		c.stopping.Store(true)
		cancel()
		for _, p := range peers {
			_ = p.ws.CloseNow()
		}
		wg.Wait()
	}
	if err := sleepCtx(ctx, o.warmup); err != nil {
		stop()
		return loadResult{}, err
	}
	pid := srv.proc.PID()
	cpu0, err := readCPU(pid)
	if err != nil {
		stop()
		return loadResult{}, err
	}
	self0, err := readCPU(0)
	if err != nil {
		stop()
		return loadResult{}, err
	}
	stall0, stallOK := benchutil.ReadCPUPressure()
	c.measuring.Store(true)
	start := time.Now()
	err = sleepCtx(ctx, o.duration)
	c.measuring.Store(false)
	window := time.Since(start)
	cpu1, cpuErr := readCPU(pid)
	self1, selfErr := readCPU(0)
	stall1, stallOK1 := benchutil.ReadCPUPressure()
	stall := stall1 - stall0
	if !stallOK || !stallOK1 {
		stall = -1
	}
	mem, memErr := benchutil.ReadMemory(pid)
	stop()
	for _, e := range []error{err, srv.exited(), cpuErr, selfErr, memErr} {
		if e != nil {
			return loadResult{}, e
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return loadResult{
		window: window, offersSent: c.offersSent.Load(), frames: c.frames.Load(),
		offers: c.offers.Load(), answers: c.answers.Load(), rtt: benchutil.Summarize(c.rtt),
		serverCPU: cpu1 - cpu0, clientCPU: self1 - self0, serverRSS: mem.RSS, stall: stall,
		failures: c.failures.Load(), wrong: c.wrong.Load(), lostConns: c.lostConns.Load(),
		examples: c.examples,
	}, nil
}

// readCPU is the CPU time pid (0: this process) has used so far.
func readCPU(pid int) (time.Duration, error) {
	t, err := benchutil.ReadCPU(pid)
	if err != nil {
		return 0, err
	}
	hz, _ := benchutil.ClockTicks()
	return benchutil.TicksToDuration(t.Total(), hz), nil
}

// sleepCtx waits d while the load runs (there is nothing to wait on: the
// window is a length of time), or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
