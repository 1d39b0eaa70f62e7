package benchutil

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"slices"
	"strings"
	"time"
)

const (
	// readyTimeout bounds the wait for the "http: listening" line.
	readyTimeout = 15 * time.Second
	// envPrefix is srs-p2p's; it rejects unknown SRS_P2P_ variables, so
	// none are inherited from the caller's environment.
	envPrefix = "SRS_P2P_"
)

// Settings returns the environment every benchmark run of srs-p2p uses:
// loopback listeners on free ports, the HLS dir, a fixed origin id.
// SRS_P2P_LOG_LEVEL is info because srs-p2p logs its "http: listening" line
// at INFO; at that level it logs only per new stream, not per manifest, so
// the cost is negligible. Callers add or override keys.
func Settings(hlsDir string) map[string]string {
	return map[string]string{
		"SRS_P2P_LISTEN":          "127.0.0.1:0",
		"SRS_P2P_STUN_LISTEN":     "127.0.0.1:0",
		"SRS_P2P_STUN_ALT_LISTEN": "127.0.0.1:0",
		"SRS_P2P_HLS_DIR":         hlsDir,
		"SRS_P2P_ORIGIN_ID":       "bench",
		"SRS_P2P_LOG_LEVEL":       "info",
	}
}

// Sidecar is a running srs-p2p child process. Stop it on every exit path.
type Sidecar struct {
	*Process
	addr string
	log  *stderrLog
}

// StartSidecar runs bin with settings (and the caller's environment minus
// any SRS_P2P_ variable) and returns once it logged that it listens. The
// process gets SIGKILL if this program's thread that started it dies, a
// last resort for when Stop is never reached.
func StartSidecar(ctx context.Context, bin string, settings map[string]string) (*Sidecar, error) {
	if bin == "" {
		return nil, errors.New("no srs-p2p binary given (build one with: go build -o srs-p2p ./sidecar)")
	}
	cmd := exec.Command(bin)
	cmd.Env = environ(settings)
	cmd.Stdout = nil // srs-p2p writes nothing to stdout when serving
	sl := newStderrLog()
	cmd.Stderr = sl
	p, err := StartProcess(cmd)
	if err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	s := &Sidecar{Process: p, log: sl}
	timer := time.NewTimer(readyTimeout)
	defer timer.Stop()
	select {
	case s.addr = <-sl.ready:
		return s, nil
	case <-s.exited:
		return nil, fmt.Errorf("srs-p2p exited before listening (%v); its last lines:\n%s", s.err, sl.Recent())
	case <-timer.C:
		_ = s.Stop()
		return nil, fmt.Errorf("srs-p2p did not log %q within %v; its last lines:\n%s", readyMessage, readyTimeout, sl.Recent())
	case <-ctx.Done():
		_ = s.Stop()
		return nil, ctx.Err()
	}
}

// environ is the caller's environment without SRS_P2P_ variables, then
// settings in a stable order.
func environ(settings map[string]string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, envPrefix) {
			env = append(env, kv)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(settings)) {
		env = append(env, k+"="+settings[k])
	}
	return env
}

// Addr is the HTTP address the child logged, e.g. "127.0.0.1:43121".
func (s *Sidecar) Addr() string { return s.addr }

// Problems returns how many WARN or ERROR lines the child logged and the
// first few of them.
func (s *Sidecar) Problems() (int, []string) { return s.log.Problems() }

// Recent returns the child's last log lines.
func (s *Sidecar) Recent() string { return s.log.Recent() }

// Stop stops the child (see Process.Stop) and adds its last log lines to
// a failure.
func (s *Sidecar) Stop() error {
	if err := s.Process.Stop(); err != nil {
		return fmt.Errorf("srs-p2p: %w; its last lines:\n%s", err, s.log.Recent())
	}
	return nil
}
