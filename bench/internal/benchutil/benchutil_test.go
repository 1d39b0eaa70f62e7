package benchutil

import (
	"encoding/binary"
	"os"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(v ...int) []time.Duration {
		out := make([]time.Duration, len(v))
		for i, x := range v {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		name    string
		samples []time.Duration
		p       float64
		want    time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one", ms(7), 99, 7 * time.Millisecond},
		{"median of odd", ms(1, 2, 3), 50, 2 * time.Millisecond},
		{"median of even takes the lower", ms(1, 2, 3, 4), 50, 2 * time.Millisecond},
		{"p99 of 100", ms(hundred...), 99, 99 * time.Millisecond},
		{"p100 is max", ms(hundred...), 100, 100 * time.Millisecond},
		{"p99 of 10 is max", ms(1, 2, 3, 4, 5, 6, 7, 8, 9, 10), 99, 10 * time.Millisecond},
		{"tiny p is min", ms(5, 6, 7), 0.001, 5 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.samples, tt.p); got != tt.want {
				t.Errorf("Percentile(p=%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

func TestSummarizeSorts(t *testing.T) {
	in := []time.Duration{9, 1, 5, 3, 7}
	got := Summarize(in)
	want := Summary{N: 5, P50: 5, P99: 9, Max: 9}
	if got != want {
		t.Errorf("Summarize = %+v, want %+v", got, want)
	}
	if !slices.IsSorted(in) {
		t.Errorf("samples not sorted in place: %v", in)
	}
	if got := Summarize(nil); got != (Summary{}) {
		t.Errorf("Summarize(nil) = %+v", got)
	}
}

func TestParseStat(t *testing.T) {
	// Real layout: pid (comm) state ppid pgrp session tty tpgid flags minflt
	// cminflt majflt cmajflt utime stime ...
	tests := []struct {
		name    string
		in      string
		want    CPUTicks
		wantErr bool
	}{
		{"plain", "4242 (srs-p2p) S 1 4242 4242 0 -1 4194560 1500 0 0 0 250 37 0 0 20 0 9 0 100 1000 300\n", CPUTicks{250, 37}, false},
		{"comm with spaces and parens", "7 (a) b) (c) R 1 7 7 0 -1 0 0 0 0 0 12 34 0 0\n", CPUTicks{12, 34}, false},
		{"no paren", "4242 srs-p2p S 1 2 3", CPUTicks{}, true},
		{"too few fields", "4242 (x) S 1 2 3 4 5 6 7 8 9 10 11", CPUTicks{}, true},
		{"not a number", "4242 (x) S 1 2 3 4 5 6 7 8 9 10 -5 37", CPUTicks{}, true},
		{"empty", "", CPUTicks{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseStat([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseStat = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseStatus(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Memory
		wantErr bool
	}{
		{"real excerpt", "Name:\tsrs-p2p\nVmPeak:\t  1262504 kB\nVmHWM:\t    20480 kB\nVmRSS:\t    18432 kB\nThreads:\t9\n", Memory{RSS: 18432 << 10, HWM: 20480 << 10}, false},
		{"no HWM", "VmRSS:\t 100 kB\n", Memory{}, true},
		{"wrong unit", "VmRSS:\t 100 MB\nVmHWM:\t 100 kB\n", Memory{}, true},
		{"bad number", "VmRSS:\t x kB\nVmHWM:\t 100 kB\n", Memory{}, true},
		{"empty", "", Memory{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseStatus([]byte(tt.in))
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("ParseStatus = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestParseAuxv(t *testing.T) {
	auxv := func(pairs ...uint64) []byte {
		b := make([]byte, 8*len(pairs))
		for i, v := range pairs {
			binary.LittleEndian.PutUint64(b[8*i:], v)
		}
		return b
	}
	tests := []struct {
		name   string
		in     []byte
		want   uint64
		wantOK bool
	}{
		{"found", auxv(6, 4096, 17, 100, 0, 0), 100, true},
		{"after AT_NULL is ignored", auxv(6, 4096, 0, 0, 17, 250), 0, false},
		{"absent", auxv(6, 4096, 0, 0), 0, false},
		{"truncated pair", auxv(6, 4096, 17)[:20], 0, false},
		{"empty", nil, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := ParseAuxv(tt.in, atClkTck)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("ParseAuxv = %d, %v; want %d, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestReadSelf(t *testing.T) {
	hz, read := ClockTicks()
	if !read || hz == 0 {
		t.Errorf("ClockTicks = %d, %v; want it read from auxv", hz, read)
	}
	// Burn a little CPU so utime+stime is not zero.
	deadline := time.Now().Add(50 * time.Millisecond)
	for x := 0; time.Now().Before(deadline); x++ {
		_ = x * x
	}
	cpu, err := ReadCPU(0)
	if err != nil || cpu.Total() == 0 {
		t.Errorf("ReadCPU(self) = %+v, %v", cpu, err)
	}
	mem, err := ReadMemory(os.Getpid())
	if err != nil || mem.RSS <= 0 || mem.HWM < mem.RSS {
		t.Errorf("ReadMemory(self) = %+v, %v", mem, err)
	}
	free, fsType, err := FreeBytes(t.TempDir())
	if err != nil || free == 0 || fsType == "" {
		t.Errorf("FreeBytes = %d, %q, %v", free, fsType, err)
	}
	if _, err := ReadCPU(-1); err == nil {
		t.Error("ReadCPU(-1) did not fail")
	}
}

func TestTicksToDuration(t *testing.T) {
	if got := TicksToDuration(250, 100); got != 2500*time.Millisecond {
		t.Errorf("TicksToDuration(250, 100) = %v", got)
	}
	if got := TicksToDuration(5, 0); got != 0 {
		t.Errorf("TicksToDuration(5, 0) = %v", got)
	}
}

func TestParseCPUPressure(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    time.Duration
		wantErr bool
	}{
		{"real", "some avg10=9.24 avg60=26.23 avg300=34.56 total=517240089\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n", 517240089 * time.Microsecond, false},
		{"full line ignored", "full avg10=0.00 total=5\nsome total=7\n", 7 * time.Microsecond, false},
		{"no some line", "full avg10=0.00 total=5\n", 0, true},
		{"no total", "some avg10=1.00\n", 0, true},
		{"negative", "some total=-1\n", 0, true},
		{"overflows a duration", "some total=9223372036854776\n", 0, true},
		{"empty", "", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseCPUPressure([]byte(tt.in))
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Errorf("ParseCPUPressure = %v, %v; want %v, err %v", got, err, tt.want, tt.wantErr)
			}
		})
	}
	// Present on the kernels we run on; where absent the benchmarks print "-".
	if _, err := os.Stat("/proc/pressure/cpu"); err == nil {
		if d, ok := ReadCPUPressure(); !ok || d < 0 {
			t.Errorf("ReadCPUPressure = %v, %v", d, ok)
		}
	}
}

func TestParseLoadAvg(t *testing.T) {
	tests := []struct {
		in      string
		want    string
		wantErr bool
	}{
		{"6.54 7.42 4.01 2/136 1670\n", "6.54 7.42 4.01", false},
		{"0.00 0.00 0.00 1/1 1\n", "0.00 0.00 0.00", false},
		{"NaN 1 1 1/1 1", "", true},
		{"1.0.0 1 1", "", true},
		{"-1 1 1", "", true},
		{"1 1", "", true},
	}
	for _, tt := range tests {
		got, err := ParseLoadAvg([]byte(tt.in))
		if (err != nil) != tt.wantErr || got != tt.want {
			t.Errorf("ParseLoadAvg(%q) = %q, %v; want %q, err %v", tt.in, got, err, tt.want, tt.wantErr)
		}
	}
	if got := LoadAvg(); got == "unknown" || len(strings.Fields(got)) != 3 {
		t.Errorf("LoadAvg() = %q", got)
	}
}

func TestParseHistogramAndQuantile(t *testing.T) {
	text := `# TYPE srs_p2p_manifest_lag_seconds histogram
srs_p2p_manifest_lag_seconds_bucket{le="0.001"} 50
srs_p2p_manifest_lag_seconds_bucket{le="0.005"} 98
srs_p2p_manifest_lag_seconds_bucket{le="0.1"} 100
srs_p2p_manifest_lag_seconds_bucket{le="+Inf"} 100
srs_p2p_manifest_lag_seconds_sum 0.5
srs_p2p_manifest_lag_seconds_count 100
other_bucket{le="1"} 3
`
	b, err := ParseHistogram(strings.NewReader(text), "srs_p2p_manifest_lag_seconds")
	if err != nil || len(b) != 4 {
		t.Fatalf("buckets %v, %v", b, err)
	}
	for q, want := range map[float64]time.Duration{0.5: time.Millisecond, 0.98: 5 * time.Millisecond, 0.99: 100 * time.Millisecond} {
		if got, ok := Quantile(b, q); !ok || got != want {
			t.Errorf("Quantile(%v) = %v %v, want %v", q, got, ok, want)
		}
	}
	if _, ok := Quantile(nil, 0.5); ok {
		t.Error("quantile of nothing")
	}
}
