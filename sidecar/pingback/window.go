package pingback

import (
	"cmp"
	"slices"
	"time"
)

// maxWindowSDKs is how many sdk versions a window lists (most viewers first).
const maxWindowSDKs = 8

// Window is the aggregate of one stream over one sliding window. Byte and
// count fields are sums of the reports received in the window; rates are
// per second of DurationS; ratios are 0 when their denominator is.
type Window struct {
	// DurationS is the time the window covers: from the start of its oldest
	// slot (or of the stream's first report, if later) to now.
	DurationS float64 `json:"duration_s"`
	// Viewers are the sessions that reported in the window and did not
	// leave (final); for the 10 s window, sessions whose last report is at
	// most max(10 s, 1.5 x interval) old.
	Viewers int `json:"viewers"`
	// Networks are the distinct client networks (IPv4 /24, IPv6 /48) that
	// reported, counted like Viewers but final or not.
	Networks     int     `json:"networks"`
	Reports      int64   `json:"reports"`
	CDNBytes     int64   `json:"cdn_bytes"`
	P2PDownBytes int64   `json:"p2p_down_bytes"`
	P2PUpBytes   int64   `json:"p2p_up_bytes"`
	OffloadRatio float64 `json:"offload_ratio"` // p2p_down / (p2p_down + cdn)
	UploadBPS    float64 `json:"upload_bps"`    // p2p_up in bits/s
	DownloadBPS  float64 `json:"download_bps"`  // cdn + p2p_down in bits/s
	SegmentsCDN  int64   `json:"segments_cdn"`
	SegmentsP2P  int64   `json:"segments_p2p"`
	Stalls       int64   `json:"stalls"`
	StallMS      int64   `json:"stall_ms"`
	WatchMS      int64   `json:"watch_ms"`
	StallRatio   float64 `json:"stall_ratio"` // stall_ms / watch_ms, at most 1
	// Startups is how many reports carried a startup time; the
	// percentiles are read from a log-linear sketch (within 6.25%).
	Startups         int64   `json:"startups"`
	StartupMSP50     int64   `json:"startup_ms_p50"`
	StartupMSP95     int64   `json:"startup_ms_p95"`
	HashFailures     int64   `json:"hash_failures"`
	ConnOK           int64   `json:"conn_ok"`
	ConnFail         int64   `json:"conn_fail"`
	ConnSuccessRatio float64 `json:"conn_success_ratio"` // ok / (ok + fail)
	// NAT and Devices map every class to its viewers; SDKs the (up to 8)
	// most common sdk strings to their viewers.
	NAT     map[string]int `json:"nat"`
	Devices map[string]int `json:"devices"`
	SDKs    map[string]int `json:"sdks"`
}

// emptyWindow is a window of a stream nobody reported on.
func emptyWindow() Window {
	var w Window
	w.finishClasses(nil, nil, nil, nil)
	return w
}

// windows computes the windows of spans at now. Callers hold st.mu.
func (st *streamStats) windows(now time.Time, spans ...span) []Window {
	slot := slotOf(now)
	out := make([]Window, len(spans))
	for i, sp := range spans {
		st.sumBuckets(&out[i], slot, sp, now)
	}
	st.countViewers(out, slot, spans, now)
	return out
}

// sumBuckets adds up the window's slots and derives rates and ratios.
func (st *streamStats) sumBuckets(w *Window, slot int64, sp span, now time.Time) {
	from := slot - sp.prev
	var startups sketch
	for sl := max(from, slot-historySlots+1); sl <= slot; sl++ {
		b := &st.ring[ringIndex(sl, historySlots)]
		if b.slot != sl {
			continue
		}
		w.Reports += b.reports
		w.CDNBytes += b.cdn
		w.P2PDownBytes += b.p2pDown
		w.P2PUpBytes += b.p2pUp
		w.SegmentsCDN += b.segCDN
		w.SegmentsP2P += b.segP2P
		w.Stalls += b.stalls
		w.StallMS += b.stallMS
		w.WatchMS += b.watchMS
		w.HashFailures += b.hashFail
		w.ConnOK += b.connOK
		w.ConnFail += b.connFail
		startups.merge(b.startups)
	}
	begin := slotStart(from)
	if st.started.After(begin) {
		begin = st.started
	}
	w.DurationS = max(now.Sub(begin).Seconds(), 1)
	w.OffloadRatio = ratio(w.P2PDownBytes, w.P2PDownBytes+w.CDNBytes)
	w.StallRatio = min(ratio(w.StallMS, w.WatchMS), 1)
	w.ConnSuccessRatio = ratio(w.ConnOK, w.ConnOK+w.ConnFail)
	w.UploadBPS = float64(w.P2PUpBytes) * 8 / w.DurationS
	w.DownloadBPS = float64(w.CDNBytes+w.P2PDownBytes) * 8 / w.DurationS
	w.Startups = int64(startups.n)
	w.StartupMSP50 = startups.quantile(0.50)
	w.StartupMSP95 = startups.quantile(0.95)
}

