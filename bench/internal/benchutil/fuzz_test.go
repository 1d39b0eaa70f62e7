package benchutil

import (
	"strings"
	"testing"
)

// The child's stderr and /proc files are input this package does not
// control: parsers must never panic and must keep their promises.

func FuzzParseStat(f *testing.F) {
	f.Add([]byte("4242 (srs-p2p) S 1 4242 4242 0 -1 4194560 1500 0 0 0 250 37 0 0 20 0 9 0\n"))
	f.Add([]byte("7 (a) b) (c) R 1 7 7 0 -1 0 0 0 0 0 12 34 0 0\n"))
	f.Add([]byte("1 (x"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := ParseStat(b)
		if err != nil && c != (CPUTicks{}) {
			t.Fatalf("error %v with a non-zero result %+v", err, c)
		}
	})
}

func FuzzParseStatus(f *testing.F) {
	f.Add([]byte("VmHWM:\t    20480 kB\nVmRSS:\t    18432 kB\n"))
	f.Add([]byte("VmRSS: 1 kB\nVmRSS: 2 kB\nVmHWM: 3 kB"))
	f.Add([]byte("VmRSS:\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseStatus(b)
		if err == nil && (m.RSS < 0 || m.HWM < 0) {
			t.Fatalf("negative memory %+v", m)
		}
	})
}

func FuzzParseListenAddr(f *testing.F) {
	f.Add("[t][INFO][1][c] http: listening addr=127.0.0.1:8085 hooks=true")
	f.Add("http: listening addr=[::1]:1")
	f.Add("addr=127.0.0.1:99999")
	f.Fuzz(func(t *testing.T, line string) {
		addr, ok := ParseListenAddr(line)
		if ok && (addr == "" || strings.ContainsAny(addr, " \n") || !strings.Contains(line, addr)) {
			t.Fatalf("ParseListenAddr(%q) = %q", line, addr)
		}
	})
}

func FuzzStderrLog(f *testing.F) {
	f.Add([]byte("[t][WARN][1][c] x\n[t][INFO][1][c] http: listening addr=127.0.0.1:1\n"), 3)
	f.Add([]byte("no newline"), 1)
	f.Fuzz(func(t *testing.T, b []byte, split int) {
		l := newStderrLog()
		cut := 0
		if len(b) > 0 {
			cut = (split%len(b) + len(b)) % len(b)
		}
		l.Write(b[:cut])
		l.Write(b[cut:])
		n, first := l.Problems()
		if len(first) > keepLines || len(first) > n {
			t.Fatalf("kept %d of %d problems", len(first), n)
		}
		for _, s := range first {
			if len(s) > maxLine {
				t.Fatalf("kept a line of %d bytes", len(s))
			}
		}
	})
}

func FuzzParseCPUPressure(f *testing.F) {
	f.Add([]byte("some avg10=9.24 avg60=26.23 avg300=34.56 total=517240089\nfull total=0\n"))
	f.Add([]byte("some total=18446744073709551615"))
	f.Fuzz(func(t *testing.T, b []byte) {
		d, err := ParseCPUPressure(b)
		if err == nil && d < 0 {
			t.Fatalf("negative stall %v", d)
		}
	})
}

func FuzzParseLoadAvg(f *testing.F) {
	f.Add([]byte("6.54 7.42 4.01 2/136 1670\n"))
	f.Add([]byte("1 2"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseLoadAvg(b)
		if err == nil && len(strings.Fields(s)) != 3 {
			t.Fatalf("ParseLoadAvg(%q) = %q", b, s)
		}
	})
}
