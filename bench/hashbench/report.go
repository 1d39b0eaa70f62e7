package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
)

// ratioTarget is the lowest acceptable srs-p2p(1 worker)/sha256sum
// throughput ratio. Missing it is reported, never an error.
const ratioTarget = 0.9

// result is every run of one measurement.
type result struct {
	name string
	runs []time.Duration
}

func (r *result) add(d time.Duration) { r.runs = append(r.runs, d) }

func (r *result) best() time.Duration {
	if len(r.runs) == 0 {
		return 0
	}
	return slices.Min(r.runs)
}

// mbps is the throughput of the best run in MB/s (10^6 bytes per second).
func (r *result) mbps(bytes int64) float64 {
	b := r.best()
	if b <= 0 {
		return 0
	}
	return float64(bytes) / 1e6 / b.Seconds()
}

func (r *result) runsText() string {
	parts := make([]string, len(r.runs))
	for i, d := range r.runs {
		parts[i] = fmt.Sprintf("%.1f", float64(d)/float64(time.Millisecond))
	}
	return strings.Join(parts, " ")
}

// printTable writes the results as plain text, ready to paste into a note.
func printTable(out io.Writer, w *workDir, runs int, baseName, loadBefore string, base, inproc, one, all result) {
	total := w.totalBytes()
	fmt.Fprintf(out, "hashbench: %d files x %d bytes = %.1f MB on %s, page cache warm, best of %d, MB = 10^6 bytes\n",
		w.files, w.size, float64(total)/1e6, w.fsType, runs)
	fmt.Fprintf(out, "baseline: %s, one process over all files; srs-p2p: playlist rename -> complete manifest, fresh process per run\n", baseName)
	fmt.Fprintf(out, "machine: %d CPUs, load average %s before, %s after (other work shares the machine)\n\n", numCPU(), loadBefore, benchutil.LoadAvg())
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "hasher\tbest ms\tMB/s\truns ms\t")
	for _, r := range []result{base, inproc, one, all} {
		fmt.Fprintf(tw, "%s\t%.1f\t%.0f\t%s\t\n", r.name, float64(r.best())/float64(time.Millisecond), r.mbps(total), r.runsText())
	}
	tw.Flush()
	ratio := 0.0
	if b := base.mbps(total); b > 0 {
		ratio = one.mbps(total) / b
	}
	verdict := "met"
	if ratio < ratioTarget {
		verdict = "NOT MET"
	}
	fmt.Fprintf(out, "\nratio srs-p2p(1 worker) / sha256sum = %.2f (target >= %.2f: %s)\n", ratio, ratioTarget, verdict)
}
