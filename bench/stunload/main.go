// Command stunload measures srs-p2p's STUN service against coturn in the
// same run, on loopback: requests per second, latency, server CPU time per
// request, wrong replies and loss.
//
//	go build -o bin/stunload-server ./bench/stunload/server
//	go run ./bench/stunload -server bin/stunload-server
//
// Each run starts one server as its own process (srs-p2p's STUN service
// via the stunload server program, or with -srs-p2p the real binary; or
// coturn's turnserver with the STUN-only flags), loads it from
// -sockets UDP sockets with -inflight bare Binding requests outstanding on
// each, and checks the XOR-MAPPED-ADDRESS of every reply against the
// socket's own address. After -warmup, it measures -duration: replies per
// second, latency percentiles, and the server's CPU time (utime + stime
// from /proc/PID/stat) divided by the replies in that window. Rounds
// alternate the order of the two servers. It prints a plain text table.
//
// It exits non-zero on errors and on wrong replies, never on slowness or
// loss, which the table reports against the targets.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"

	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
)

// options are the command line.
type options struct {
	server        string // the stunload server program
	srsP2P        string // or the srs-p2p binary
	srsP2PEnv     []string
	coturn        string
	floor         bool
	serverSockets int
	rounds        int
	shape         loadShape
}

const (
	maxSockets  = 4096
	maxInflight = 256
	maxRounds   = 20
	maxDuration = 10 * time.Minute
	// maxSamples bounds latency samples per run (8 bytes each).
	maxSamples = 4 << 20
)

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{shape: loadShape{maxSamples: maxSamples}}
	var env string
	fs := flag.NewFlagSet("stunload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.server, "server", "", "path of the stunload server program (go build -o bin/stunload-server ./bench/stunload/server)")
	fs.StringVar(&o.srsP2P, "srs-p2p", "", "path of an srs-p2p binary serving STUN, used instead of -server")
	fs.StringVar(&env, "srs-p2p-env", "SRS_P2P_STUN_RATE=1000000,SRS_P2P_STUN_BURST=1000000",
		"comma-separated KEY=VALUE settings for -srs-p2p (the load comes from one source: lift its rate limit)")
	fs.StringVar(&o.coturn, "coturn", "turnserver", "coturn's turnserver binary")
	fs.BoolVar(&o.floor, "floor", true, "also run the floor reference (the server program's -floor mode: same sockets and batch calls, no STUN work)")
	fs.IntVar(&o.serverSockets, "server-sockets", 0, "UDP sockets of the srs-p2p server (0: its GOMAXPROCS)")
	fs.IntVar(&o.rounds, "rounds", 2, "rounds; each runs both servers, alternating which goes first")
	fs.IntVar(&o.shape.sockets, "sockets", 64, "client UDP sockets")
	fs.IntVar(&o.shape.inflight, "inflight", 4, "requests outstanding per socket")
	fs.DurationVar(&o.shape.warmup, "warmup", time.Second, "load before the measured window")
	fs.DurationVar(&o.shape.duration, "duration", 10*time.Second, "measured window per run")
	fs.DurationVar(&o.shape.timeout, "timeout", time.Second, "a request without a reply after this is lost")
	fs.DurationVar(&o.shape.drain, "drain", time.Second, "wait for the last replies after the window")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if env != "" {
		o.srsP2PEnv = strings.Split(env, ",")
	}
	for _, kv := range o.srsP2PEnv {
		if k, _, ok := strings.Cut(kv, "="); !ok || !strings.HasPrefix(k, "SRS_P2P_") {
			return nil, fmt.Errorf("-srs-p2p-env: %q is not SRS_P2P_KEY=VALUE", kv)
		}
	}
	s := o.shape
	switch {
	case (o.server == "") == (o.srsP2P == ""):
		return nil, errors.New("give exactly one of -server (go build -o bin/stunload-server ./bench/stunload/server) and -srs-p2p")
	case o.serverSockets < 0 || o.serverSockets > 64:
		return nil, fmt.Errorf("-server-sockets must be 0..64, got %d", o.serverSockets)
	case o.rounds < 1 || o.rounds > maxRounds:
		return nil, fmt.Errorf("-rounds must be 1..%d, got %d", maxRounds, o.rounds)
	case s.sockets < 1 || s.sockets > maxSockets:
		return nil, fmt.Errorf("-sockets must be 1..%d, got %d", maxSockets, s.sockets)
	case s.inflight < 1 || s.inflight > maxInflight:
		return nil, fmt.Errorf("-inflight must be 1..%d, got %d", maxInflight, s.inflight)
	case s.warmup < 0 || s.warmup > maxDuration:
		return nil, fmt.Errorf("-warmup must be 0..%v, got %v", maxDuration, s.warmup)
	case s.duration < time.Second || s.duration > maxDuration:
		return nil, fmt.Errorf("-duration must be 1s..%v, got %v", maxDuration, s.duration)
	case s.timeout < 10*time.Millisecond || s.timeout > time.Minute:
		return nil, fmt.Errorf("-timeout must be 10ms..1m, got %v", s.timeout)
	case s.drain < s.timeout || s.drain > time.Minute:
		return nil, fmt.Errorf("-drain must be from -timeout (%v) to 1m, got %v", s.timeout, s.drain)
	}
	return o, nil
}

