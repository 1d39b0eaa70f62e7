package integration

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"testing"
	"time"
)

// What the API and /metrics must say about the reports the fleet sent.

// simTimes are the moments that decide which windows hold every report.
type simTimes struct {
	firstSend time.Time // before the first report was sent
	feedEnd   time.Time // after the last planned report was answered
	heartbeat time.Time // before the last round of heartbeats was sent
}

// simSlack absorbs the rounding of the durations the server reports.
const simSlack = 5 * time.Millisecond

// allIn60s reports whether the 60 s window of a reply received at t holds
// every report: that window starts at least 60 s before the server's now.
func (ts simTimes) allIn60s(t time.Time) bool { return t.Sub(ts.firstSend) < 60*time.Second-simSlack }

// stillWatching reports whether the 10 s window of a reply received at t
// still counts every viewer that sent the last heartbeat.
func (ts simTimes) stillWatching(t time.Time) bool {
	return t.Sub(ts.heartbeat) < 10*time.Second-simSlack
}

func simRatio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// simQuantile is the exact q-quantile by nearest rank, the definition the
// server's sketch approximates.
func simQuantile(samples []int64, q float64) int64 {
	if len(samples) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(samples))
	rank := min(max(int(math.Ceil(q*float64(len(s)))), 1), len(s))
	return s[rank-1]
}

// simWindowDiffs lists how w, a window that holds every report of a
// stream, differs from the stream's sums and audience.
func simWindowDiffs(w simWindow, tot simTotals, aud simAudience) []string {
	var d []string
	eq := func(name string, got, want int64) {
		if got != want {
			d = append(d, fmt.Sprintf("%s %d, want %d", name, got, want))
		}
	}
	near := func(name string, got, want, tolerance float64) {
		if math.Abs(got-want) > tolerance {
			d = append(d, fmt.Sprintf("%s %.12g, want %.12g", name, got, want))
		}
	}
	eq("reports", w.Reports, tot.Reports)
	eq("cdn_bytes", w.CDNBytes, tot.CDNBytes)
	eq("p2p_down_bytes", w.P2PDownBytes, tot.P2PDownBytes)
	eq("p2p_up_bytes", w.P2PUpBytes, tot.P2PUpBytes)
	eq("segments_cdn", w.SegmentsCDN, tot.SegmentsCDN)
	eq("segments_p2p", w.SegmentsP2P, tot.SegmentsP2P)
	eq("stalls", w.Stalls, tot.Stalls)
	eq("stall_ms", w.StallMS, tot.StallMS)
	eq("watch_ms", w.WatchMS, tot.WatchMS)
	eq("hash_failures", w.HashFailures, tot.HashFailures)
	eq("conn_ok", w.ConnOK, tot.ConnOK)
	eq("conn_fail", w.ConnFail, tot.ConnFail)
	eq("startups", w.Startups, int64(len(tot.Startups)))
	eq("viewers", int64(w.Viewers), int64(aud.viewers))
	eq("networks", int64(w.Networks), 1) // every viewer posts from 127.0.0.1
	near("offload_ratio", w.OffloadRatio, simRatio(tot.P2PDownBytes, tot.P2PDownBytes+tot.CDNBytes), 1e-9)
	near("stall_ratio", w.StallRatio, min(simRatio(tot.StallMS, tot.WatchMS), 1), 1e-9)
	near("conn_success_ratio", w.ConnSuccessRatio, simRatio(tot.ConnOK, tot.ConnOK+tot.ConnFail), 1e-9)
	if w.DurationS > 0 {
		up := float64(tot.P2PUpBytes) * 8 / w.DurationS
		down := float64(tot.CDNBytes+tot.P2PDownBytes) * 8 / w.DurationS
		near("upload_bps", w.UploadBPS, up, 1e-9*up)
		near("download_bps", w.DownloadBPS, down, 1e-9*down)
	}
	// The documented sketch accuracy: within 6.25% of the true percentile.
	for _, p := range []struct {
		name string
		got  int64
		q    float64
	}{{"startup_ms_p50", w.StartupMSP50, 0.50}, {"startup_ms_p95", w.StartupMSP95, 0.95}} {
		want := simQuantile(tot.Startups, p.q)
		if math.Abs(float64(p.got-want)) > float64(want)/16 {
			d = append(d, fmt.Sprintf("%s %d, want %d within 6.25%%", p.name, p.got, want))
		}
	}
	for _, m := range []struct {
		name      string
		got, want map[string]int
	}{{"nat", w.NAT, aud.nat}, {"devices", w.Devices, aud.devices}, {"sdks", w.SDKs, aud.sdks}} {
		if !maps.Equal(m.got, m.want) {
			d = append(d, fmt.Sprintf("%s %v, want %v", m.name, m.got, m.want))
		}
	}
	return d
}

