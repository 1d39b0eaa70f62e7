package benchutil

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Benchmarks on a shared machine print how crowded it was, so a reader can
// tell a slow result from a busy machine. The CPU pressure stall figure is
// exact (the kernel adds up stall time), unlike the tick-sampled busy time
// of /proc/stat, which misses short bursts of work such as ours.

var (
	errPressure = errors.New("benchutil: malformed /proc/pressure/cpu")
	errLoadAvg  = errors.New("benchutil: malformed /proc/loadavg")
)

// ParseCPUPressure returns the "some" total of /proc/pressure/cpu: how long
// at least one runnable task waited for a CPU since boot.
//
//	some avg10=9.24 avg60=26.23 avg300=34.56 total=517240089
//	full avg10=0.00 avg60=0.00 avg300=0.00 total=0
func ParseCPUPressure(b []byte) (time.Duration, error) {
	if len(b) > maxProcFile {
		return 0, fmt.Errorf("%w: %d bytes", errPressure, len(b))
	}
	for line := range bytes.SplitSeq(b, []byte{'\n'}) {
		f := bytes.Fields(line)
		if len(f) == 0 || string(f[0]) != "some" {
			continue
		}
		for _, kv := range f[1:] {
			v, ok := bytes.CutPrefix(kv, []byte("total="))
			if !ok {
				continue
			}
			us, err := strconv.ParseUint(string(v), 10, 63)
			if err != nil || us > uint64(1<<63-1)/uint64(time.Microsecond) {
				return 0, fmt.Errorf("%w: total %q", errPressure, v)
			}
			return time.Duration(us) * time.Microsecond, nil
		}
		return 0, fmt.Errorf("%w: no total on the some line", errPressure)
	}
	return 0, fmt.Errorf("%w: no some line", errPressure)
}

// ReadCPUPressure returns the machine's CPU stall total, or false when the
// kernel has no pressure stall information.
func ReadCPUPressure() (time.Duration, bool) {
	b, err := readProcFile("/proc/pressure/cpu")
	if err != nil {
		return 0, false
	}
	d, err := ParseCPUPressure(b)
	return d, err == nil
}

// ParseLoadAvg returns the 1, 5 and 15 minute load averages of
// /proc/loadavg ("6.54 7.42 4.01 2/136 1670") as written there.
func ParseLoadAvg(b []byte) (string, error) {
	f := bytes.Fields(b)
	if len(f) < 3 || len(b) > 1024 {
		return "", errLoadAvg
	}
	for _, x := range f[:3] {
		if !isDecimal(x) {
			return "", fmt.Errorf("%w: %q", errLoadAvg, x)
		}
	}
	return string(bytes.Join(f[:3], []byte{' '})), nil
}

// LoadAvg returns the machine's load averages, or "unknown".
func LoadAvg() string {
	b, err := readProcFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	s, err := ParseLoadAvg(b)
	if err != nil {
		return "unknown"
	}
	return s
}

// isDecimal accepts what the kernel prints for a load average: "6.54".
func isDecimal(b []byte) bool {
	if len(b) == 0 || len(b) > 12 || b[0] == '.' {
		return false
	}
	dots := 0
	for _, c := range b {
		switch {
		case c == '.':
			dots++
		case c < '0' || c > '9':
			return false
		}
	}
	return dots <= 1
}
