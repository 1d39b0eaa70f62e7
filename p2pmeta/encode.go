package p2pmeta

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// Marshal validates m and returns its canonical encoding: compact JSON, keys in the documented
// order, optional keys omitted when empty, arrays never null, followed by one "\n". Equal
// manifests always give equal bytes, so a writer can skip rewriting an unchanged file.
func Marshal(m *Manifest) ([]byte, error) {
	if err := m.Validate(); err != nil {
		return nil, err
	}
	c := *m
	if c.Segments == nil {
		c.Segments = []Segment{}
	}
	if c.P2P.Trackers == nil {
		c.P2P.Trackers = []string{}
	}
	if c.P2P.STUN == nil {
		c.P2P.STUN = []string{}
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	// Validated strings hold no <, > or "; & appears in URL queries and must stay readable.
	enc.SetEscapeHTML(false)
	if err := enc.Encode(&c); err != nil {
		return nil, fmt.Errorf("p2pmeta: encode: %w", err)
	}
	if buf.Len() > MaxSize {
		return nil, ErrTooLarge
	}
	return buf.Bytes(), nil
}

// MarshalJSON encodes s with at most three decimals and no exponent: 2 -> 2, 2.0234 -> 2.023,
// 0.96 -> 0.96, 1e-7 -> 0. Players only need milliseconds, and JavaScript reads every such literal
// back to the same number.
func (s Seconds) MarshalJSON() ([]byte, error) {
	f := float64(s)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, fmt.Errorf("p2pmeta: duration %v is not a finite number", f)
	}
	return appendSeconds(nil, f), nil
}

func appendSeconds(dst []byte, f float64) []byte {
	start := len(dst)
	dst = strconv.AppendFloat(dst, f, 'f', 3, 64)
	for dst[len(dst)-1] == '0' {
		dst = dst[:len(dst)-1]
	}
	if dst[len(dst)-1] == '.' {
		dst = dst[:len(dst)-1]
	}
	// A tiny negative number rounds to "-0"; the format has no negative zero.
	if string(dst[start:]) == "-0" {
		dst = append(dst[:start], '0')
	}
	return dst
}
