package main

import (
	"fmt"
	"io"
	"text/tabwriter"
)

// agreement is the pingback aggregate next to the pages' own sums.
type agreement struct {
	ok                  bool
	cdn, p2pDown, p2pUp int64
	err                 string
}

// printReport writes the per-viewer table and the figures with their
// targets.
func printReport(w io.Writer, o *options, r *result, f figures, pb agreement, problems int, firstProblems []string) {
	fmt.Fprintf(w, "e2e: %d viewers of %s/%s (%v segments, playlist of %d) for %v in %s\n",
		o.viewers, streamApp, streamName, o.segment, o.listSize, o.duration, r.Browser)
	fmt.Fprintf(w, "first viewer alone %v, then one every %v; pingback every %v, tracker announces every %v\n\n",
		o.firstAlone, o.stagger, o.pingbackInterval, o.trackerInterval)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "viewer\tpeer_id\tnat\tstartup ms\tcdn MB\tp2p down MB\tp2p up MB\tseg cdn\tseg p2p\tverified\trejected\tstalls\tlatency p50 s\t")
	for _, v := range r.Viewers {
		s := v.Final
		if s == nil {
			s = v.Last
		}
		if s == nil {
			fmt.Fprintf(tw, "%d\t(no stats: %s)\t\t\t\t\t\t\t\t\t\t\t\t\n", v.Index, viewerProblem(v))
			continue
		}
		var lat []float64
		for _, p := range v.Series {
			if p.Stats.Playing && p.Stats.LiveLatencyS != nil && *p.Stats.LiveLatencyS > 0 {
				lat = append(lat, *p.Stats.LiveLatencyS)
			}
		}
		startup := 0.0
		if s.StartupMS != nil {
			startup = *s.StartupMS
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%.0f\t%.2f\t%.2f\t%.2f\t%d\t%d\t%d\t%d\t%d\t%.1f\t\n", v.Index, s.PeerID, s.NAT, startup,
			mb(s.CDNBytes), mb(s.P2PDownBytes), mb(s.P2PUpBytes), s.SegmentsCDN, s.SegmentsP2P, s.Verified, s.Rejected, s.Stalls,
			percentile(lat, 50))
	}
	fmt.Fprintf(tw, "all\t\t\t\t%.2f\t%.2f\t%.2f\t%d\t%d\t%d\t%d\t%d\t\t\n",
		mb(f.cdn), mb(f.p2pDown), mb(f.p2pUp), f.segCDN, f.segP2P, f.verified, f.rejected, f.stalls)
	tw.Flush()

	fmt.Fprintln(w)
	tw = tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "figure\tvalue\ttarget\tmet")
	fmt.Fprintf(tw, "P2P offload, whole run: p2p/(p2p+cdn)\t%.3f\t\t\n", f.offload)
	fmt.Fprintf(tw, "theory 1 - 1/N\t%.3f\t\t\n", f.theory)
	fmt.Fprintf(tw, "offload / theory\t%.2f\t>= %.2f\t%s\n", f.ratio, targetRatio, yes(f.ratioMet()))
	fmt.Fprintf(tw, "offload after %v (all in)\t%.3f (%.2f of theory)\t\t\n", f.steadyFrom, f.steadyOffload, f.steadyRatio)
	fmt.Fprintf(tw, "stalls (total time)\t%d (%.1f s)\t0\t%s\n", f.stalls, f.stallMS/1000, yes(f.stallsMet()))
	fmt.Fprintf(tw, "latency behind live p50 / p95\t%.1f s / %.1f s\t\t(%d samples)\n", f.latencyP50, f.latencyP95, f.latencySamples)
	fmt.Fprintf(tw, "startup p50 / max\t%.0f ms / %.0f ms\t\t\n", f.startupP50, f.startupMax)
	fmt.Fprintf(tw, "rejected P2P segments\t%d\t0\t%s\n", f.rejected, yes(f.rejected == 0))
	if pb.ok {
		fmt.Fprintf(tw, "pingback 300s window = pages' sums\tyes (offload %.3f)\t\t\n", offloadOf(pb.p2pDown, pb.cdn))
	} else {
		fmt.Fprintf(tw, "pingback 300s window = pages' sums\tno: %s\t\t\n", pb.err)
	}
	tw.Flush()
	if len(f.incomplete) > 0 {
		fmt.Fprintf(w, "\nviewers without a final snapshot (their last poll is counted): %v\n", f.incomplete)
	}
	for _, v := range r.Viewers {
		if p := viewerProblem(v); p != "" {
			fmt.Fprintf(w, "viewer %d: %s\n", v.Index, p)
		}
	}
	if problems > 0 {
		fmt.Fprintf(w, "\nsrs-p2p logged %d warnings or errors, first ones:\n", problems)
		for _, l := range firstProblems {
			fmt.Fprintf(w, "  %s\n", l)
		}
	}
}

// viewerProblem names what went wrong with a page, "" when nothing did.
func viewerProblem(v viewer) string {
	switch {
	case v.OpenError != nil:
		return "did not open: " + *v.OpenError
	case v.NotReady:
		return "player never ready"
	case v.PlayerError != nil:
		return "player error: " + *v.PlayerError
	case len(v.PageErrors) > 0:
		return fmt.Sprintf("%d page errors, first: %s", len(v.PageErrors), v.PageErrors[0])
	}
	return ""
}

func mb(b int64) float64 { return float64(b) / 1e6 }

func yes(ok bool) string {
	if ok {
		return "yes"
	}
	return "NO"
}
