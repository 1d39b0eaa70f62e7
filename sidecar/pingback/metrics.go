package pingback

import (
	"fmt"
	"sync/atomic"

	"github.com/VictoriaMetrics/metrics"
)

// serviceMetrics are the srs_p2p_pingback_* metrics: the service as a
// whole, no per-stream labels.
type serviceMetrics struct {
	set        *metrics.Set
	requests   *metrics.Counter
	bytes      *metrics.Counter
	accepted   *metrics.Counter
	duplicates *metrics.Counter
	rejected   map[string]*metrics.Counter // by reason
	flagged    *metrics.Counter
	latency    *metrics.PrometheusHistogram
	evicted    *metrics.Counter
	streams    atomic.Int64
	sessions   atomic.Int64
}

// ingestBuckets are the upper bounds of the ingest latency histogram, in
// seconds: a report takes tens of microseconds, a slow one milliseconds.
var ingestBuckets = []float64{25e-6, 50e-6, 100e-6, 250e-6, 500e-6, 1e-3, 2.5e-3, 5e-3, 10e-3, 25e-3, 100e-3}

func newServiceMetrics() *serviceMetrics {
	s := metrics.NewSet()
	m := &serviceMetrics{
		set:        s,
		requests:   s.NewCounter("srs_p2p_pingback_requests_total"),
		bytes:      s.NewCounter("srs_p2p_pingback_request_bytes_total"),
		accepted:   s.NewCounter(`srs_p2p_pingback_reports_total{result="accepted"}`),
		duplicates: s.NewCounter(`srs_p2p_pingback_reports_total{result="duplicate"}`),
		rejected:   map[string]*metrics.Counter{},
		flagged:    s.NewCounter("srs_p2p_pingback_bad_peer_flags_total"),
		latency:    s.NewPrometheusHistogramExt("srs_p2p_pingback_ingest_duration_seconds", ingestBuckets),
		evicted:    s.NewCounter("srs_p2p_pingback_ratelimit_evictions_total"),
	}
	for _, r := range rejections {
		m.rejected[r.reason] = s.NewCounter(fmt.Sprintf("srs_p2p_pingback_rejected_requests_total{reason=%q}", r.reason))
	}
	s.NewGauge("srs_p2p_pingback_streams", func() float64 { return float64(m.streams.Load()) })
	s.NewGauge("srs_p2p_pingback_sessions", func() float64 { return float64(m.sessions.Load()) })
	return m
}

// watchLimiter exports the size of the rate limiter's table.
func (m *serviceMetrics) watchLimiter(lim *limiter) {
	m.set.NewGauge("srs_p2p_pingback_ratelimit_networks", func() float64 { return float64(lim.len()) })
}
