package pingback

import (
	"math"
	"math/bits"
)

// sketch counts startup times in log-linear buckets: exact below 16 ms,
// then 8 buckets per power of two, so a percentile read from it is within
// 6.25% of the true sample (the bucket's middle is reported). Sketches of
// slots add up, which is what lets a window's percentiles be read from its
// slots' sketches without keeping samples; a sketch is half a KiB whatever
// the number of viewers.
type sketch struct {
	n      uint32
	counts [sketchBuckets]uint32
}

const (
	sketchSubBits = 3
	sketchSub     = 1 << sketchSubBits
	// sketchBuckets covers values up to MaxStartupMS (< 2^17).
	sketchBuckets = sketchSub * (17 - sketchSubBits + 2)
)

// sketchIndex is the bucket of v (1 <= v <= MaxStartupMS).
func sketchIndex(v int64) int {
	if v < 2*sketchSub {
		return int(v)
	}
	e := bits.Len64(uint64(v)) - 1 // v >= 2^e
	m := int(v>>(e-sketchSubBits)) & (sketchSub - 1)
	return sketchSub*(e-sketchSubBits+1) + m
}

// sketchValue is the value reported for bucket i: its middle.
func sketchValue(i int) int64 {
	if i < 2*sketchSub {
		return int64(i)
	}
	e := i/sketchSub + sketchSubBits - 1
	m := int64(i % sketchSub)
	width := int64(1) << (e - sketchSubBits)
	return (sketchSub+m)*width + width/2
}

func (s *sketch) add(v int64) {
	if v < 1 {
		return
	}
	s.counts[sketchIndex(min(v, MaxStartupMS))]++
	s.n++
}

// merge adds o's counts to s.
func (s *sketch) merge(o *sketch) {
	if o == nil {
		return
	}
	s.n += o.n
	for i, c := range o.counts {
		s.counts[i] += c
	}
}

// quantile is the q-th quantile (0 < q <= 1) by nearest rank: the value of
// the bucket holding the ceil(q*n)-th smallest sample; 0 when empty.
func (s *sketch) quantile(q float64) int64 {
	if s.n == 0 {
		return 0
	}
	rank := uint32(math.Ceil(q * float64(s.n)))
	rank = min(max(rank, 1), s.n)
	var seen uint32
	for i, c := range s.counts {
		seen += c
		if seen >= rank {
			return sketchValue(i)
		}
	}
	return 0
}
