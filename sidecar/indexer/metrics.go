package indexer

import (
	"fmt"

	"github.com/VictoriaMetrics/metrics"
)

// indexMetrics are the indexer's Prometheus series. Label values come from
// fixed sets in this package, never from file or stream names.
type indexMetrics struct {
	set             *metrics.Set
	builds          *metrics.Counter
	unchanged       *metrics.Counter
	removed         *metrics.Counter
	segmentsHashed  *metrics.Counter
	bytesHashed     *metrics.Counter
	cacheHits       *metrics.Counter
	prefetchDropped *metrics.Counter
	writeSeconds    *metrics.PrometheusHistogram
	lagSeconds      *metrics.PrometheusHistogram
}

// latencyBuckets span 100 us to 10 s: a manifest write is about a
// millisecond, and anything near a segment's duration is an outage.
var latencyBuckets = metrics.ExponentialBuckets(100e-6, 2.5, 12)

func newIndexMetrics(ix *Indexer) *indexMetrics {
	s := metrics.NewSet()
	m := &indexMetrics{
		set:             s,
		builds:          s.NewCounter("srs_p2p_manifest_builds_total"),
		unchanged:       s.NewCounter("srs_p2p_manifest_unchanged_total"),
		removed:         s.NewCounter("srs_p2p_manifests_removed_total"),
		segmentsHashed:  s.NewCounter("srs_p2p_segments_hashed_total"),
		bytesHashed:     s.NewCounter("srs_p2p_hashed_bytes_total"),
		cacheHits:       s.NewCounter("srs_p2p_hash_cache_hits_total"),
		prefetchDropped: s.NewCounter("srs_p2p_hash_prefetch_dropped_total"),
		writeSeconds:    s.NewPrometheusHistogramExt("srs_p2p_manifest_write_seconds", latencyBuckets),
		lagSeconds:      s.NewPrometheusHistogramExt("srs_p2p_manifest_lag_seconds", latencyBuckets),
	}
	s.NewGauge("srs_p2p_streams", func() float64 {
		ix.mu.Lock()
		defer ix.mu.Unlock()
		return float64(len(ix.streams))
	})
	s.NewGauge("srs_p2p_hash_cache_entries", func() float64 { return float64(ix.hasher.cached()) })
	return m
}

func (m *indexMetrics) writes(result string) *metrics.Counter {
	return m.set.GetOrCreateCounter(fmt.Sprintf("srs_p2p_manifest_writes_total{result=%q}", result))
}

func (m *indexMetrics) errors(kind string) *metrics.Counter {
	return m.set.GetOrCreateCounter(fmt.Sprintf("srs_p2p_indexer_errors_total{kind=%q}", kind))
}

func (m *indexMetrics) epochs(reason string) *metrics.Counter {
	return m.set.GetOrCreateCounter(fmt.Sprintf("srs_p2p_epochs_total{reason=%q}", reason))
}

func (m *indexMetrics) rescans(reason string) *metrics.Counter {
	return m.set.GetOrCreateCounter(fmt.Sprintf("srs_p2p_rescans_total{reason=%q}", reason))
}
