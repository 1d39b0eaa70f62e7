package main

import (
	"context"
	"fmt"
	"time"

	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
)

// idleSwarms is how many swarms the idle peers spread over.
const idleSwarms = 100

// idleResult is the tracker's resident memory before and after n peers
// connected and announced once.
type idleResult struct {
	peers         int
	before, after benchutil.Memory
}

// perPeer is the RSS growth per idle peer, in bytes.
func (r idleResult) perPeer() float64 {
	if r.peers == 0 {
		return 0
	}
	return float64(r.after.RSS-r.before.RSS) / float64(r.peers)
}

// runIdle connects n peers that announce once without offers, waits for
// each reply, lets the tracker settle (a garbage-collected heap shrinks
// back after the burst of handshakes) and reads its RSS. The peers stay
// connected until the reading.
func runIdle(ctx context.Context, srv *trackerProc, n int, settle time.Duration) (idleResult, error) {
	pid := srv.proc.PID()
	before, err := benchutil.ReadMemory(pid)
	if err != nil {
		return idleResult{}, err
	}
	peers := make([]*loadPeer, 0, n)
	defer func() {
		for _, p := range peers {
			_ = p.ws.CloseNow()
		}
	}()
	for i := range n {
		p, err := dialPeer(ctx, srv.url, i, min(idleSwarms, n))
		if err != nil {
			return idleResult{}, fmt.Errorf("connection %d: %w", i, err)
		}
		peers = append(peers, p)
		if err := p.announce(ctx, "started", 0); err != nil {
			return idleResult{}, fmt.Errorf("connection %d: announce: %w", i, err)
		}
		if err := p.waitReply(ctx); err != nil {
			return idleResult{}, fmt.Errorf("connection %d: %w", i, err)
		}
	}
	if err := sleepCtx(ctx, settle); err != nil {
		return idleResult{}, err
	}
	if err := srv.exited(); err != nil {
		return idleResult{}, err
	}
	after, err := benchutil.ReadMemory(pid)
	if err != nil {
		return idleResult{}, err
	}
	return idleResult{peers: n, before: before, after: after}, nil
}

// waitReply reads the reply to a single announce and requires it to be one.
func (p *loadPeer) waitReply(ctx context.Context) error {
	ctx, cancel := context.WithTimeout(ctx, dialTimeout)
	defer cancel()
	_, data, err := p.ws.Read(ctx)
	if err != nil {
		return fmt.Errorf("no announce reply: %w", err)
	}
	kind, _, _, err := classify(data, p.me)
	switch {
	case err != nil:
		return fmt.Errorf("announce reply %.200s: %w", data, err)
	case kind != kindReply:
		return fmt.Errorf("announce reply %.200s is not a plain reply", data)
	}
	return nil
}
