// Command e2e measures P2P in real browsers: N viewers of one live stream
// in headless Chromium (p2p-media-loader through srs-p2p's player page)
// for a few minutes, and how much of what they watched came from each
// other, against the theoretical 1 - 1/N of a swarm where each segment
// crosses the CDN once.
//
//	make bench-e2e
//	go run ./bench/e2e -bin bin/srs-p2p [-viewers 6] [-duration 3m] [-out DIR]
//
// It starts srs-p2p (built with the player bundle: make build) on loopback
// ports with player.serve_hls, so the page plays /hls/live/livestream.m3u8 from
// srs-p2p itself; ffmpeg writing live HLS the way SRS does; and
// integration/browser/viewers.mjs, the driver the browser tests use. It
// prints a table: offload and its ratio to theory (target >= 0.75), stalls
// (target 0), the latency behind live (p50/p95 over every viewer's
// once-a-second samples while playing), startup times, and the pingback
// aggregate next to the pages' own sums.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
)

// options are the command line.
type options struct {
	bin              string
	viewers          int
	duration         time.Duration
	firstAlone       time.Duration
	stagger          time.Duration
	segment          time.Duration
	listSize         int
	pingbackInterval time.Duration
	trackerInterval  time.Duration
	out              string
	driver           string
	chromium         string
}

const (
	maxViewers  = 16
	maxDuration = time.Hour
)

func parseFlags(args []string, stderr io.Writer) (*options, error) {
	o := &options{}
	fs := flag.NewFlagSet("e2e", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.bin, "bin", "", "path of the srs-p2p binary with the player bundle (required; make build)")
	fs.IntVar(&o.viewers, "viewers", 6, "viewers in the swarm")
	fs.DurationVar(&o.duration, "duration", 3*time.Minute, "from the first viewer's arrival to the end")
	fs.DurationVar(&o.firstAlone, "first-alone", 8*time.Second, "how long the first viewer watches alone")
	fs.DurationVar(&o.stagger, "stagger", 3*time.Second, "time between the arrivals of the other viewers")
	fs.DurationVar(&o.segment, "segment", 2*time.Second, "HLS segment duration ffmpeg writes")
	fs.IntVar(&o.listSize, "list-size", 10, "segments in the live playlist")
	fs.DurationVar(&o.pingbackInterval, "pingback-interval", 5*time.Second, "pingback.interval told to viewers")
	fs.DurationVar(&o.trackerInterval, "tracker-interval", 10*time.Second, "tracker.interval told to viewers")
	fs.StringVar(&o.out, "out", "", "directory for the driver's result.json and screenshots; default a new temp dir, kept")
	fs.StringVar(&o.driver, "driver", "integration/browser/viewers.mjs", "the viewers driver, relative to the repository root or absolute")
	fs.StringVar(&o.chromium, "chromium", "/usr/bin/chromium", "the Chromium executable")
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	if fs.NArg() > 0 {
		return nil, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch {
	case o.bin == "":
		return nil, errors.New("-bin is required (make build writes bin/srs-p2p with the player bundle)")
	case o.viewers < 2 || o.viewers > maxViewers:
		return nil, fmt.Errorf("-viewers must be 2..%d, got %d", maxViewers, o.viewers)
	case o.segment < time.Second || o.segment > 10*time.Second || o.segment%time.Second != 0:
		return nil, fmt.Errorf("-segment must be whole seconds in 1s..10s, got %v", o.segment)
	case o.listSize < 3 || o.listSize > 100:
		return nil, fmt.Errorf("-list-size must be 3..100, got %d", o.listSize)
	case o.firstAlone < 0 || o.stagger < 0:
		return nil, errors.New("-first-alone and -stagger must not be negative")
	case o.pingbackInterval < 2*time.Second || o.pingbackInterval > 5*time.Minute:
		return nil, fmt.Errorf("-pingback-interval must be 2s..5m (srs-p2p's range), got %v", o.pingbackInterval)
	case o.trackerInterval < 10*time.Second || o.trackerInterval > 10*time.Minute:
		return nil, fmt.Errorf("-tracker-interval must be 10s..10m (srs-p2p's range), got %v", o.trackerInterval)
	}
	lastArrival := o.firstAlone + time.Duration(o.viewers-2)*o.stagger
	if o.duration <= lastArrival+30*time.Second || o.duration > maxDuration {
		return nil, fmt.Errorf("-duration must leave every viewer at least 30s after the last arrives (> %v) and be at most %v, got %v",
			lastArrival+30*time.Second, maxDuration, o.duration)
	}
	return o, nil
}

func main() { benchutil.Main("e2e", parseFlags, run) }
