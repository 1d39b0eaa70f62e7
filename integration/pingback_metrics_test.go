package integration

import (
	"fmt"
	"math"
	"net/http"
	"testing"
	"time"
)

// checkSimMetrics requires /metrics to count what the fleet sent: every
// stream's srs_p2p_stream_* counters equal its sums, its gauges the 60 s
// window, and the service's srs_p2p_pingback_* counters the requests,
// accepted and duplicate reports, refusals and flagged peers.
func checkSimMetrics(t *testing.T, sc *sidecar, f *simFleet, ts *simTimes) {
	t.Helper()
	status, raw := httpGet(t, sc.url("/metrics"))
	scraped := time.Now()
	if status != http.StatusOK {
		t.Fatalf("GET /metrics: status %d", status)
	}
	body := string(raw)
	value := func(name string) float64 {
		v, ok := trackerClientMetric(body, name)
		if !ok {
			t.Errorf("/metrics has no sample %s", name)
		}
		return v
	}
	check := func(name string, want, tolerance float64) {
		if got := value(name); math.Abs(got-want) > tolerance {
			t.Errorf("%s = %.12g, want %.12g", name, got, want)
		}
	}
	flagged := 0
	for si, st := range f.streams {
		tot, aud := f.expect(si)
		label := fmt.Sprintf("{stream=%q}", simStreamLabel(st.name))
		name := func(n string) string { return "srs_p2p_stream_" + n + label }
		for n, want := range map[string]int64{
			"reports_total":          tot.Reports,
			"cdn_bytes_total":        tot.CDNBytes,
			"p2p_down_bytes_total":   tot.P2PDownBytes,
			"p2p_up_bytes_total":     tot.P2PUpBytes,
			"segments_cdn_total":     tot.SegmentsCDN,
			"segments_p2p_total":     tot.SegmentsP2P,
			"stalls_total":           tot.Stalls,
			"hash_failures_total":    tot.HashFailures,
			"conn_ok_total":          tot.ConnOK,
			"conn_fail_total":        tot.ConnFail,
			"sessions_refused_total": 0,
			"startup_seconds_count":  int64(len(tot.Startups)),
			"bad_peers":              int64(simFlagged[si]),
		} {
			check(name(n), float64(want), 0)
		}
		var startupMS int64
		for _, s := range tot.Startups {
			startupMS += s
		}
		// Float counters add up per report: allow their rounding.
		for n, want := range map[string]float64{
			"stall_seconds_total": float64(tot.StallMS) / 1000,
			"watch_seconds_total": float64(tot.WatchMS) / 1000,
			"startup_seconds_sum": float64(startupMS) / 1000,
		} {
			check(name(n), want, 1e-9*max(want, 1))
		}
		if ts.allIn60s(scraped) {
			check(name("viewers"), float64(aud.viewers), 0)
			check(name("offload_ratio"), simRatio(tot.P2PDownBytes, tot.P2PDownBytes+tot.CDNBytes), 1e-9)
		}
		flagged += simFlagged[si]
	}
	f.mu.Lock()
	service := map[string]int64{
		"srs_p2p_pingback_requests_total":                                 f.posts,
		`srs_p2p_pingback_reports_total{result="accepted"}`:               f.accepted,
		`srs_p2p_pingback_reports_total{result="duplicate"}`:              f.duplicates,
		`srs_p2p_pingback_rejected_requests_total{reason="not_live"}`:     f.notLive,
		`srs_p2p_pingback_rejected_requests_total{reason="rate_limited"}`: 0,
		`srs_p2p_pingback_rejected_requests_total{reason="bad_request"}`:  0,
		"srs_p2p_pingback_bad_peer_flags_total":                           int64(flagged),
		"srs_p2p_pingback_streams":                                        int64(len(f.streams)),
	}
	f.mu.Unlock()
	for name, want := range service {
		check(name, float64(want), 0)
	}
}
