// Command pingbackload measures the pingback ingest of srs-p2p against a
// ceiling in the same run: the real handler (pingback.Server mounted on
// the API's chi router, with 3 live streams) and a plain net/http handler
// that only reads and discards the body and writes a reply of the same
// size. Both serve in this process, each on its own 127.0.0.1:0 listener,
// one after the other, so they share the machine and the client the same
// way.
//
//	go run ./bench/pingbackload -duration 5s -conns 32
//
// The load is realistic reports, one per request, from 200 sessions on
// each of the 3 streams, every session's seq increasing. A closed loop of
// -conns keep-alive connections sends as fast as the server answers for
// -duration: reports per second, and reports per CPU-second of the whole
// process (its rusage: server and client together, GOMAXPROCS shared), and
// the ratio pingback / ceiling of both. Then an open loop sends to the
// real handler at half its maximum rate, on a fixed schedule, and reports
// the latency percentiles from the scheduled send time (so a stalled
// server is not hidden by a waiting client).
//
// It fails on errors and on replies that did not accept the report, never
// on slowness; the table shows the targets (>= 0.7 of the ceiling,
// p99 <= 5 ms) beside the figures.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
)

// Bounds of the flags.
const (
	maxConns    = streams * sessionsPerStream
	maxDuration = 10 * time.Minute
)

type options struct {
	duration time.Duration // each measured run
	conns    int
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("pingbackload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.DurationVar(&o.duration, "duration", 5*time.Second, "measured time of each run (ceiling, pingback, latency)")
	fs.IntVar(&o.conns, "conns", 32, "client connections (each a goroutine sending one request at a time)")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch {
	case o.duration < time.Second || o.duration > maxDuration:
		return o, fmt.Errorf("-duration must be 1s..%v, got %v", maxDuration, o.duration)
	case o.conns < 1 || o.conns > maxConns:
		return o, fmt.Errorf("-conns must be 1..%d (one session at least per connection), got %d", maxConns, o.conns)
	}
	return o, nil
}

func main() { benchutil.Main("pingbackload", parseFlags, run) }

// run measures the ceiling, the real handler, then the real handler's
// latency at half its rate, and prints the table.
func run(ctx context.Context, o options, out io.Writer, log *slog.Logger) error {
	bodies := newBodies()
	var results []throughput
	for _, kind := range []serverKind{kindCeiling, kindPingback} {
		srv, err := startServer(kind)
		if err != nil {
			return err
		}
		r, err := closedLoop(ctx, srv, bodies, o)
		if err == nil {
			err = srv.verify(r.ok)
		}
		srv.stop()
		if err != nil {
			return fmt.Errorf("%s: %w", kind, err)
		}
		log.InfoContext(ctx, "pingbackload: run done", "server", string(kind), "reports", r.ok, "cpu", r.cpu.String())
		results = append(results, r)
	}
	srv, err := startServer(kindPingback)
	if err != nil {
		return err
	}
	rate := results[1].perSecond() / 2
	lat, err := openLoop(ctx, srv, bodies, o, rate)
	if err == nil {
		err = srv.verify(lat.ok)
	}
	srv.stop()
	if err != nil {
		return fmt.Errorf("latency run: %w", err)
	}
	printTable(out, o, results, lat)
	return nil
}
