// Command trackerload loads srs-p2p's WebSocket tracker the way aquatic's
// ws load test does, and bittorrent-tracker's server (npm, the reference
// implementation) with the same load in the same run: N WebSocket
// connections, each announcing with offers and answering every offer
// relayed to it.
//
//	go run ./bench/trackerload -conns 500 -every 20ms
//	go run ./bench/trackerload -idle 5000
//
// For each server in -against it starts the tracker as a child process
// (srs-p2p's tracker: this program with -serve; bittorrent-tracker: node
// bench/trackerload/npm/server.mjs), so the CPU time and RSS it reads from
// /proc are the tracker's alone, runs the load, stops the child and prints
// one table: relayed messages per second (offers and answers the clients
// received), relayed messages per server CPU-second, the offer-to-answer
// round trip (two relays), the server's RSS, and the ratios
// srs-p2p / bittorrent-tracker. With -idle it connects that many peers that
// announce once and reports the tracker's RSS per idle peer instead.
//
// Every relayed offer and answer is checked: the load's SDPs carry the
// sender's peer_id and the offer_id, so a frame relayed with another
// offer_id, peer_id or info_hash, or sent to the wrong peer, is counted as
// wrong and fails the run. Slowness never fails it.
//
// bittorrent-tracker needs node >= 20 and `npm ci` in bench/trackerload/npm
// (make deps does both).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
)

// The servers -against may name.
const (
	serverOurs     = "srs-p2p"
	serverBaseline = "bittorrent-tracker"
)

// announceInterval is the interval both trackers tell their clients, so
// neither expires peers the other keeps.
const announceInterval = 60 * time.Second

// Bounds of the flags: the load stays within what one machine can open.
const (
	maxConns    = 100000
	maxSwarms   = 10000
	maxOffers   = 10
	maxDuration = 10 * time.Minute
)

type options struct {
	against  []string
	npmDir   string
	conns    int
	swarms   int
	offers   int
	every    time.Duration
	warmup   time.Duration
	duration time.Duration
	idle     int
	settle   time.Duration
	serve    string
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	var against string
	fs := flag.NewFlagSet("trackerload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&against, "against", serverOurs+","+serverBaseline, "comma-separated trackers to load, one after the other")
	fs.StringVar(&o.npmDir, "npm-dir", "bench/trackerload/npm", "the npm project of the bittorrent-tracker baseline (server.mjs, node_modules)")
	fs.IntVar(&o.conns, "conns", 200, "connections for the throughput run")
	fs.IntVar(&o.swarms, "swarms", 10, "swarms the connections spread over")
	fs.IntVar(&o.offers, "offers", 5, "offers per announce (p2p-media-loader sends 5)")
	fs.DurationVar(&o.every, "every", 200*time.Millisecond, "announce period of each connection")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "load before measuring")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "measured window")
	fs.IntVar(&o.idle, "idle", 0, "if > 0: connect this many peers that announce once, report RSS per peer")
	fs.DurationVar(&o.settle, "settle", time.Second, "with -idle: wait this long after the last peer before reading RSS")
	fs.StringVar(&o.serve, "serve", "", "internal: serve srs-p2p's tracker on this address")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var err error
	if o.against, err = parseAgainst(against); err != nil {
		return o, err
	}
	switch {
	case o.conns < 2 || o.conns > maxConns:
		return o, fmt.Errorf("-conns must be 2..%d, got %d", maxConns, o.conns)
	case o.swarms < 1 || o.swarms > maxSwarms || o.swarms > o.conns/2:
		return o, fmt.Errorf("-swarms must be 1..%d and at most -conns/2 (two peers per swarm), got %d", maxSwarms, o.swarms)
	case o.offers < 0 || o.offers > maxOffers:
		return o, fmt.Errorf("-offers must be 0..%d, got %d", maxOffers, o.offers)
	case o.every < time.Millisecond || o.every > time.Minute:
		return o, fmt.Errorf("-every must be 1ms..1m, got %v", o.every)
	case o.warmup < 0 || o.warmup > maxDuration:
		return o, fmt.Errorf("-warmup must be 0..%v, got %v", maxDuration, o.warmup)
	case o.duration < 100*time.Millisecond || o.duration > maxDuration:
		return o, fmt.Errorf("-duration must be 100ms..%v, got %v", maxDuration, o.duration)
	case o.idle < 0 || o.idle > maxConns:
		return o, fmt.Errorf("-idle must be 0..%d, got %d", maxConns, o.idle)
	case o.settle < 0 || o.settle > time.Minute:
		return o, fmt.Errorf("-settle must be 0..1m, got %v", o.settle)
	}
	return o, nil
}

