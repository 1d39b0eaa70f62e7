package benchutil

import (
	"math"
	"slices"
	"time"
)

// Summary describes a set of latency samples.
type Summary struct {
	N   int
	P50 time.Duration
	P99 time.Duration
	Max time.Duration
}

// Summarize sorts samples in place and returns their count, median, 99th
// percentile and maximum. All are zero when there are no samples.
func Summarize(samples []time.Duration) Summary {
	slices.Sort(samples)
	s := Summary{N: len(samples)}
	if len(samples) == 0 {
		return s
	}
	s.P50 = Percentile(samples, 50)
	s.P99 = Percentile(samples, 99)
	s.Max = samples[len(samples)-1]
	return s
}

// Percentile returns the p-th percentile (0 < p <= 100) of sorted samples by
// the nearest-rank method: the smallest sample that at least p percent of
// the samples are less than or equal to. It never interpolates, so the
// result is always a value that was measured. Empty input gives 0.
func Percentile(sorted []time.Duration, p float64) time.Duration {
	n := len(sorted)
	if n == 0 || math.IsNaN(p) {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(n)))
	rank = min(max(rank, 1), n)
	return sorted[rank-1]
}

// Millis formats d as milliseconds with two decimals, for tables.
func Millis(d time.Duration) float64 {
	return math.Round(float64(d)/float64(time.Millisecond)*100) / 100
}
