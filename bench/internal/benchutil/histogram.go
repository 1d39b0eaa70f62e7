package benchutil

import (
	"bufio"
	"fmt"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Bucket is one cumulative bucket of a Prometheus histogram.
type Bucket struct {
	LE    float64 // upper bound in the metric's unit; +Inf for the last
	Count uint64  // observations <= LE
}

// ParseHistogram reads the `name_bucket{le="..."}` lines of one histogram
// from Prometheus text exposition, in order of their bounds.
func ParseHistogram(r io.Reader, name string) ([]Bucket, error) {
	var out []Bucket
	prefix := name + `_bucket{le="`
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		rest, ok := strings.CutPrefix(line, prefix)
		if !ok {
			continue
		}
		le, count, ok := strings.Cut(rest, `"} `)
		if !ok {
			return nil, fmt.Errorf("bad bucket line %q", line)
		}
		bound, err := strconv.ParseFloat(le, 64)
		if le == "+Inf" {
			bound, err = math.Inf(1), nil
		}
		if err != nil {
			return nil, fmt.Errorf("bad bucket bound in %q", line)
		}
		n, err := strconv.ParseUint(count, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("bad bucket count in %q", line)
		}
		out = append(out, Bucket{LE: bound, Count: n})
	}
	return out, sc.Err()
}

// Quantile returns the upper bound of the bucket holding quantile q of the
// observations (seconds in, duration out): "p99 <= this", the resolution a
// histogram gives. ok is false without observations or when the quantile
// falls in the +Inf bucket.
func Quantile(buckets []Bucket, q float64) (time.Duration, bool) {
	if len(buckets) == 0 {
		return 0, false
	}
	total := buckets[len(buckets)-1].Count
	if total == 0 {
		return 0, false
	}
	rank := uint64(math.Ceil(q * float64(total)))
	for _, b := range buckets {
		if b.Count >= rank {
			if math.IsInf(b.LE, 1) {
				return 0, false
			}
			return time.Duration(b.LE * float64(time.Second)), true
		}
	}
	return 0, false
}

// ScrapeHistogram fetches /metrics from addr (host:port) and parses one
// histogram.
func ScrapeHistogram(addr, name string) ([]Bucket, error) {
	c := &http.Client{Timeout: 5 * time.Second}
	resp, err := c.Get("http://" + addr + "/metrics")
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET /metrics: %s", resp.Status)
	}
	return ParseHistogram(io.LimitReader(resp.Body, 16<<20), name)
}
