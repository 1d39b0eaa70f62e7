package main

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
)

// Targets printed beside the results; missing one is reported, not an error.
const (
	target100P99  = 5 * time.Millisecond
	target1000P99 = 50 * time.Millisecond
	target1000RSS = 200e6 // bytes
	// maxListed bounds how many missing segments and log lines are printed.
	maxListed = 20
)

// environment is what the reader needs to judge the figures.
type environment struct {
	parent string
	fsType string
	hz     uint64
	hzRead bool
}

func printReport(out io.Writer, o *options, env environment, results []*scenarioResult) {
	hzHow := "read from the auxiliary vector, as sysconf(_SC_CLK_TCK)"
	if !env.hzRead {
		hzHow = "ASSUMED, could not be read"
	}
	fmt.Fprintf(out, "manifestload: %d-byte segments every %v per stream, window %d, %v per scenario (first %v warm-up), files on %s, %d CPUs, CLK_TCK %d (%s)\n",
		o.segBytes, o.segDur, o.window, o.duration, 2*o.segDur, env.fsType, runtime.NumCPU(), env.hz, hzHow)
	fmt.Fprintf(out, "latency: playlist rename -> inotify event of the manifest listing the segment; missing: not listed within %v; MB = 10^6 bytes\n", missingAfter)
	fmt.Fprintf(out, "srs-p2p p50/p99: its own srs_p2p_manifest_lag_seconds (playlist mtime -> manifest renamed), histogram bucket bounds\n")
	fmt.Fprintf(out, "srs-p2p and this load generator (segment writers + manifest observer) share the machine with whatever else runs; cpu columns cover the measured window.\n")
	fmt.Fprintf(out, "cpu stall: share of the window in which some task waited for a CPU (/proc/pressure/cpu); gen late: how late segments were started. High values mean a saturated machine.\n\n")

	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "streams\tsamples\tp50 ms\tp99 ms\tmax ms\tmissing\tsrs-p2p p50/p99 ms\tsrs-p2p cpu s\tcpu s/stream-h\tVmRSS MB\tVmHWM MB\tgenerator cpu s\tcpu stall %\tgen late p99 ms\ttarget")
	for _, r := range results {
		fmt.Fprintf(tw, "%d\t%d\t%.2f\t%.2f\t%.2f\t%d\t%s\t%.2f\t%.2f\t%.1f\t%.1f\t%.2f\t%s\t%.2f\t%s\n",
			r.streams, r.latency.N, benchutil.Millis(r.latency.P50), benchutil.Millis(r.latency.P99), benchutil.Millis(r.latency.Max),
			len(r.missing), lagText(r.lag), r.sidecarCPU.Seconds(), r.cpuPerStreamHour(), float64(r.mem.RSS)/1e6, float64(r.mem.HWM)/1e6,
			r.selfCPU.Seconds(), stallText(r.stallPct), benchutil.Millis(r.lateness.P99), verdict(r))
	}
	tw.Flush()
	fmt.Fprintf(out, "\ntargets: p99 <= %v at 100 streams, <= %v at 1000; VmRSS <= %.0f MB at 1000\n", target100P99, target1000P99, target1000RSS/1e6)

	for _, r := range results {
		printDetails(out, r)
	}
}

// lagText shows srs-p2p's own latency histogram as "<=p50/<=p99": bucket
// upper bounds, the resolution a histogram has.
func lagText(b []benchutil.Bucket) string {
	p50, ok50 := benchutil.Quantile(b, 0.50)
	p99, ok99 := benchutil.Quantile(b, 0.99)
	if !ok50 || !ok99 {
		return "-"
	}
	return fmt.Sprintf("<=%.2f/<=%.2f", benchutil.Millis(p50), benchutil.Millis(p99))
}

// verdict compares a row with the targets that apply to its stream count.
func verdict(r *scenarioResult) string {
	var parts []string
	check := func(name string, ok bool) {
		if ok {
			parts = append(parts, name+" met")
		} else {
			parts = append(parts, name+" NOT MET")
		}
	}
	switch r.streams {
	case 100:
		check("p99", r.latency.N > 0 && r.latency.P99 <= target100P99)
	case 1000:
		check("p99", r.latency.N > 0 && r.latency.P99 <= target1000P99)
		check("rss", r.mem.RSS <= target1000RSS)
	default:
		return "-"
	}
	if len(r.missing) > 0 {
		parts = append(parts, "MISSING SEGMENTS")
	}
	return strings.Join(parts, ", ")
}

// printDetails lists what a reader must not overlook: missing segments,
// lost events, unparsable manifests and srs-p2p's warnings.
func printDetails(out io.Writer, r *scenarioResult) {
	fmt.Fprintf(out, "\n%d streams: %d segments written, %d manifests read over %.1f s measured",
		r.streams, r.written, r.manifests, r.window.Seconds())
	fmt.Fprintf(out, ", generator lateness max %.2f ms, load average %s at the end", benchutil.Millis(r.lateness.Max), r.loadAvg)
	if r.overflows > 0 {
		fmt.Fprintf(out, ", %d inotify overflows in the observer (manifests then re-read)", r.overflows)
	}
	if r.bad > 0 {
		fmt.Fprintf(out, ", %d UNPARSABLE manifests (first: %v)", r.bad, r.firstBad)
	}
	fmt.Fprintln(out)
	if len(r.missing) > 0 {
		fmt.Fprintf(out, "  FAILURES: %d segments missing from manifests:\n", len(r.missing))
		for i, m := range r.missing {
			if i == maxListed {
				fmt.Fprintf(out, "    ... and %d more\n", len(r.missing)-maxListed)
				break
			}
			if m.after > 0 {
				fmt.Fprintf(out, "    %s listed only after %.2f s\n", segName(m.stream, m.seq), m.after.Seconds())
			} else {
				fmt.Fprintf(out, "    %s never listed\n", segName(m.stream, m.seq))
			}
		}
	}
	if r.problems > 0 {
		fmt.Fprintf(out, "  srs-p2p logged %d warnings or errors, first:\n", r.problems)
		for i, l := range r.firstLines {
			if i == 5 {
				break
			}
			fmt.Fprintf(out, "    %s\n", l)
		}
	}
}

func stallText(pct float64) string {
	if pct < 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", pct)
}
