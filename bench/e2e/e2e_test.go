package main

import (
	"bytes"
	"encoding/json"
	"io"
	"math"
	"strings"
	"testing"
	"time"
)

func TestParseFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{"defaults", []string{"-bin", "x"}, ""},
		{"no bin", nil, "-bin is required"},
		{"one viewer", []string{"-bin", "x", "-viewers", "1"}, "-viewers must be 2..16"},
		{"too short", []string{"-bin", "x", "-duration", "40s"}, "-duration must leave every viewer"},
		{"fractional segment", []string{"-bin", "x", "-segment", "1500ms"}, "-segment must be whole seconds"},
		{"pingback too fast", []string{"-bin", "x", "-pingback-interval", "1s"}, "-pingback-interval must be 2s..5m"},
		{"tracker too fast", []string{"-bin", "x", "-tracker-interval", "5s"}, "-tracker-interval must be 10s..10m"},
		{"stray argument", []string{"-bin", "x", "extra"}, `unexpected argument "extra"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, err := parseFlags(tt.args, io.Discard)
			if tt.wantErr == "" {
				if err != nil || o.viewers != 6 || o.duration != 3*time.Minute {
					t.Fatalf("parseFlags = %+v, %v; want 6 viewers for 3m", o, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// sample builds a driver result of two viewers.
func sample() []byte {
	lat := func(v float64) *float64 { return &v }
	r := result{OK: true, StartedAtMS: 1000, Browser: "Chrome/156", Viewers: []viewer{
		{Index: 0, Final: &stats{PeerID: "-PM0203-aaaaaaaaaaaa", CDNBytes: 900, P2PDownBytes: 100, P2PUpBytes: 500, SegmentsCDN: 9, SegmentsP2P: 1, Verified: 1, StartupMS: lat(800)},
			Series: []point{{T: 2000, Stats: stats{Playing: true, LiveLatencyS: lat(4), CDNBytes: 400}}, {T: 21000, Stats: stats{Playing: true, LiveLatencyS: lat(6), CDNBytes: 600, P2PDownBytes: 50}}}},
		{Index: 1, Final: &stats{PeerID: "-PM0203-bbbbbbbbbbbb", CDNBytes: 100, P2PDownBytes: 900, SegmentsCDN: 1, SegmentsP2P: 9, Verified: 9, StartupMS: lat(1200), Stalls: 1, StallMS: 250},
			Series: []point{{T: 21000, Stats: stats{Playing: true, LiveLatencyS: lat(5), CDNBytes: 100, P2PDownBytes: 100}}}},
	}}
	b, _ := json.Marshal(r)
	return b
}

func TestComputeFigures(t *testing.T) {
	r, err := decodeResult(sample(), 2)
	if err != nil {
		t.Fatal(err)
	}
	f := computeFigures(r, 10*time.Second)
	near := func(a, b float64) bool { return math.Abs(a-b) < 1e-9 }
	switch {
	case f.cdn != 1000 || f.p2pDown != 1000 || f.p2pUp != 500 || f.segP2P != 10 || f.verified != 10:
		t.Errorf("sums %+v", f)
	case !near(f.offload, 0.5) || !near(f.theory, 0.5) || !near(f.ratio, 1):
		t.Errorf("offload %v theory %v ratio %v, want 0.5 0.5 1", f.offload, f.theory, f.ratio)
	// After 10 s (t >= 11000): viewer 0 from (600, 50) to (900, 100), viewer 1 from (100, 100) to (100, 900).
	case !near(f.steadyOffload, 850.0/(850+300)):
		t.Errorf("steady offload %v, want %v", f.steadyOffload, 850.0/(850+300))
	case f.stalls != 1 || f.stallMS != 250 || f.stallsMet():
		t.Errorf("stalls %d (%v ms), met %v", f.stalls, f.stallMS, f.stallsMet())
	case f.latencySamples != 3 || f.latencyP50 != 5 || f.latencyP95 != 6:
		t.Errorf("latency %d samples p50 %v p95 %v, want 3, 5, 6", f.latencySamples, f.latencyP50, f.latencyP95)
	case f.startupP50 != 800 || f.startupMax != 1200:
		t.Errorf("startup p50 %v max %v", f.startupP50, f.startupMax)
	}
	var out bytes.Buffer
	o, _ := parseFlags([]string{"-bin", "x", "-viewers", "2"}, io.Discard)
	printReport(&out, o, r, f, agreement{ok: true, cdn: 1000, p2pDown: 1000}, 1, []string{"[WARN] something"})
	for _, want := range []string{"-PM0203-bbbbbbbbbbbb", "offload / theory", ">= 0.75", "stalls (total time)", "1 (0.2 s)", "NO", "[WARN] something"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, out.String())
		}
	}
}

func TestPercentile(t *testing.T) {
	tests := []struct {
		in   []float64
		p    float64
		want float64
	}{
		{nil, 50, 0},
		{[]float64{3}, 95, 3},
		{[]float64{5, 1, 3, 2, 4}, 50, 3},
		{[]float64{1, 2, 3, 4}, 50, 2},
		{[]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 95, 10},
	}
	for _, tt := range tests {
		if got := percentile(tt.in, tt.p); got != tt.want {
			t.Errorf("percentile(%v, %v) = %v, want %v", tt.in, tt.p, got, tt.want)
		}
	}
}

func TestDecodeResult(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
	}{
		{"driver failed", `{"ok":false,"error":"global timeout of 300s"}`, "driver failed: global timeout of 300s"},
		{"not JSON", `viewers: oops`, "driver output"},
		{"trailing data", `{"ok":true,"viewers":[{},{}]} {}`, "data after the result"},
		{"wrong count", `{"ok":true,"viewers":[{}]}`, "reported 1 viewers, asked for 2"},
		{"negative", `{"ok":true,"viewers":[{"final":{"cdn_bytes":-1}},{}]}`, "negative or impossible"},
		{"fractional bytes", `{"ok":true,"viewers":[{"final":{"cdn_bytes":1.5}},{}]}`, "driver output"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := decodeResult([]byte(tt.in), 2)
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
		})
	}
}

// FuzzDecodeResult: any driver output is decoded or refused, never a
// panic, and what is accepted computes figures without one either.
func FuzzDecodeResult(f *testing.F) {
	f.Add(sample())
	f.Add([]byte(`{"ok":true,"viewers":[{},{"series":[{"t":1,"stats":{"live_latency_s":null}}]}]}`))
	f.Add([]byte(`{"ok":false}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeResult(b, 2)
		if err != nil {
			return
		}
		fig := computeFigures(r, time.Second)
		if fig.offload < 0 || fig.offload > 1 || math.IsNaN(fig.offload) {
			t.Fatalf("offload %v from accepted input", fig.offload)
		}
		printReport(io.Discard, &options{viewers: 2}, r, fig, agreement{}, 0, nil)
	})
}
