// Command manifestload measures srs-p2p under many live streams: how long
// after SRS's playlist rename the manifest listing the new segment appears,
// the CPU it spends per stream-hour, and its memory.
//
//	go build -o srs-p2p ./sidecar && go run ./bench/manifestload -bin ./srs-p2p [-dir /dev/shm]
//
// For each N in -streams it starts a fresh srs-p2p on a fresh dir and plays
// N SRS streams live/s<i>.m3u8: every -segment-seconds (phases spread evenly
// over the streams) each writes a segment of -segment-bytes the way SRS does
// (x.ts.tmp, rename to x.ts, playlist x.m3u8.temp renamed over x.m3u8, then
// the segment that left the -window is deleted). A manifest's latency is the
// time from the playlist rename to the inotify event of the manifest listing
// that segment being renamed into place. The first two segment durations are
// warm-up. It prints a plain text table with the targets beside it.
package main

import (
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
)

// options are the command line.
type options struct {
	bin      string
	dir      string
	streams  []int
	duration time.Duration
	segBytes int64
	segDur   time.Duration
	window   int
	writers  int
	keep     bool
	cpuProf  string
}

const (
	maxStreams  = 100_000
	maxSegBytes = 256 << 20
	maxWindow   = 1000
	maxWriters  = 64
	maxDuration = time.Hour
)

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	var streams string
	var segSeconds float64
	fs := flag.NewFlagSet("manifestload", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.bin, "bin", "", "path of the srs-p2p binary (required)")
	fs.StringVar(&o.dir, "dir", "", "parent of the work dirs (e.g. a tmpfs); default the system temp dir")
	fs.StringVar(&streams, "streams", "1,100,1000", "comma-separated stream counts, one scenario each")
	fs.DurationVar(&o.duration, "duration", 30*time.Second, "length of each scenario, warm-up included")
	fs.Int64Var(&o.segBytes, "segment-bytes", 1<<20, "bytes per segment")
	fs.Float64Var(&segSeconds, "segment-seconds", 2, "seconds between two segments of a stream")
	fs.IntVar(&o.window, "window", 5, "segments in each playlist (SRS's hls_window / segment duration)")
	fs.IntVar(&o.writers, "writers", 4, "writer goroutines shared by all streams")
	fs.BoolVar(&o.keep, "keep", false, "keep the work dirs afterwards")
	fs.StringVar(&o.cpuProf, "cpuprofile", "", "write this program's CPU profile (the load generator's, not srs-p2p's) to this file")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	var err error
	if o.streams, err = parseStreams(streams); err != nil {
		return nil, err
	}
	if segSeconds < 0.1 || segSeconds > 60 {
		return nil, fmt.Errorf("-segment-seconds must be 0.1..60, got %v", segSeconds)
	}
	o.segDur = time.Duration(segSeconds * float64(time.Second))
	switch {
	case o.bin == "":
		return nil, errors.New("-bin is required (build it with: go build -o srs-p2p ./sidecar)")
	case o.duration < 3*o.segDur || o.duration > maxDuration:
		return nil, fmt.Errorf("-duration must be at least 3 segments (%v, two are warm-up) and at most %v, got %v", 3*o.segDur, maxDuration, o.duration)
	case o.segBytes < 16 || o.segBytes > maxSegBytes:
		return nil, fmt.Errorf("-segment-bytes must be 16..%d, got %d", maxSegBytes, o.segBytes)
	case o.window < 1 || o.window > maxWindow:
		return nil, fmt.Errorf("-window must be 1..%d, got %d", maxWindow, o.window)
	case o.writers < 1 || o.writers > maxWriters:
		return nil, fmt.Errorf("-writers must be 1..%d, got %d", maxWriters, o.writers)
	}
	return o, nil
}

// parseStreams reads "1,100,1000": 1..16 counts, each 1..maxStreams.
func parseStreams(s string) ([]int, error) {
	parts := strings.Split(s, ",")
	if len(parts) > 16 {
		return nil, fmt.Errorf("-streams: at most 16 scenarios, got %d", len(parts))
	}
	out := make([]int, 0, len(parts))
	for _, p := range parts {
		n, err := strconv.Atoi(strings.TrimSpace(p))
		if err != nil || n < 1 || n > maxStreams {
			return nil, fmt.Errorf("-streams: %q is not a count in 1..%d", p, maxStreams)
		}
		out = append(out, n)
	}
	return out, nil
}

func main() { benchutil.Main("manifestload", parseFlags, run) }

// run checks the space, runs every scenario and prints the table. It fails
// on errors (including a manifest srs-p2p wrote that does not parse), not
// on slowness or missing segments, which the table reports.
func run(ctx context.Context, o *options, out io.Writer, log *slog.Logger) error {
	parent := o.dir
	if parent == "" {
		parent = os.TempDir()
	}
	free, fsType, err := benchutil.FreeBytes(parent)
	if err != nil {
		return err
	}
	most := slices.Max(o.streams)
	need := uint64(most) * uint64(o.window+2) * uint64(o.segBytes)
	if free < need {
		return fmt.Errorf("not enough space in %s (%s): %d streams x (window %d + 2) x %d bytes = %d MB, only %d MB free; pass -dir, or fewer -streams or -segment-bytes",
			parent, fsType, most, o.window, o.segBytes, need/1e6, free/1e6)
	}
	payload := make([]byte, o.segBytes)
	if _, err := rand.Read(payload); err != nil {
		return err
	}
	if o.cpuProf != "" {
		f, err := os.Create(o.cpuProf)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	hz, hzRead := benchutil.ClockTicks()
	env := environment{parent: parent, fsType: fsType, hz: hz, hzRead: hzRead}

	var results []*scenarioResult
	for _, n := range o.streams {
		r, err := runScenario(ctx, o, n, parent, payload, hz, log)
		if err != nil {
			return fmt.Errorf("%d streams: %w", n, err)
		}
		results = append(results, r)
		log.InfoContext(ctx, "manifestload: scenario done", "streams", n, "samples", r.latency.N, "p99_ms", benchutil.Millis(r.latency.P99), "missing", len(r.missing))
	}
	printReport(out, o, env, results)
	for _, r := range results {
		if r.bad > 0 {
			return fmt.Errorf("%d streams: %d manifests did not parse, first: %v", r.streams, r.bad, r.firstBad)
		}
	}
	return nil
}
