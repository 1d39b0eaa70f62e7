package main

import (
	"fmt"
	"io"
	"runtime"
	"text/tabwriter"
	"time"
)

// The targets, printed beside the results.
const (
	targetCPURatio = 0.4   // srs-p2p CPU per request / coturn's
	targetLossPct  = 0.001 // percent of requests
)

// environment is what the reader needs to judge the figures.
type environment struct {
	hz            uint64
	hzRead        bool
	coturnVersion string
}

// runResult is one server's run in one round.
type runResult struct {
	server string
	round  int
	*loadResult
}

func usPerReq(r *loadResult) float64 {
	if r.windowOK == 0 {
		return 0
	}
	return float64(r.serverCPU) / float64(time.Microsecond) / float64(r.windowOK)
}

func genUsPerReq(r *loadResult) float64 {
	if r.windowOK == 0 {
		return 0
	}
	return float64(r.genCPU) / float64(time.Microsecond) / float64(r.windowOK)
}

func reqPerSec(r *loadResult) float64 {
	if r.window <= 0 {
		return 0
	}
	return float64(r.windowOK) / r.window.Seconds()
}

func lossPct(sent, lost uint64) float64 {
	if sent == 0 {
		return 0
	}
	return 100 * float64(lost) / float64(sent)
}

// replyBytes is the mean size of what the server sent per reply, against
// the 20-byte request: the reflection factor a spoofer would get.
func replyBytes(r *loadResult) float64 {
	if r.answered+r.late+r.wrong == 0 {
		return 0
	}
	return float64(r.rxBytes) / float64(r.answered+r.late+r.wrong)
}

func printReport(out io.Writer, o *options, env environment, results []*runResult) {
	hzHow := "read from the auxiliary vector"
	if !env.hzRead {
		hzHow = "ASSUMED, could not be read"
	}
	ours := "the stunload server program (srs-p2p's stunserver package alone)"
	if o.srsP2P != "" {
		ours = "the srs-p2p binary " + o.srsP2P
	}
	s := o.shape
	fmt.Fprintf(out, "stunload: loopback, %d client UDP sockets x %d bare 20-byte Binding requests in flight; %v measured per run after %v warm-up; %d rounds alternating the order\n",
		s.sockets, s.inflight, s.duration, s.warmup, o.rounds)
	fmt.Fprintf(out, "srs-p2p: %s, rate limiter on (at a rate one host cannot reach); coturn: %s, turnserver %v\n", ours, env.coturnVersion, coturnArgs(0, "DIR")[1:5])
	fmt.Fprintf(out, "server cpu: utime+stime of the server process (/proc/PID/stat, CLK_TCK %d, %s) over the window / replies in the window.\n", env.hz, hzHow)
	fmt.Fprintf(out, "The load generator shares the machine's %d CPUs with the server; its own CPU per request is shown. Every reply's XOR-MAPPED-ADDRESS is checked.\n\n", runtime.NumCPU())

	tw := tabwriter.NewWriter(out, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "server\tround\treq/s\tp50 ms\tp99 ms\tserver cpu us/req\tgen cpu us/req\treply bytes\tsent\twrong\tlost\tloss %\tlate\t")
	for _, r := range results {
		fmt.Fprintf(tw, "%s\t%d\t%.0f\t%.3f\t%.3f\t%.2f\t%.2f\t%.1f\t%d\t%d\t%d\t%.5f\t%d\t\n",
			r.server, r.round, reqPerSec(r.loadResult), millis3(r.latency.P50), millis3(r.latency.P99),
			usPerReq(r.loadResult), genUsPerReq(r.loadResult), replyBytes(r.loadResult),
			r.sent, r.wrong, r.lost, lossPct(r.sent, r.lost), r.late)
	}
	tw.Flush()

	sum := map[string]*totals{"srs-p2p": {}, "coturn": {}, "floor": {}}
	for _, r := range results {
		t := sum[r.server]
		t.cpu += r.serverCPU
		t.ok += r.windowOK
		t.sent += r.sent
		t.lost += r.lost
		t.wrong += r.wrong
	}
	ours2, theirs := sum["srs-p2p"], sum["coturn"]
	ratio := 0.0
	if theirs.us() > 0 {
		ratio = ours2.us() / theirs.us()
	}
	fmt.Fprintf(out, "\nall rounds: server cpu per request srs-p2p %.2f us, coturn %.2f us, ratio %.2f (target <= %.2f): %s\n",
		ours2.us(), theirs.us(), ratio, targetCPURatio, met(ratio > 0 && ratio <= targetCPURatio))
	if fl := sum["floor"]; fl.ok > 0 {
		fmt.Fprintf(out, "floor (same sockets and batch calls, no STUN work): %.2f us per request, %.2f of coturn's; srs-p2p spends %.2f us above it\n",
			fl.us(), fl.us()/max(theirs.us(), 1e-9), ours2.us()-fl.us())
	}
	fmt.Fprintf(out, "wrong replies: srs-p2p %d, coturn %d (target 0): %s\n", ours2.wrong, theirs.wrong, met(ours2.wrong == 0))
	fmt.Fprintf(out, "loss: srs-p2p %.5f%%, coturn %.5f%% (target <= %.3f%%): %s\n",
		lossPct(ours2.sent, ours2.lost), lossPct(theirs.sent, theirs.lost), targetLossPct, met(lossPct(ours2.sent, ours2.lost) <= targetLossPct))
	for _, r := range results {
		for _, b := range r.firstBad {
			fmt.Fprintf(out, "wrong reply from %s (round %d): %s\n", r.server, r.round, b)
		}
	}
}

type totals struct {
	cpu                   time.Duration
	ok, sent, lost, wrong uint64
}

func (t *totals) us() float64 {
	if t.ok == 0 {
		return 0
	}
	return float64(t.cpu) / float64(time.Microsecond) / float64(t.ok)
}

func met(ok bool) string {
	if ok {
		return "met"
	}
	return "NOT MET"
}

// millis3 is a duration in milliseconds with microsecond precision.
func millis3(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
