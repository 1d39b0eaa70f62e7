package main

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
	"github.com/webp2p/srs-p2p/sidecar/tracker"
)

// maxSamples bounds the round-trip samples kept.
const maxSamples = 200000

type loadResult struct {
	window                  time.Duration
	frames, offers, answers uint64
	rtt                     benchutil.Summary
	serverCPU               time.Duration // 0 when the tracker is not our child
}

func (r loadResult) perSec(n uint64) float64 { return float64(n) / r.window.Seconds() }

// counters are shared by all connections; measuring is set during the window.
type counters struct {
	measuring               atomic.Bool
	frames, offers, answers atomic.Uint64
	mu                      sync.Mutex
	rtt                     []time.Duration
}

type wireIn struct {
	Action   string          `json:"action"`
	Offer    json.RawMessage `json:"offer"`
	Answer   json.RawMessage `json:"answer"`
	OfferID  string          `json:"offer_id"`
	PeerID   string          `json:"peer_id"`
	InfoHash string          `json:"info_hash"`
	Failure  string          `json:"failure reason"`
}

// loadPeer is one connection: it announces every o.every with fresh offers
// and answers every offer it gets.
type loadPeer struct {
	ws       *websocket.Conn
	peerID   string
	infoHash string
	mu       sync.Mutex
	sent     map[string]time.Time // offer_id -> when announced
}

func swarmHash(i int) string { return tracker.InfoHashFor(fmt.Sprintf("trackerload-swarm-%d", i)) }

func randomASCII(n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	_, _ = rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}

func dialPeer(ctx context.Context, url string, i, swarms int) (*loadPeer, error) {
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	ws, _, err := websocket.Dial(dctx, url, nil)
	if err != nil {
		return nil, err
	}
	ws.SetReadLimit(1 << 20)
	return &loadPeer{ws: ws, peerID: "-TL0001-" + randomASCII(12), infoHash: swarmHash(i % swarms), sent: map[string]time.Time{}}, nil
}

func (p *loadPeer) write(ctx context.Context, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return p.ws.Write(ctx, websocket.MessageText, b)
}

func (p *loadPeer) announce(ctx context.Context, event string, offers int) error {
	list := make([]map[string]any, offers)
	now := time.Now()
	p.mu.Lock()
	for i := range list {
		id := randomASCII(20)
		p.sent[id] = now
		list[i] = map[string]any{"offer_id": id, "offer": map[string]any{"type": "offer", "sdp": "v=0 trackerload"}}
	}
	for id, at := range p.sent { // offers the tracker could not place expire
		if now.Sub(at) > 50*time.Second {
			delete(p.sent, id)
		}
	}
	p.mu.Unlock()
	m := map[string]any{"action": "announce", "info_hash": p.infoHash, "peer_id": p.peerID, "numwant": offers,
		"uploaded": 0, "downloaded": 0, "offers": list}
	if event != "" {
		m["event"] = event
	}
	return p.write(ctx, m)
}

// readLoop answers offers and times answers until the connection ends.
func (p *loadPeer) readLoop(ctx context.Context, c *counters) {
	for {
		_, data, err := p.ws.Read(ctx)
		if err != nil {
			return
		}
		var in wireIn
		if json.Unmarshal(data, &in) != nil {
			continue
		}
		measuring := c.measuring.Load()
		if measuring {
			c.frames.Add(1)
		}
		switch {
		case in.Offer != nil:
			if measuring {
				c.offers.Add(1)
			}
			_ = p.write(ctx, map[string]any{"action": "announce", "info_hash": in.InfoHash, "peer_id": p.peerID,
				"to_peer_id": in.PeerID, "offer_id": in.OfferID, "answer": map[string]any{"type": "answer", "sdp": "v=0 answer"}})
		case in.Answer != nil:
			p.mu.Lock()
			at, ok := p.sent[in.OfferID]
			delete(p.sent, in.OfferID)
			p.mu.Unlock()
			if ok && measuring {
				c.answers.Add(1)
				c.mu.Lock()
				if len(c.rtt) < maxSamples {
					c.rtt = append(c.rtt, time.Since(at))
				}
				c.mu.Unlock()
			}
		}
	}
}

func runLoad(ctx context.Context, url string, pid int, o options) (loadResult, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var c counters
	peers := make([]*loadPeer, 0, o.conns)
	defer func() {
		for _, p := range peers {
			p.ws.CloseNow()
		}
	}()
	for i := range o.conns {
		p, err := dialPeer(ctx, url, i, o.swarms)
		if err != nil {
			return loadResult{}, fmt.Errorf("connection %d: %w", i, err)
		}
		peers = append(peers, p)
	}
	var wg sync.WaitGroup
	for i, p := range peers {
		wg.Go(func() { p.readLoop(ctx, &c) })
		wg.Go(func() {
			// stagger the announces over one period
			t := time.NewTimer(time.Duration(i) * o.every / time.Duration(len(peers)))
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
				event = ""
				t.Reset(o.every)
			}
		})
	}
	time.Sleep(o.warmup) // the load runs while we wait; nothing to wait on
	cpu0, _ := readCPU(pid)
	c.measuring.Store(true)
	start := time.Now()
	time.Sleep(o.duration)
	c.measuring.Store(false)
	window := time.Since(start)
	cpu1, _ := readCPU(pid)
	cancel()
	for _, p := range peers {
		p.ws.CloseNow()
	}
	wg.Wait()
	c.mu.Lock()
	defer c.mu.Unlock()
	return loadResult{window: window, frames: c.frames.Load(), offers: c.offers.Load(), answers: c.answers.Load(),
		rtt: benchutil.Summarize(c.rtt), serverCPU: cpu1 - cpu0}, nil
}

// readCPU is the CPU time pid has used (0 when pid is 0: not our child).
func readCPU(pid int) (time.Duration, error) {
	if pid == 0 {
		return 0, nil
	}
	t, err := benchutil.ReadCPU(pid)
	if err != nil {
		return 0, err
	}
	hz, _ := benchutil.ClockTicks()
	return benchutil.TicksToDuration(t.Total(), hz), nil
}

// runIdle connects n peers that announce once (no offers) and reports the
// tracker's RSS growth per peer.
func runIdle(ctx context.Context, url string, pid, n int) error {
	if pid == 0 {
		return fmt.Errorf("-idle needs the child tracker (no -url): it reads its RSS")
	}
	before, err := benchutil.ReadMemory(pid)
	if err != nil {
		return err
	}
	peers := make([]*loadPeer, 0, n)
	defer func() {
		for _, p := range peers {
			p.ws.CloseNow()
		}
	}()
	for i := range n {
		p, err := dialPeer(ctx, url, i, 100)
		if err != nil {
			return fmt.Errorf("connection %d: %w", i, err)
		}
		if err := p.announce(ctx, "started", 0); err != nil {
			return err
		}
		if _, _, err := p.ws.Read(ctx); err != nil { // the announce reply
			return err
		}
		peers = append(peers, p)
	}
	after, err := benchutil.ReadMemory(pid)
	if err != nil {
		return err
	}
	grew := after.RSS - before.RSS
	fmt.Printf("idle peers=%d tracker RSS before=%d KB after=%d KB per peer=%.1f KB (target <= 10 KB)\n",
		n, before.RSS>>10, after.RSS>>10, float64(grew)/float64(n)/1024)
	return nil
}
