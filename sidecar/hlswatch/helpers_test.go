package hlswatch

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// waitTimeout is how long a test waits for something that should happen at
// once; only a broken watcher ever reaches it.
const waitTimeout = 10 * time.Second

// recordingSink records every call as "kind rel" ("playlist live/s.m3u8").
// With gateRel set, the call for that rel blocks until release is closed,
// which holds the watcher's goroutine still while a test changes the disk.
type recordingSink struct {
	mu    sync.Mutex
	calls []string

	gateRel string
	gated   chan struct{} // closed when the gated call has started
	release chan struct{} // closed by the test to let it return

	closed atomic.Bool // set after Close: any call then is a bug
	t      *testing.T
}

func newRecordingSink(t *testing.T) *recordingSink {
	return &recordingSink{t: t}
}

// gate makes the call for rel block; see recordingSink.
func (s *recordingSink) gate(rel string) (gated, release chan struct{}) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.gateRel, s.gated, s.release = rel, make(chan struct{}), make(chan struct{})
	return s.gated, s.release
}

func (s *recordingSink) record(kind, rel string) {
	if s.closed.Load() {
		s.t.Errorf("sink call after Close: %s %s", kind, rel)
	}
	s.mu.Lock()
	s.calls = append(s.calls, kind+" "+rel)
	gated := s.gateRel != "" && rel == s.gateRel
	started, release := s.gated, s.release
	if gated {
		s.gateRel = "" // once: a repeated call must not close started twice
	}
	s.mu.Unlock()
	if gated {
		close(started)
		<-release
	}
}

func (s *recordingSink) PlaylistChanged(rel string) { s.record("playlist", rel) }
func (s *recordingSink) SegmentAppeared(rel string) { s.record("segment", rel) }
func (s *recordingSink) FileRemoved(rel string)     { s.record("removed", rel) }
func (s *recordingSink) DirRemoved(rel string)      { s.record("dirremoved", rel) }
func (s *recordingSink) Rescan(reason string)       { s.record("rescan", reason) }

func (s *recordingSink) snapshot() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.calls)
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		<-tick.C
	}
}

// waitCall waits until call has been recorded.
func (s *recordingSink) waitCall(t *testing.T, call string) {
	t.Helper()
	eventually(t, call, func() bool { return slices.Contains(s.snapshot(), call) })
}

var fenceSeq atomic.Int64

// fence writes a fresh playlist in the root and waits for its call. inotify
// keeps one queue per watcher, in order, so once the fence is reported every
// earlier change has been handled. It returns the calls before the fence,
// without earlier fences.
func fence(t *testing.T, s *recordingSink, root string) []string {
	t.Helper()
	name := fmt.Sprintf("zz-fence-%d.m3u8", fenceSeq.Add(1))
	writeAtomic(t, filepath.Join(root, name), "#EXTM3U\n")
	call := "playlist " + name
	s.waitCall(t, call)
	var before []string
	for _, c := range s.snapshot() {
		if c == call {
			break
		}
		if !strings.HasPrefix(c, "playlist zz-fence-") {
			before = append(before, c)
		}
	}
	return before
}

// writeAtomic writes path the way SRS does: a temp name, then a rename.
func writeAtomic(t *testing.T, path, data string) {
	t.Helper()
	writeFile(t, path+".tmp", data)
	mustRename(t, path+".tmp", path)
}

func writeFile(t *testing.T, path, data string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
}

func mustRename(t *testing.T, from, to string) {
	t.Helper()
	if err := os.Rename(from, to); err != nil {
		t.Fatal(err)
	}
}

func mustMkdir(t *testing.T, path string) {
	t.Helper()
	if err := os.MkdirAll(path, 0o755); err != nil {
		t.Fatal(err)
	}
}

func mustRemove(t *testing.T, path string) {
	t.Helper()
	if err := os.RemoveAll(path); err != nil {
		t.Fatal(err)
	}
}

// startWatcher creates the HLS root with layout inside it (names ending in
// "/" are directories, others files), starts a watcher on it and closes it
// at the end of the test.
func startWatcher(t *testing.T, opts options, layout ...string) (*Watcher, *recordingSink, string) {
	t.Helper()
	root := filepath.Join(t.TempDir(), "hls")
	mustMkdir(t, root)
	for _, name := range layout {
		p := filepath.Join(root, name)
		if strings.HasSuffix(name, "/") {
			mustMkdir(t, p)
			continue
		}
		mustMkdir(t, filepath.Dir(p))
		writeFile(t, p, "x")
	}
	w, sink := startWatcherOpts(t, root, opts)
	return w, sink, root
}

func startWatcherOpts(t *testing.T, root string, opts options) (*Watcher, *recordingSink) {
	t.Helper()
	sink := newRecordingSink(t)
	w, err := newWatcher(Config{Dir: root}, sink, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
		sink.closed.Store(true)
	})
	return w, sink
}

// waitDirs waits until the watcher watches n directories.
func waitDirs(t *testing.T, w *Watcher, n int) {
	t.Helper()
	eventually(t, fmt.Sprintf("%d watched dirs", n), func() bool { return w.Dirs() == n })
}

// metricValue returns the value of one metric line of w's set.
func metricValue(t *testing.T, w *Watcher, name string) string {
	t.Helper()
	var b strings.Builder
	w.Metrics().WritePrometheus(&b)
	for line := range strings.SplitSeq(b.String(), "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			return v
		}
	}
	t.Fatalf("metric %s missing in:\n%s", name, b.String())
	return ""
}
