package main

import (
	"math"
	"slices"
	"time"
)

// figures are what the report shows, computed from the driver's result.
type figures struct {
	viewers int
	theory  float64 // 1 - 1/N

	// Sums of the viewers' final stats (what their final beacons covered).
	cdn, p2pDown, p2pUp    int64
	segCDN, segP2P         int64
	verified, rejected     int64
	stalls                 int64
	stallMS                float64
	offload, ratio         float64 // whole run; ratio = offload / theory
	steadyOffload          float64 // from warmupEnd to the end
	steadyRatio            float64
	steadyFrom             time.Duration // after the first viewer's arrival
	latencyP50, latencyP95 float64       // seconds behind live, while playing
	latencySamples         int
	startupP50, startupMax float64 // ms
	incomplete             []int   // viewers without a final snapshot
}

// offloadOf is p2p / (p2p + cdn), 0 when nothing was downloaded.
func offloadOf(p2p, cdn int64) float64 {
	if p2p+cdn <= 0 {
		return 0
	}
	return float64(p2p) / float64(p2p+cdn)
}

// computeFigures sums the viewers' final stats, and measures the offload
// again from warmup after the first arrival (every viewer in, buffers
// filled) by subtracting each viewer's counters at that moment.
func computeFigures(r *result, warmup time.Duration) figures {
	f := figures{viewers: len(r.Viewers), theory: 1 - 1/float64(len(r.Viewers)), steadyFrom: warmup}
	var latencies, startups []float64
	var steadyP2P, steadyCDN int64
	from := r.StartedAtMS + warmup.Milliseconds()
	for _, v := range r.Viewers {
		s := v.Final
		if s == nil || v.FinalStale {
			f.incomplete = append(f.incomplete, v.Index)
			s = v.Last
		}
		if s == nil {
			continue
		}
		f.cdn += s.CDNBytes
		f.p2pDown += s.P2PDownBytes
		f.p2pUp += s.P2PUpBytes
		f.segCDN += s.SegmentsCDN
		f.segP2P += s.SegmentsP2P
		f.verified += s.Verified
		f.rejected += s.Rejected
		f.stalls += s.Stalls
		f.stallMS += s.StallMS
		if s.StartupMS != nil && *s.StartupMS > 0 {
			startups = append(startups, *s.StartupMS)
		}
		base := stats{}
		for _, p := range v.Series {
			if p.T >= from {
				base = p.Stats
				break
			}
		}
		// Counters only grow; a base above the end would be a broken page.
		steadyP2P += max(0, s.P2PDownBytes-base.P2PDownBytes)
		steadyCDN += max(0, s.CDNBytes-base.CDNBytes)
		for _, p := range v.Series {
			if p.Stats.Playing && p.Stats.LiveLatencyS != nil && *p.Stats.LiveLatencyS > 0 {
				latencies = append(latencies, *p.Stats.LiveLatencyS)
			}
		}
	}
	f.offload = offloadOf(f.p2pDown, f.cdn)
	f.ratio = f.offload / f.theory
	f.steadyOffload = offloadOf(steadyP2P, steadyCDN)
	f.steadyRatio = f.steadyOffload / f.theory
	f.latencySamples = len(latencies)
	f.latencyP50, f.latencyP95 = percentile(latencies, 50), percentile(latencies, 95)
	f.startupP50 = percentile(startups, 50)
	if len(startups) > 0 {
		f.startupMax = slices.Max(startups)
	}
	return f
}

// percentile is the nearest-rank percentile (0 for no samples).
func percentile(samples []float64, p float64) float64 {
	if len(samples) == 0 {
		return 0
	}
	s := slices.Clone(samples)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return s[min(max(i, 0), len(s)-1)]
}

// targets of the issue: at least 0.75 of the theoretical offload, and no
// stall.
const targetRatio = 0.75

func (f figures) ratioMet() bool  { return f.ratio >= targetRatio }
func (f figures) stallsMet() bool { return f.stalls == 0 }