// parseAgainst reads -against: known names, each at most once, in order.
func parseAgainst(s string) ([]string, error) {
	var out []string
	for name := range strings.SplitSeq(s, ",") {
		name = strings.TrimSpace(name)
		switch {
		case name != serverOurs && name != serverBaseline:
			return nil, fmt.Errorf("-against: unknown tracker %q (want %s and/or %s)", name, serverOurs, serverBaseline)
		case slices.Contains(out, name):
			return nil, fmt.Errorf("-against: %s named twice", name)
		}
		out = append(out, name)
	}
	return out, nil
}

func main() { benchutil.Main("trackerload", parseFlags, run) }

// run loads every tracker of o.against in turn and prints the table. It
// fails on errors and on wrongly relayed frames.
func run(ctx context.Context, o options, out io.Writer, log *slog.Logger) error {
	if o.serve != "" {
		return serve(ctx, o.serve, out)
	}
	if slices.Contains(o.against, serverBaseline) {
		// Before any run, so a missing install costs no time.
		if err := checkBaseline(ctx, o.npmDir); err != nil {
			return err
		}
	}
	if o.idle > 0 {
		idles, err := measureIdle(ctx, o, log)
		if err != nil {
			return err
		}
		printIdle(out, idles)
		return nil
	}
	loads, err := measureLoad(ctx, o, log)
	if err != nil {
		return err
	}
	printLoad(out, o, loads)
	var wrong uint64
	for _, l := range loads {
		wrong += l.r.wrong
	}
	if wrong > 0 {
		return fmt.Errorf("%d wrongly relayed frames (see the table)", wrong)
	}
	return nil
}

// measureLoad runs the throughput load against each tracker in turn.
func measureLoad(ctx context.Context, o options, log *slog.Logger) ([]namedLoad, error) {
	var loads []namedLoad
	err := eachTracker(ctx, o, log, func(srv *trackerProc) error {
		r, err := runLoad(ctx, srv, o)
		if err != nil {
			return err
		}
		loads = append(loads, namedLoad{srv.name, r})
		log.InfoContext(ctx, "trackerload: run done", "server", srv.name, "relayed", r.relayed(), "wrong", r.wrong)
		return nil
	})
	return loads, err
}

// measureIdle runs the idle-peer load against each tracker in turn.
func measureIdle(ctx context.Context, o options, log *slog.Logger) ([]namedIdle, error) {
	var idles []namedIdle
	err := eachTracker(ctx, o, log, func(srv *trackerProc) error {
		r, err := runIdle(ctx, srv, o.idle, o.settle)
		if err != nil {
			return err
		}
		idles = append(idles, namedIdle{srv.name, r})
		return nil
	})
	return idles, err
}

// eachTracker starts each tracker of o.against, runs fn on it and stops
// it, so only one tracker runs at a time. srs-p2p's tracker must stop
// cleanly; bittorrent-tracker is only required to stop.
func eachTracker(ctx context.Context, o options, log *slog.Logger, fn func(*trackerProc) error) error {
	for _, name := range o.against {
		srv, err := startTracker(ctx, name, o.npmDir)
		if err != nil {
			return err
		}
		log.InfoContext(ctx, "trackerload: tracker started", "server", name, "url", srv.url, "pid", srv.proc.PID())
		err = fn(srv)
		if stopErr := srv.stop(); err == nil && stopErr != nil && name == serverOurs {
			err = stopErr
		}
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
	}
	return nil
}

// errServerExited is a tracker that died under the load.
var errServerExited = errors.New("the tracker process exited during the run")
