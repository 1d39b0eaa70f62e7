package main

import (
	"fmt"
	"io"
	"runtime"
	"text/tabwriter"

	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
)

// The targets, printed beside the figures.
const (
	targetRatio  = 0.7
	targetP99Ms  = 5.0
	reportsShape = "1 report per request"
)

// printTable writes the figures as a plain text table.
func printTable(out io.Writer, o options, runs []throughput, lat latency) {
	fmt.Fprintf(out, "pingbackload: %s, %d sessions (%d x %d streams), %d connections, GOMAXPROCS %d, %v per run, load %s\n\n",
		reportsShape, streams*sessionsPerStream, sessionsPerStream, streams, o.conns, runtime.GOMAXPROCS(0), o.duration, benchutil.LoadAvg())
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "server\treports/s\tprocess CPU s\treports per CPU-s\t")
	for _, r := range runs {
		fmt.Fprintf(tw, "%s\t%.0f\t%.2f\t%.0f\t\n", r.kind, r.perSecond(), r.cpu.Seconds(), r.perCPUSecond())
	}
	_ = tw.Flush()
	ceil, real := runs[0], runs[1]
	fmt.Fprintf(out, "\npingback / ceiling: %.2f of the reports/s, %.2f of the reports per CPU-second (target >= %.1f)\n",
		ratio(real.perSecond(), ceil.perSecond()), ratio(real.perCPUSecond(), ceil.perCPUSecond()), targetRatio)
	fmt.Fprintf(out, "latency at half the max rate (%.0f req/s, open loop, from the scheduled time): p50 %.2f ms, p99 %.2f ms, max %.2f ms (target p99 <= %.0f ms); %d sent, %d not sent (client behind)\n",
		lat.rate, benchutil.Millis(lat.sum.P50), benchutil.Millis(lat.sum.P99), benchutil.Millis(lat.sum.Max), targetP99Ms, lat.sent, lat.missed)
	fmt.Fprintln(out, "CPU is the whole process's (server and client share it); both runs pay the same client cost.")
}

func ratio(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}
