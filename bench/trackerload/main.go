// Command trackerload loads srs-p2p's WebSocket tracker the way aquatic's
// ws load test does: N WebSocket connections, each announcing with offers
// and answering every offer relayed to it. It reports relayed messages per
// second (frames the clients received), the offer-to-answer round trip
// (two relays) and, with -idle, the tracker's RSS per idle connected peer.
//
//	go run ./bench/trackerload -conns 500 -duration 10s
//	go run ./bench/trackerload -idle 20000
//
// Without -url it starts the tracker as a child process (this program with
// -serve), so the RSS it reads from /proc is the tracker's alone.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"strings"
	"time"
)

type options struct {
	url      string
	conns    int
	swarms   int
	offers   int
	every    time.Duration
	warmup   time.Duration
	duration time.Duration
	idle     int
	serve    string
}

func main() {
	var o options
	flag.StringVar(&o.url, "url", "", "tracker ws:// URL; empty starts one as a child process")
	flag.IntVar(&o.conns, "conns", 200, "connections for the throughput run")
	flag.IntVar(&o.swarms, "swarms", 10, "swarms the connections spread over")
	flag.IntVar(&o.offers, "offers", 5, "offers per announce (p2p-media-loader sends 5)")
	flag.DurationVar(&o.every, "every", 200*time.Millisecond, "announce period of each connection")
	flag.DurationVar(&o.warmup, "warmup", 2*time.Second, "load before measuring")
	flag.DurationVar(&o.duration, "duration", 10*time.Second, "measured window")
	flag.IntVar(&o.idle, "idle", 0, "if > 0: connect this many peers that announce once, report RSS per peer")
	flag.StringVar(&o.serve, "serve", "", "internal: serve a tracker on this address")
	flag.Parse()
	log := slog.New(slog.NewTextHandler(os.Stderr, nil))
	ctx := context.Background()
	if o.serve != "" {
		if err := serve(ctx, o.serve, os.Stdout); err != nil {
			log.Error("serve", "err", err)
			os.Exit(1)
		}
		return
	}
	if err := run(ctx, o); err != nil {
		log.Error("trackerload", "err", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, o options) error {
	url, pid := o.url, 0
	if url == "" {
		child, addr, err := startChild(ctx)
		if err != nil {
			return err
		}
		defer func() { _ = child.Process.Kill(); _ = child.Wait() }()
		url, pid = "ws://"+addr+"/p2p/v1/tracker", child.Process.Pid
	}
	if o.idle > 0 {
		return runIdle(ctx, url, pid, o.idle)
	}
	r, err := runLoad(ctx, url, pid, o)
	if err != nil {
		return err
	}
	fmt.Printf("conns=%d swarms=%d offers/announce=%d window=%s\n", o.conns, o.swarms, o.offers, o.duration)
	fmt.Printf("frames received: %d (%.0f/s)  offers relayed to clients: %.0f/s  answers relayed: %.0f/s\n",
		r.frames, r.perSec(r.frames), r.perSec(r.offers), r.perSec(r.answers))
	fmt.Printf("offer->answer round trip: n=%d p50=%s p99=%s max=%s\n", r.rtt.N, r.rtt.P50, r.rtt.P99, r.rtt.Max)
	if r.serverCPU > 0 {
		// every frame received was sent by the tracker: relayed offers and
		// answers plus announce replies
		fmt.Printf("tracker CPU: %s in the window = %.0f frames sent per CPU-second\n",
			r.serverCPU.Round(time.Millisecond), float64(r.frames)/r.serverCPU.Seconds())
	}
	return nil
}

// startChild runs this program with -serve and reads the address it bound.
func startChild(ctx context.Context) (*exec.Cmd, string, error) {
	self, err := os.Executable()
	if err != nil {
		return nil, "", err
	}
	cmd := exec.CommandContext(ctx, self, "-serve", "127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, "", err
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return nil, "", err
	}
	buf := make([]byte, 128)
	n, err := out.Read(buf)
	if err != nil {
		_ = cmd.Process.Kill()
		return nil, "", fmt.Errorf("tracker child: %w", err)
	}
	addr, ok := strings.CutPrefix(strings.TrimSpace(string(buf[:n])), "addr=")
	if !ok {
		_ = cmd.Process.Kill()
		return nil, "", fmt.Errorf("tracker child said %q", buf[:n])
	}
	return cmd, addr, nil
}