func ratio(a, b int64) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// countViewers counts sessions and networks for every window in one pass
// over each table.
func (st *streamStats) countViewers(out []Window, slot int64, spans []span, now time.Time) {
	recentSince := now.Add(-st.recent)
	in := func(lastSeen time.Time, a *activity, sp span) bool {
		if sp == span10s {
			return !lastSeen.Before(recentSince)
		}
		return a.any(slot-sp.prev, slot)
	}
	nat := make([][len(natClasses)]int, len(spans))
	dev := make([][len(deviceClasses)]int, len(spans))
	sdk := make([][]int, len(spans))
	for i := range sdk {
		sdk[i] = make([]int, len(st.sdks))
	}
	for _, s := range st.sessions {
		if s.final {
			continue
		}
		for i, sp := range spans {
			if in(s.lastSeen, &s.present, sp) {
				out[i].Viewers++
				nat[i][s.nat]++
				dev[i][s.device]++
				sdk[i][s.sdk]++
			}
		}
	}
	for _, n := range st.nets {
		for i, sp := range spans {
			if in(n.lastSeen, &n.slots, sp) {
				out[i].Networks++
			}
		}
	}
	for i := range out {
		out[i].finishClasses(nat[i][:], dev[i][:], sdk[i], st.sdks)
	}
}

// finishClasses fills the class maps: every NAT and device class, and the
// most common sdks.
func (w *Window) finishClasses(nat, dev, sdkCounts []int, sdkNames []string) {
	w.NAT = make(map[string]int, len(natClasses))
	for i, c := range natClasses {
		w.NAT[c] = at(nat, i)
	}
	w.Devices = make(map[string]int, len(deviceClasses))
	for i, c := range deviceClasses {
		w.Devices[c] = at(dev, i)
	}
	type sdkCount struct {
		name string
		n    int
	}
	var top []sdkCount
	for i, n := range sdkCounts {
		if n > 0 {
			top = append(top, sdkCount{sdkNames[i], n})
		}
	}
	slices.SortFunc(top, func(a, b sdkCount) int {
		if c := cmp.Compare(b.n, a.n); c != 0 {
			return c
		}
		return cmp.Compare(a.name, b.name)
	})
	w.SDKs = make(map[string]int, min(len(top), maxWindowSDKs))
	for _, t := range top[:min(len(top), maxWindowSDKs)] {
		w.SDKs[t.name] = t.n
	}
}

func at(v []int, i int) int {
	if i < len(v) {
		return v[i]
	}
	return 0
}

// Point is one 10 s slot of a stream's history.
type Point struct {
	T            string  `json:"t"` // start of the slot, RFC 3339
	Viewers      int64   `json:"viewers"`
	OffloadRatio float64 `json:"offload_ratio"`
	P2PDownBytes int64   `json:"p2p_down_bytes"`
	CDNBytes     int64   `json:"cdn_bytes"`
	P2PUpBytes   int64   `json:"p2p_up_bytes"`
	Stalls       int64   `json:"stalls"`
	HashFailures int64   `json:"hash_failures"`
}

// History is a stream's last hour, oldest point first, one per slot from
// the stream's first report (slots without reports are zeros). A point's
// viewers are the sessions that watched during the slot: a report marks
// every slot of the interval it covers.
type History struct {
	StepS  int     `json:"step_s"`
	Start  string  `json:"start"` // time of the oldest point
	Points []Point `json:"points"`
}

// emptyHistory is the history of a stream nobody reported on: no points,
// starting now.
func emptyHistory(now time.Time) History {
	return History{StepS: slotSeconds, Start: slotStart(slotOf(now)).Format(time.RFC3339), Points: []Point{}}
}

// history reads the ring. Callers hold st.mu.
func (st *streamStats) history(now time.Time) History {
	slot := slotOf(now)
	from := max(st.first, slot-historySlots+1)
	h := History{StepS: slotSeconds, Start: slotStart(from).Format(time.RFC3339), Points: make([]Point, 0, max(slot-from+1, 0))}
	for sl := from; sl <= slot; sl++ {
		p := Point{T: slotStart(sl).Format(time.RFC3339)}
		if b := &st.ring[ringIndex(sl, historySlots)]; b.slot == sl {
			p.Viewers = b.viewers
			p.OffloadRatio = ratio(b.p2pDown, b.p2pDown+b.cdn)
			p.P2PDownBytes, p.CDNBytes, p.P2PUpBytes = b.p2pDown, b.cdn, b.p2pUp
			p.Stalls, p.HashFailures = b.stalls, b.hashFail
		}
		h.Points = append(h.Points, p)
	}
	return h
}
