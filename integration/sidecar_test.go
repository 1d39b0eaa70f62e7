package integration

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// Every manifest the tests see is written by an srs-p2p started with these
// public URLs and origin id, so the tests can assert them exactly.
const (
	itestOrigin   = "itest"
	itestTracker  = "wss://tracker.itest.example/p2p/v1/tracker"
	itestSTUN     = "stun:stun.itest.example:3478"
	itestPingback = "https://pingback.itest.example/p2p/v1/pingback"
)

// syncBuffer collects a child's output; exec copies into it from its own
// goroutine while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// tail returns the last n lines, for failure dumps that stay readable.
func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = append([]string{"... (" + strconv.Itoa(len(lines)-n) + " earlier lines cut)"}, lines[len(lines)-n:]...)
	}
	return strings.Join(lines, "\n")
}

// itestEnv is the environment of a watcher-only srs-p2p on hlsDir. Tests
// delete or change entries before passing it to startSidecar.
func itestEnv(hlsDir string) map[string]string {
	env := map[string]string{
		"SRS_P2P_ORIGIN_ID":    itestOrigin,
		"SRS_P2P_P2P_TRACKERS": itestTracker,
		"SRS_P2P_P2P_STUN":     itestSTUN,
		"SRS_P2P_P2P_PINGBACK": itestPingback,
	}
	if hlsDir != "" {
		env["SRS_P2P_HLS_DIR"] = hlsDir
	}
	return env
}

// processEnv is this process's environment without any SRS_P2P_ variable
// (an unknown one is a config error, a stray one would change the test),
// plus env and, unless env sets them, the loopback listen addresses on
// ephemeral ports every test must use.
func processEnv(env map[string]string) []string {
	var out []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "SRS_P2P_") {
			out = append(out, kv)
		}
	}
	for k, v := range env {
		out = append(out, k+"="+v)
	}
	for _, k := range []string{"SRS_P2P_LISTEN", "SRS_P2P_STUN_LISTEN", "SRS_P2P_STUN_ALT_LISTEN"} {
		if _, ok := env[k]; !ok {
			out = append(out, k+"=127.0.0.1:0")
		}
	}
	return out
}

// sidecar is one running srs-p2p process owned by a test.
type sidecar struct {
	t    *testing.T
	name string
	cmd  *exec.Cmd
	logs *syncBuffer
	base string // http://127.0.0.1:PORT

	done    chan struct{} // closed when the process has exited
	waitErr error         // set before done is closed
}

var listeningRE = regexp.MustCompile(`http: listening.*\baddr=(127\.0\.0\.1:[0-9]+)`)

// startSidecar runs the binary with env (see itestEnv) and args, waits for
// its "http: listening" line and registers cleanup: kill if still running,
// dump the log if the test failed.
func startSidecar(t *testing.T, name string, env map[string]string, args ...string) *sidecar {
	t.Helper()
	s := &sidecar{t: t, name: name, logs: &syncBuffer{}, done: make(chan struct{})}
	s.cmd = exec.Command(binPath, args...)
	s.cmd.Env = processEnv(env)
	s.cmd.Stdout = s.logs
	s.cmd.Stderr = s.logs
	if err := s.cmd.Start(); err != nil {
		t.Fatalf("%s: start %s: %v", name, binPath, err)
	}
	go func() {
		s.waitErr = s.cmd.Wait()
		close(s.done)
	}()
	t.Cleanup(func() {
		if s.running() {
			_ = s.cmd.Process.Kill()
			<-s.done
		}
		if t.Failed() {
			t.Logf("%s log (pid %d):\n%s", name, s.cmd.Process.Pid, tail(s.logs.String(), 300))
		}
	})

	deadline := time.Now().Add(20 * time.Second)
	for {
		if m := listeningRE.FindStringSubmatch(s.logs.String()); m != nil {
			s.base = "http://" + m[1]
			return s
		}
		select {
		case <-s.done:
			t.Fatalf("%s exited before listening: %v", name, s.waitErr)
		case <-time.After(10 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: no %q line with addr=127.0.0.1:PORT within 20s", name, "http: listening")
		}
	}
}

func (s *sidecar) running() bool {
	select {
	case <-s.done:
		return false
	default:
		return true
	}
}

// url is the address of path on the sidecar's HTTP listener.
func (s *sidecar) url(path string) string { return s.base + path }

// signal sends sig and fails the test if the process is gone.
func (s *sidecar) signal(sig syscall.Signal) {
	s.t.Helper()
	if err := s.cmd.Process.Signal(sig); err != nil {
		s.t.Fatalf("%s: signal %v: %v", s.name, sig, err)
	}
}

// stop sends SIGTERM and requires a clean exit 0 within 15 s with no data
// race or panic reported by the race-enabled binary.
func (s *sidecar) stop() {
	s.t.Helper()
	s.signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		s.t.Fatalf("%s did not exit within 15s of SIGTERM", s.name)
	}
	if s.waitErr != nil {
		s.t.Errorf("%s: exit after SIGTERM: %v (want exit status 0)", s.name, s.waitErr)
	}
	s.checkLogClean()
}

// checkLogClean fails on reports only a broken process writes.
func (s *sidecar) checkLogClean() {
	s.t.Helper()
	logs := s.logs.String()
	for _, bad := range []string{"WARNING: DATA RACE", "panic:", "fatal error:"} {
		if strings.Contains(logs, bad) {
			s.t.Errorf("%s log contains %q", s.name, bad)
		}
	}
}

// checkNoErrorLines fails if the process logged at ERROR level: in a normal
// run nothing is an error.
func (s *sidecar) checkNoErrorLines() {
	s.t.Helper()
	for _, line := range strings.Split(s.logs.String(), "\n") {
		if strings.Contains(line, "][ERROR][") {
			s.t.Errorf("%s logged an error in a normal run: %s", s.name, line)
		}
	}
}

// waitLog waits until the log contains sub.
func (s *sidecar) waitLog(sub string, timeout time.Duration) {
	s.t.Helper()
	eventually(s.t, timeout, s.name+" logs "+sub, func() (bool, string) {
		return strings.Contains(s.logs.String(), sub), "not in the log yet"
	})
}

// cliResult is one finished run of the binary.
type cliResult struct {
	stdout, stderr string
	code           int
}

// runCLI runs the binary to completion (30 s limit) and returns its output
// and exit code.
func runCLI(t *testing.T, env map[string]string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Env = processEnv(env)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &exit) && exit.Exited():
		res.code = exit.ExitCode()
	default:
		t.Fatalf("srs-p2p %s: %v\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), err, res.stdout, res.stderr)
	}
	if strings.Contains(res.stderr, "WARNING: DATA RACE") {
		t.Errorf("srs-p2p %s reported a data race:\n%s", strings.Join(args, " "), res.stderr)
	}
	return res
}

// eventually polls cond every 20 ms until it holds or timeout passes; the
// failure names what was awaited and the last reason cond gave.
func eventually(t *testing.T, timeout time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		ok, why := cond()
		if ok {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("waited %v for %s: %s", timeout, what, why)
		}
		<-tick.C
	}
}

// holds polls cond every 20 ms for the whole duration and fails at the first
// poll where it does not hold: a bounded check that something stays true.
func holds(t *testing.T, d time.Duration, what string, cond func() (bool, string)) {
	t.Helper()
	end := time.Now().Add(d)
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for time.Now().Before(end) {
		if ok, why := cond(); !ok {
			t.Fatalf("%s stopped holding: %s", what, why)
		}
		<-tick.C
	}
}
