package benchutil

import (
	"context"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"
)

// fakeSidecarEnv makes the test binary play srs-p2p (see TestMain).
const fakeSidecarEnv = "BENCHUTIL_FAKE_SIDECAR"

// TestMain lets StartSidecar be tested against a real child process without
// building srs-p2p: the test binary re-runs itself as a fake sidecar.
func TestMain(m *testing.M) {
	switch os.Getenv(fakeSidecarEnv) {
	case "listen":
		term := make(chan os.Signal, 1)
		signal.Notify(term, syscall.SIGTERM)
		// Split the ready line over two writes, as a pipe may deliver it.
		os.Stderr.WriteString("[2026-11-24 12:27:24.929][WARN][1][abc] config: something odd\n[2026-11-24 12:27:24.930][INFO][1][abc] http: list")
		os.Stderr.WriteString("ening addr=127.0.0.1:4242 hooks=true watch=true\n")
		if os.Getenv("SRS_P2P_INHERITED") != "" {
			os.Exit(4) // an SRS_P2P_ variable leaked from the parent
		}
		<-term
		os.Exit(0)
	case "exit":
		os.Stderr.WriteString("srs-p2p: hls.dir: no such file\n")
		os.Exit(3)
	}
	os.Exit(m.Run())
}

func TestStartSidecar(t *testing.T) {
	t.Setenv("SRS_P2P_INHERITED", "1")
	s, err := StartSidecar(context.Background(), os.Args[0], map[string]string{fakeSidecarEnv: "listen"})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Addr(); got != "127.0.0.1:4242" {
		t.Errorf("Addr = %q, want 127.0.0.1:4242", got)
	}
	if s.PID() <= 0 {
		t.Errorf("PID = %d", s.PID())
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if err := s.Stop(); err != nil {
		t.Fatalf("second Stop: %v", err)
	}
	n, first := s.Problems()
	if n != 1 || len(first) != 1 || !strings.Contains(first[0], "something odd") {
		t.Errorf("Problems = %d %q, want the one WARN line", n, first)
	}
}

func TestStartSidecarExitsEarly(t *testing.T) {
	_, err := StartSidecar(context.Background(), os.Args[0], map[string]string{fakeSidecarEnv: "exit"})
	if err == nil || !strings.Contains(err.Error(), "no such file") || !strings.Contains(err.Error(), "exit status 3") {
		t.Fatalf("err = %v, want the exit status and the child's last line", err)
	}
}

func TestStartSidecarNoBinary(t *testing.T) {
	if _, err := StartSidecar(context.Background(), "", nil); err == nil {
		t.Fatal("no error for an empty binary path")
	}
}

func TestParseListenAddr(t *testing.T) {
	tests := []struct {
		line   string
		want   string
		wantOK bool
	}{
		{"[t][INFO][1][c] http: listening addr=127.0.0.1:8085 hooks=true", "127.0.0.1:8085", true},
		{"[t][INFO][1][c] http: listening addr=[::1]:9 ", "[::1]:9", true},
		{"[t][INFO][1][c] http: listening addr=127.0.0.1:0", "", false},
		{"[t][INFO][1][c] http: listening addr=127.0.0.1:65536", "", false},
		{"[t][INFO][1][c] http: listening addr=127.0.0.1:+80", "", false},
		{"[t][INFO][1][c] http: listening addr=:8085", "", false},
		{"[t][INFO][1][c] http: listening addr=example.com:80", "", false},
		{"[t][INFO][1][c] http: listening", "", false},
	}
	for _, tt := range tests {
		got, ok := ParseListenAddr(tt.line)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("ParseListenAddr(%q) = %q, %v; want %q, %v", tt.line, got, ok, tt.want, tt.wantOK)
		}
	}
}

func TestStderrLogBoundsLines(t *testing.T) {
	l := newStderrLog()
	long := strings.Repeat("x", 3*maxLine)
	for range keepLines + 5 {
		l.Write([]byte("[t][ERROR][1][c] " + long + "\n"))
	}
	n, first := l.Problems()
	if n != keepLines+5 || len(first) != keepLines {
		t.Errorf("Problems = %d, %d kept; want %d, %d", n, len(first), keepLines+5, keepLines)
	}
	if len(first[0]) != maxLine {
		t.Errorf("kept line is %d bytes, want it cut to %d", len(first[0]), maxLine)
	}
}