func main() { benchutil.Main("stunload", parseFlags, run) }

// run measures both servers -rounds times and prints the table. It fails
// on errors and on wrong replies.
func run(ctx context.Context, o *options, out io.Writer, log *slog.Logger) error {
	coturn, err := exec.LookPath(o.coturn)
	if err != nil {
		return fmt.Errorf("coturn's turnserver is required (Debian package coturn): run `make deps` or apt-get install -y coturn: %w", err)
	}
	dir, err := os.MkdirTemp("", "stunload-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	hz, hzRead := benchutil.ClockTicks()
	env := environment{hz: hz, hzRead: hzRead, coturnVersion: coturnVersion(ctx, coturn)}

	var results []*runResult
	for round := 1; round <= o.rounds; round++ {
		order := []string{"srs-p2p", "coturn"}
		if o.floor && o.server != "" {
			order = append(order, "floor")
		}
		if round%2 == 0 {
			slices.Reverse(order)
		}
		for _, name := range order {
			var t *target
			var err error
			switch name {
			case "coturn":
				t, err = startCoturn(ctx, coturn, dir)
			case "floor":
				t, err = startServerProgram(ctx, name, o.server, o.serverSockets)
			default:
				t, err = startOurs(ctx, o, dir)
			}
			if err != nil {
				return err
			}
			r, err := runLoad(ctx, o.shape, t.addr, t.pid, hz)
			stopErr := t.stop()
			if err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			if name != "coturn" && stopErr != nil {
				return fmt.Errorf("%s did not stop cleanly: %w", name, stopErr)
			}
			results = append(results, &runResult{server: name, round: round, loadResult: r})
			log.InfoContext(ctx, "stunload: run done", "server", name, "round", round,
				"answered", r.answered, "us_per_req", usPerReq(r), "wrong", r.wrong, "lost", r.lost)
		}
	}
	printReport(out, o, env, results)
	var wrong uint64
	for _, r := range results {
		wrong += r.wrong
	}
	if wrong > 0 {
		return fmt.Errorf("%d wrong replies (listed above)", wrong)
	}
	return nil
}

// startOurs starts srs-p2p's STUN service: the stunload server program,
// or the srs-p2p binary with -srs-p2p.
func startOurs(ctx context.Context, o *options, dir string) (*target, error) {
	if o.srsP2P == "" {
		return startServerProgram(ctx, "srs-p2p", o.server, o.serverSockets)
	}
	hls, err := os.MkdirTemp(dir, "hls-")
	if err != nil {
		return nil, err
	}
	settings := benchutil.Settings(hls)
	for _, kv := range o.srsP2PEnv {
		k, v, _ := strings.Cut(kv, "=")
		settings[k] = v
	}
	return startSidecarSTUN(ctx, o.srsP2P, settings)
}

// coturnVersion is what `turnserver --version` prints, for the report.
func coturnVersion(ctx context.Context, bin string) string {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	b, err := exec.CommandContext(ctx, bin, "--version").Output()
	if err != nil {
		return "unknown version"
	}
	return strings.TrimSpace(string(b))
}
