package main

import (
	"fmt"
	"io"
	"runtime"
	"text/tabwriter"
	"time"

	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
)

// The targets, printed beside the results.
const (
	targetThroughputRatio = 5.0    // srs-p2p relayed/s over bittorrent-tracker's
	targetPerCPUSecond    = 150000 // relayed messages per server CPU-second
	targetIdleKB          = 10.0   // RSS per idle connected peer
)

type namedLoad struct {
	name string
	r    loadResult
}

type namedIdle struct {
	name string
	r    idleResult
}

func printMachine(out io.Writer) {
	fmt.Fprintf(out, "machine: %d CPUs (client and tracker share them), load average %s\n", runtime.NumCPU(), benchutil.LoadAvg())
}

func printLoad(out io.Writer, o options, loads []namedLoad) {
	fmt.Fprintf(out, "trackerload: conns=%d swarms=%d offers/announce=%d every=%v warmup=%v window=%v interval=%v\n",
		o.conns, o.swarms, o.offers, o.every, o.warmup, o.duration, announceInterval)
	printMachine(out)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "tracker\toffers sent/s\trelayed msgs/s\toffers/s\tanswers/s\tserver CPU\tclient CPU\trelayed/CPU-s\trtt p50 ms\trtt p99 ms\trtt n\tRSS MB\tfailures\twrong\tlost conns\tCPU stall\t")
	for _, l := range loads {
		r := l.r
		fmt.Fprintf(tw, "%s\t%.0f\t%.0f\t%.0f\t%.0f\t%.2fs\t%.2fs\t%.0f\t%s\t%s\t%d\t%.1f\t%d\t%d\t%d\t%s\t\n",
			l.name, r.perSec(r.offersSent), r.perSec(r.relayed()), r.perSec(r.offers), r.perSec(r.answers),
			r.serverCPU.Seconds(), r.clientCPU.Seconds(), r.perCPUSecond(), millis(r.rtt, r.rtt.P50), millis(r.rtt, r.rtt.P99), r.rtt.N,
			float64(r.serverRSS)/(1<<20), r.failures, r.wrong, r.lostConns, stallText(r))
	}
	ours, base, both := pairLoads(loads)
	if both {
		fmt.Fprintf(tw, "%s / %s\t%s\t%s\t%s\t%s\t%s\t\t%s\t%s\t%s\t\t%s\t\t\t\t\t\n", serverOurs, serverBaseline,
			ratio(ours.perSec(ours.offersSent), base.perSec(base.offersSent)),
			ratio(ours.perSec(ours.relayed()), base.perSec(base.relayed())),
			ratio(ours.perSec(ours.offers), base.perSec(base.offers)), ratio(ours.perSec(ours.answers), base.perSec(base.answers)),
			ratio(ours.serverCPU.Seconds(), base.serverCPU.Seconds()), ratio(ours.perCPUSecond(), base.perCPUSecond()),
			ratio(float64(ours.rtt.P50), float64(base.rtt.P50)), ratio(float64(ours.rtt.P99), float64(base.rtt.P99)),
			ratio(float64(ours.serverRSS), float64(base.serverRSS)))
	}
	_ = tw.Flush()
	fmt.Fprintln(out, "relayed msgs = offers + answers the clients received and checked; relayed/CPU-s = per second of the tracker process's CPU time (user + system);")
	fmt.Fprintln(out, "CPU stall = share of the window in which some runnable task waited for a CPU (/proc/pressure/cpu); it counts this load's own client and tracker too, when together they want more CPUs than the machine has.")
	for _, l := range loads {
		if l.r.offers > 0 && l.r.rtt.N == 0 {
			fmt.Fprintf(out, "note: %s relayed offers but no answer reached its offerer within the window: the answers sat in queues longer than the run (overload).\n", l.name)
		}
	}
	for _, l := range loads {
		if l.name == serverOurs {
			fmt.Fprintf(out, "target: %s >= %d relayed msgs per CPU-second: %.0f (%s)\n",
				serverOurs, targetPerCPUSecond, l.r.perCPUSecond(), met(l.r.perCPUSecond() >= targetPerCPUSecond))
		}
	}
	if both {
		x := ours.perSec(ours.relayed()) / max(base.perSec(base.relayed()), 1)
		fmt.Fprintf(out, "target: relayed msgs/s >= %.0fx bittorrent-tracker's: %.2fx (%s)\n", targetThroughputRatio, x, met(x >= targetThroughputRatio))
	}
	for _, l := range loads {
		for _, e := range l.r.examples {
			fmt.Fprintf(out, "%s: %s\n", l.name, e)
		}
	}
}

func printIdle(out io.Writer, idles []namedIdle) {
	fmt.Fprintf(out, "trackerload -idle: peers connect, announce once without offers, stay connected; RSS read from /proc after -settle\n")
	printMachine(out)
	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "tracker\tidle peers\tRSS before KB\tRSS after KB\tper peer KB\t")
	for _, i := range idles {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%.1f\t\n", i.name, i.r.peers, i.r.before.RSS>>10, i.r.after.RSS>>10, i.r.perPeer()/1024)
	}
	var ours, base *idleResult
	for k := range idles {
		switch idles[k].name {
		case serverOurs:
			ours = &idles[k].r
		case serverBaseline:
			base = &idles[k].r
		}
	}
	if ours != nil && base != nil {
		fmt.Fprintf(tw, "%s / %s\t\t\t\t%s\t\n", serverOurs, serverBaseline, ratio(ours.perPeer(), base.perPeer()))
	}
	_ = tw.Flush()
	if ours != nil {
		kb := ours.perPeer() / 1024
		fmt.Fprintf(out, "target: %s <= %.0f KB RSS per idle peer (the issue asks it at 20,000 connections): %.1f KB at %d (%s)\n",
			serverOurs, targetIdleKB, kb, ours.peers, met(kb <= targetIdleKB))
	}
}

// pairLoads finds the two servers' results.
func pairLoads(loads []namedLoad) (ours, base loadResult, both bool) {
	var haveOurs, haveBase bool
	for _, l := range loads {
		switch l.name {
		case serverOurs:
			ours, haveOurs = l.r, true
		case serverBaseline:
			base, haveBase = l.r, true
		}
	}
	return ours, base, haveOurs && haveBase
}

// stallText is the window's CPU pressure stall as a share of the window.
func stallText(r loadResult) string {
	if r.stall < 0 || r.window <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f%%", 100*r.stall.Seconds()/r.window.Seconds())
}

// millis formats a latency of s in milliseconds, "-" without samples.
func millis(s benchutil.Summary, d time.Duration) string {
	if s.N == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2f", benchutil.Millis(d))
}

// ratio formats a/b as "3.14x", or "-" when b is zero.
func ratio(a, b float64) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.2fx", a/b)
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT met"
}
