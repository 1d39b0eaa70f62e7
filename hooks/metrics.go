package hooks

import (
	"fmt"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// resultOK is the result label of an accepted hook; failures use the
// result column of errors.go's table, so the label set is bounded.
const resultOK = "ok"

// hookMetrics owns the package's metric Set:
//
//	srs_p2p_hooks_total{action="on_hls",result="ok"}   hooks by action (or "unknown") and result
//	srs_p2p_hook_duration_seconds                      time from request to reply
type hookMetrics struct {
	set *metrics.Set
	// names[action][result]: action indexes actions (last = unknown);
	// result 0 is ok, i+1 is failures[i]. Precomputed so counting a hook
	// formats nothing.
	names    [len(actions) + 1][len(failures) + 1]string
	duration *metrics.PrometheusHistogram
}

// durationBuckets span 10 us to 2.6 s by factors of 4: a reply takes
// microseconds, and anything in the upper buckets means a blocking Sink.
var durationBuckets = metrics.ExponentialBuckets(10e-6, 4, 10)

func newHookMetrics() *hookMetrics {
	m := &hookMetrics{set: metrics.NewSet()}
	for a := range m.names {
		action := unknownAction
		if a < len(actions) {
			action = actions[a]
		}
		for r := range m.names[a] {
			result := resultOK
			if r > 0 {
				result = failures[r-1].result
			}
			m.names[a][r] = fmt.Sprintf("srs_p2p_hooks_total{action=%q,result=%q}", action, result)
		}
		// Known actions start at zero so dashboards see the series before
		// the first hook; failure series appear when they first happen.
		if a < len(actions) {
			m.set.NewCounter(m.names[a][0])
		}
	}
	m.duration = m.set.NewPrometheusHistogramExt("srs_p2p_hook_duration_seconds", durationBuckets)
	return m
}

// ok counts an accepted hook.
func (m *hookMetrics) ok(action int) {
	m.set.GetOrCreateCounter(m.names[action][0]).Inc()
}

// failed counts a refused hook; failure is an index into failures.
func (m *hookMetrics) failed(action, failure int) {
	m.set.GetOrCreateCounter(m.names[action][failure+1]).Inc()
}

func (m *hookMetrics) observe(start time.Time) {
	m.duration.UpdateDuration(start)
}
