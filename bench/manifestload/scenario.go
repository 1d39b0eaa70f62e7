package main

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
)

const (
	// missingAfter: a segment no manifest lists this long after its
	// playlist rename counts as missing, a failure.
	missingAfter = 5 * time.Second
	// drainPoll is how often the end of a scenario checks for segments
	// still waiting for their manifest.
	drainPoll = 20 * time.Millisecond
)

// scenarioResult is what one run with N streams measured.
type scenarioResult struct {
	streams    int
	latency    benchutil.Summary
	missing    []missed
	window     time.Duration // measured wall time
	sidecarCPU time.Duration // srs-p2p's utime+stime over window
	selfCPU    time.Duration // this program's (writers and observer) over window
	stallPct   float64       // share of window some task waited for a CPU; -1 unknown
	loadAvg    string        // the load averages at the end
	mem        benchutil.Memory
	lag        []benchutil.Bucket // srs-p2p's srs_p2p_manifest_lag_seconds
	lateness   benchutil.Summary  // how late the writers started segments
	written    int
	manifests  int
	overflows  int
	bad        int
	firstBad   error
	problems   int
	firstLines []string
}

// cpuPerStreamHour is srs-p2p's CPU seconds per stream-hour of streaming.
func (r *scenarioResult) cpuPerStreamHour() float64 {
	h := r.window.Hours() * float64(r.streams)
	if h <= 0 {
		return 0
	}
	return r.sidecarCPU.Seconds() / h
}

// cpuSample is both processes' CPU ticks and the machine's CPU stall
// total at one instant.
type cpuSample struct {
	at            time.Time
	sidecar, self benchutil.CPUTicks
	stall         time.Duration
	haveStall     bool
}

func sampleCPU(pid int) (cpuSample, error) {
	s := cpuSample{at: time.Now()}
	var err error
	if s.sidecar, err = benchutil.ReadCPU(pid); err != nil {
		return s, fmt.Errorf("srs-p2p cpu: %w", err)
	}
	if s.self, err = benchutil.ReadCPU(0); err != nil {
		return s, fmt.Errorf("own cpu: %w", err)
	}
	s.stall, s.haveStall = benchutil.ReadCPUPressure()
	return s, nil
}

// runScenario runs srs-p2p against N simulated streams in a fresh dir under
// parent and measures it. Everything it starts is stopped before it returns.
func runScenario(ctx context.Context, o *options, n int, parent string, payload []byte, hz uint64, log *slog.Logger) (*scenarioResult, error) {
	base, err := os.MkdirTemp(parent, "manifestload-"+strconv.Itoa(n)+"-")
	if err != nil {
		return nil, err
	}
	if !o.keep {
		defer os.RemoveAll(base)
	}
	live := filepath.Join(base, "live")
	if err := os.Mkdir(live, 0o755); err != nil {
		return nil, err
	}

	settings := benchutil.Settings(base)
	settings["SRS_P2P_HLS_MAX_STREAMS"] = strconv.Itoa(n + 16)
	sc, err := benchutil.StartSidecar(ctx, o.bin, settings)
	if err != nil {
		return nil, err
	}
	defer sc.Stop()

	start := time.Now()
	measureFrom, end := start.Add(2*o.segDur), start.Add(o.duration)
	tr := newTracker(n, measureFrom, missingAfter)
	obs, err := newObserver(live, n, tr)
	if err != nil {
		return nil, err
	}
	obs.start()
	defer obs.stop()
	gen := newGenerator(live, o, n, payload, tr)
	genCtx, cancelGen := context.WithCancel(ctx)
	defer cancelGen()
	genErr := make(chan error, 1)
	go func() { genErr <- gen.run(genCtx, start, end) }()
	log.InfoContext(ctx, "manifestload: scenario started", "streams", n, "pid", sc.PID(), "dir", base)

	// The measured window: from the end of the warm-up to the end of
	// publishing.
	var from, to cpuSample
	warm := time.NewTimer(time.Until(measureFrom))
	defer warm.Stop()
	for done := false; !done; {
		select {
		case <-warm.C:
			if from, err = sampleCPU(sc.PID()); err != nil {
				return nil, err
			}
		case err := <-genErr:
			if err != nil {
				return nil, fmt.Errorf("writing streams: %w", err)
			}
			done = true
		case <-sc.Exited():
			return nil, fmt.Errorf("srs-p2p exited during the run: %w", sc.Stop())
		}
	}
	if from.at.IsZero() {
		return nil, fmt.Errorf("-duration %v ended before the warm-up", o.duration)
	}
	if to, err = sampleCPU(sc.PID()); err != nil {
		return nil, err
	}

	if err := drain(ctx, tr, sc, end.Add(missingAfter)); err != nil {
		return nil, err
	}
	mem, err := benchutil.ReadMemory(sc.PID())
	if err != nil {
		return nil, fmt.Errorf("srs-p2p memory: %w", err)
	}
	// srs-p2p's own view: playlist mtime -> manifest renamed, as its
	// histogram saw it (whole run, warm-up included), free of this
	// program's lateness when the machine is saturated.
	lag, err := benchutil.ScrapeHistogram(sc.Addr(), "srs_p2p_manifest_lag_seconds")
	if err != nil {
		return nil, fmt.Errorf("srs-p2p metrics: %w", err)
	}
	obs.stop()
	if err := sc.Stop(); err != nil {
		return nil, err
	}

	samples, missing := tr.finish()
	lateness, written := gen.stats()
	r := &scenarioResult{
		streams:    n,
		latency:    benchutil.Summarize(samples),
		lag:        lag,
		missing:    missing,
		window:     to.at.Sub(from.at),
		sidecarCPU: benchutil.TicksToDuration(to.sidecar.Total()-from.sidecar.Total(), hz),
		selfCPU:    benchutil.TicksToDuration(to.self.Total()-from.self.Total(), hz),
		stallPct:   -1,
		loadAvg:    benchutil.LoadAvg(),
		mem:        mem,
		lateness:   benchutil.Summarize(lateness),
		written:    written,
		manifests:  obs.manifests,
		overflows:  obs.overflows,
		bad:        obs.bad,
		firstBad:   obs.firstBad,
	}
	if from.haveStall && to.haveStall && r.window > 0 {
		r.stallPct = 100 * float64(to.stall-from.stall) / float64(r.window)
	}
	r.problems, r.firstLines = sc.Problems()
	return r, nil
}

// drain waits until every published segment has been seen in a manifest,
// or until deadline (the last publish plus the missing limit).
func drain(ctx context.Context, tr *tracker, sc *benchutil.Sidecar, deadline time.Time) error {
	tick := time.NewTicker(drainPoll)
	defer tick.Stop()
	for tr.pendingCount() > 0 && time.Now().Before(deadline) {
		select {
		case <-tick.C:
		case <-sc.Exited():
			return fmt.Errorf("srs-p2p exited during the run: %w", sc.Stop())
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return nil
}
