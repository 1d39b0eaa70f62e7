package pingback

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/VictoriaMetrics/metrics"
)

// streamMetrics is one stream's metrics set: every series carries only the
// label stream="vhost/app/name", bounded because only live streams (and
// those in their grace) have one. Gauges describe the 60 s window and are
// set when the set is written; counters add up the epoch.
type streamMetrics struct {
	set *metrics.Set

	reports, cdn, p2pDown, p2pUp    *metrics.Counter
	segCDN, segP2P, stalls          *metrics.Counter
	hashFail, connOK, connFail      *metrics.Counter
	refused                         *metrics.Counter
	stallSeconds, watchSeconds      *metrics.FloatCounter
	startup                         *metrics.PrometheusHistogram
	viewers, offload, stallRatio    *metrics.Gauge
	uploadBPS, downloadBPS          *metrics.Gauge
	connRatio, badPeers, startupP95 *metrics.Gauge
}

// startupBuckets are the upper bounds of srs_p2p_stream_startup_seconds.
var startupBuckets = []float64{0.25, 0.5, 1, 1.5, 2, 3, 5, 8, 13, 20, 30, 60, 120}

func newStreamMetrics(stream string) *streamMetrics {
	s := metrics.NewSet()
	label := `{stream="` + promLabelValue(stream) + `"}`
	name := func(n string) string { return "srs_p2p_stream_" + n + label }
	counter := func(n string) *metrics.Counter { return s.NewCounter(name(n)) }
	gauge := func(n string) *metrics.Gauge { return s.NewGauge(name(n), nil) }
	return &streamMetrics{
		set:          s,
		reports:      counter("reports_total"),
		cdn:          counter("cdn_bytes_total"),
		p2pDown:      counter("p2p_down_bytes_total"),
		p2pUp:        counter("p2p_up_bytes_total"),
		segCDN:       counter("segments_cdn_total"),
		segP2P:       counter("segments_p2p_total"),
		stalls:       counter("stalls_total"),
		hashFail:     counter("hash_failures_total"),
		connOK:       counter("conn_ok_total"),
		connFail:     counter("conn_fail_total"),
		refused:      counter("sessions_refused_total"),
		stallSeconds: s.NewFloatCounter(name("stall_seconds_total")),
		watchSeconds: s.NewFloatCounter(name("watch_seconds_total")),
		startup:      s.NewPrometheusHistogramExt(name("startup_seconds"), startupBuckets),
		viewers:      gauge("viewers"),
		offload:      gauge("offload_ratio"),
		stallRatio:   gauge("stall_ratio"),
		uploadBPS:    gauge("upload_bits_per_second"),
		downloadBPS:  gauge("download_bits_per_second"),
		connRatio:    gauge("conn_success_ratio"),
		badPeers:     gauge("bad_peers"),
		startupP95:   gauge("startup_p95_seconds"),
	}
}

// count adds an accepted report to the epoch's counters.
func (m *streamMetrics) count(r *Report, hashFailures int64) {
	m.reports.Inc()
	m.cdn.AddInt64(r.CDNBytes)
	m.p2pDown.AddInt64(r.P2PDownBytes)
	m.p2pUp.AddInt64(r.P2PUpBytes)
	m.segCDN.AddInt64(r.SegmentsCDN)
	m.segP2P.AddInt64(r.SegmentsP2P)
	m.stalls.AddInt64(r.Stalls)
	m.hashFail.AddInt64(hashFailures)
	m.connOK.AddInt64(r.ConnOK)
	m.connFail.AddInt64(r.ConnFail)
	if r.StallMS > 0 {
		m.stallSeconds.Add(float64(r.StallMS) / 1000)
	}
	if r.WatchMS > 0 {
		m.watchSeconds.Add(float64(r.WatchMS) / 1000)
	}
	if r.StartupMS > 0 {
		m.startup.Update(float64(r.StartupMS) / 1000)
	}
}

// setGauges sets the gauges from the 60 s window.
func (m *streamMetrics) setGauges(w *Window, badPeers int) {
	m.viewers.Set(float64(w.Viewers))
	m.offload.Set(w.OffloadRatio)
	m.stallRatio.Set(w.StallRatio)
	m.uploadBPS.Set(w.UploadBPS)
	m.downloadBPS.Set(w.DownloadBPS)
	m.connRatio.Set(w.ConnSuccessRatio)
	m.badPeers.Set(float64(badPeers))
	m.startupP95.Set(float64(w.StartupMSP95) / 1000)
}

// promLabelValue escapes a label value for the Prometheus text format.
func promLabelValue(v string) string {
	v = strings.ToValidUTF8(v, "\uFFFD")
	return strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(v)
}

// writeGrouped writes the lines of several sets' output so that the lines
// of one metric name are together, as the text format wants: each set
// writes its own streams' lines, one set per stream. Lines keep their order
// within a name.
func writeGrouped(w io.Writer, text []byte) {
	lines := bytes.SplitAfter(text, []byte("\n"))
	if n := len(lines); n > 0 && len(lines[n-1]) == 0 {
		lines = lines[:n-1]
	}
	nameOf := func(l []byte) []byte {
		if i := bytes.IndexAny(l, "{ "); i >= 0 {
			return l[:i]
		}
		return l
	}
	slices.SortStableFunc(lines, func(a, b []byte) int { return bytes.Compare(nameOf(a), nameOf(b)) })
	var out bytes.Buffer
	out.Grow(len(text) + 1)
	for _, l := range lines {
		out.Write(l)
		if l[len(l)-1] != '\n' {
			out.WriteByte('\n')
		}
	}
	_, _ = w.Write(out.Bytes())
}

// streamLabel is the value of the stream label of a stream.
func streamLabel(vhost, app, name string) string {
	return fmt.Sprintf("%s/%s/%s", vhost, app, name)
}
