package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
)

// startTimeout bounds a tracker's start, until it printed its address.
const startTimeout = 15 * time.Second

// trackerProc is a running tracker child process under load.
type trackerProc struct {
	name   string
	url    string // ws://127.0.0.1:PORT/...
	proc   *benchutil.Process
	stdin  io.Closer // bittorrent-tracker exits when it closes; nil for ours
	stderr *tailBuffer
}

// stop ends the child (SIGTERM, then SIGKILL) and adds its last stderr
// lines to a failure.
func (t *trackerProc) stop() error {
	if t.stdin != nil {
		_ = t.stdin.Close()
	}
	if err := t.proc.Stop(); err != nil {
		return fmt.Errorf("%s did not stop cleanly: %w; its stderr:\n%s", t.name, err, t.stderr.String())
	}
	return nil
}

// exited reports a child that died (the run must not measure a corpse).
func (t *trackerProc) exited() error {
	select {
	case <-t.proc.Exited():
		return fmt.Errorf("%w (%v); its stderr:\n%s", errServerExited, t.proc.Err(), t.stderr.String())
	default:
		return nil
	}
}

// startTracker starts the named tracker and waits for its address.
func startTracker(ctx context.Context, name, npmDir string) (*trackerProc, error) {
	var cmd *exec.Cmd
	switch name {
	case serverOurs:
		self, err := os.Executable()
		if err != nil {
			return nil, err
		}
		cmd = exec.Command(self, "-serve", "127.0.0.1:0")
	case serverBaseline:
		cmd = exec.Command("node", "server.mjs", "--interval-seconds", strconv.Itoa(int(announceInterval/time.Second)))
		cmd.Dir = npmDir
	default:
		return nil, fmt.Errorf("unknown tracker %q", name)
	}
	t := &trackerProc{name: name, stderr: &tailBuffer{max: 8 << 10}}
	cmd.Stderr = t.stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if name == serverBaseline {
		// An open pipe: the node child exits when it reaches EOF, so it
		// cannot outlive this program even without the parent-death signal.
		if t.stdin, err = cmd.StdinPipe(); err != nil {
			return nil, err
		}
	}
	if t.proc, err = benchutil.StartProcess(cmd); err != nil {
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	line := make(chan string, 1)
	go func() {
		s := bufio.NewScanner(io.LimitReader(stdout, 4096))
		if s.Scan() {
			line <- s.Text()
		}
		close(line)
		_, _ = io.Copy(io.Discard, stdout)
	}()
	fail := func(err error) (*trackerProc, error) {
		_ = t.stop()
		return nil, fmt.Errorf("%s: %w; its stderr:\n%s", name, err, t.stderr.String())
	}
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case l, ok := <-line:
		if !ok {
			return fail(errors.New("exited before printing its address"))
		}
		if t.url, err = parseAddrLine(name, l); err != nil {
			return fail(err)
		}
		return t, nil
	case <-timer.C:
		return fail(fmt.Errorf("no address printed within %v", startTimeout))
	case <-ctx.Done():
		return fail(ctx.Err())
	}
}

// parseAddrLine turns a child's first stdout line into the tracker URL:
// "addr=127.0.0.1:PORT" from ours (-serve), "ws://127.0.0.1:PORT" from
// server.mjs. Only loopback addresses are accepted: the load never leaves
// the machine.
func parseAddrLine(name, line string) (string, error) {
	var hostPort, path string
	switch name {
	case serverOurs:
		rest, ok := strings.CutPrefix(line, "addr=")
		if !ok {
			return "", fmt.Errorf("first line %.80q, want addr=HOST:PORT", line)
		}
		hostPort, path = rest, "/p2p/v1/tracker"
	case serverBaseline:
		rest, ok := strings.CutPrefix(line, "ws://")
		if !ok {
			return "", fmt.Errorf("first line %.80q, want ws://HOST:PORT", line)
		}
		hostPort = rest
	default:
		return "", fmt.Errorf("unknown tracker %q", name)
	}
	ap, err := netip.ParseAddrPort(hostPort)
	if err != nil || !ap.Addr().IsLoopback() || ap.Port() == 0 {
		return "", fmt.Errorf("first line %.80q: want a loopback HOST:PORT", line)
	}
	return "ws://" + ap.String() + path, nil
}

// tailBuffer keeps the last max bytes written to it: a child's stderr,
// shown when it fails.
type tailBuffer struct {
	mu  sync.Mutex
	max int
	b   []byte
}

func (t *tailBuffer) Write(p []byte) (int, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.b = append(t.b, p...)
	if over := len(t.b) - t.max; over > 0 {
		t.b = append(t.b[:0], t.b[over:]...)
	}
	return len(p), nil
}

func (t *tailBuffer) String() string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return strings.TrimSpace(string(t.b))
}

// checkBaseline fails, saying how to install them, when node or the pinned
// bittorrent-tracker is missing from npmDir.
func checkBaseline(ctx context.Context, npmDir string) error {
	install := fmt.Sprintf("run `make deps` (it runs npm ci in %s) or: (cd %s && npm ci)", npmDir, npmDir)
	if _, err := exec.LookPath("node"); err != nil {
		return fmt.Errorf("node is not in PATH; the bittorrent-tracker baseline needs node >= %d: %s", minNodeMajor, install)
	}
	vctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	out, err := exec.CommandContext(vctx, "node", "--version").Output()
	if err != nil {
		return fmt.Errorf("node --version: %w", err)
	}
	if major, ok := nodeMajor(string(out)); !ok || major < minNodeMajor {
		return fmt.Errorf("node %q is too old or unreadable, bittorrent-tracker's baseline needs >= %d: %s", strings.TrimSpace(string(out)), minNodeMajor, install)
	}
	want, err := pinnedVersion(filepath.Join(npmDir, "package.json"))
	if err != nil {
		return fmt.Errorf("%w: -npm-dir %s must be the bench/trackerload/npm project; to install it %s", err, npmDir, install)
	}
	got, err := installedVersion(filepath.Join(npmDir, "node_modules", "bittorrent-tracker", "package.json"))
	if err != nil || got != want {
		return fmt.Errorf("bittorrent-tracker %s is not installed in %s (found %q): %s", want, npmDir, got, install)
	}
	return nil
}