// checkSimAPI sends a round of heartbeats, then requires every stream's
// windows (detail and list) and history to equal what the fleet sent: the
// 300 s window always, the 60 s one and the 10 s viewers when the clock
// says they hold everything.
func checkSimAPI(t *testing.T, sc *sidecar, f *simFleet, ts *simTimes) {
	t.Helper()
	ts.heartbeat = time.Now()
	if err := f.run(sc, f.heartbeats()); err != nil {
		t.Fatalf("heartbeats: %v", err)
	}
	for si, st := range f.streams {
		tot, aud := f.expect(si)
		before := time.Now()
		d, err := simStreamDetail(sc, st.name)
		if err != nil {
			t.Fatal(err)
		}
		list, err := simStreamList(sc)
		if err != nil {
			t.Fatal(err)
		}
		after := time.Now()
		w := d.Pingback.Windows
		for _, diff := range simWindowDiffs(w["300s"], tot, aud) {
			t.Errorf("%s: 300s window: %s", st.name, diff)
		}
		lo, hi := max(before.Sub(ts.feedEnd), time.Second)-simSlack, after.Sub(ts.firstSend)+simSlack
		if got := time.Duration(w["300s"].DurationS * float64(time.Second)); got < lo || got > hi {
			t.Errorf("%s: 300s window duration_s %v, want %v..%v (since the stream's first report)", st.name, got, lo, hi)
		}
		if ts.allIn60s(after) {
			for _, diff := range simWindowDiffs(w["60s"], tot, aud) {
				t.Errorf("%s: 60s window: %s", st.name, diff)
			}
			for _, diff := range simWindowDiffs(list[st.name].Pingback["60s"], tot, aud) {
				t.Errorf("%s: /api/v1/streams 60s window: %s", st.name, diff)
			}
		} else {
			t.Logf("%s: 60s window not compared: the first report is %v old", st.name, after.Sub(ts.firstSend))
		}
		if ts.stillWatching(after) {
			for name, w10 := range map[string]simWindow{"detail": w["10s"], "list": list[st.name].Pingback["10s"]} {
				if w10.Viewers != aud.viewers || w10.Networks != 1 {
					t.Errorf("%s: %s 10s window: %d viewers on %d networks, want %d on 1", st.name, name, w10.Viewers, w10.Networks, aud.viewers)
				}
			}
		} else {
			t.Logf("%s: 10s viewers not compared: the heartbeats are %v old", st.name, after.Sub(ts.heartbeat))
		}
		checkSimHistory(t, st.name, d.Pingback.History, tot)
	}
}

// checkSimHistory requires the last hour's 10 s points to add up to the
// sums and each point's offload ratio to follow from its bytes.
func checkSimHistory(t *testing.T, name string, h simHistory, tot simTotals) {
	t.Helper()
	if h.StepS != 10 || len(h.Points) == 0 || len(h.Points) > 360 {
		t.Errorf("%s: history step_s %d with %d points, want 10 s and 1..360 points", name, h.StepS, len(h.Points))
		return
	}
	if _, err := time.Parse(time.RFC3339, h.Start); err != nil || h.Start != h.Points[0].T {
		t.Errorf("%s: history start %q, first point %q: want the same RFC 3339 time", name, h.Start, h.Points[0].T)
	}
	var sum simTotals
	var viewers int64
	for _, p := range h.Points {
		sum.CDNBytes += p.CDNBytes
		sum.P2PDownBytes += p.P2PDownBytes
		sum.P2PUpBytes += p.P2PUpBytes
		sum.Stalls += p.Stalls
		sum.HashFailures += p.HashFailures
		viewers = max(viewers, p.Viewers)
		if want := simRatio(p.P2PDownBytes, p.P2PDownBytes+p.CDNBytes); math.Abs(p.OffloadRatio-want) > 1e-9 {
			t.Errorf("%s: history point %s offload_ratio %v, want %v from its bytes", name, p.T, p.OffloadRatio, want)
		}
	}
	want := simTotals{CDNBytes: tot.CDNBytes, P2PDownBytes: tot.P2PDownBytes, P2PUpBytes: tot.P2PUpBytes,
		Stalls: tot.Stalls, HashFailures: tot.HashFailures}
	if fmt.Sprint(sum) != fmt.Sprint(want) {
		t.Errorf("%s: history adds up to %+v, want %+v", name, sum, want)
	}
	if viewers < 1 || viewers > simViewersPerStream {
		t.Errorf("%s: history's busiest point has %d viewers, want 1..%d", name, viewers, simViewersPerStream)
	}
}
