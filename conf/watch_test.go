package conf

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// testDebounce keeps the watcher tests fast; the behaviour is the same.
const testDebounce = 10 * time.Millisecond

// waitTimeout bounds every wait; a correct run takes milliseconds.
const waitTimeout = 5 * time.Second

type seenEvent struct {
	ev       fsnotify.Event
	relevant bool
}

// startWatcher watches path and records every event the watcher judged
// and every signal it tried to queue.
func startWatcher(t *testing.T, path string) (*Watcher, chan seenEvent, chan bool) {
	t.Helper()
	events := make(chan seenEvent, 1024)
	signals := make(chan bool, 1024)
	w, err := newWatcher(path, nil, testDebounce, watchTestHooks{
		event: func(ev fsnotify.Event, relevant bool) {
			select {
			case events <- seenEvent{ev, relevant}:
			default: // the test only needs the first few
			}
		},
		signal: func(queued bool) {
			select {
			case signals <- queued:
			default:
			}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := w.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return w, events, signals
}

func waitSignal(t *testing.T, w *Watcher, what string) {
	t.Helper()
	select {
	case <-w.C():
	case <-time.After(waitTimeout):
		t.Fatalf("no change signal after %s", what)
	}
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestWatcherWriteInPlace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "srs-p2p.conf")
	writeFile(t, path, "{}")
	w, _, _ := startWatcher(t, path)
	writeFile(t, path, `{"hls": {"retain": 1}}`)
	waitSignal(t, w, "write in place")
}

func TestWatcherRenameOver(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "srs-p2p.conf")
	writeFile(t, path, "{}")
	w, _, _ := startWatcher(t, path)
	tmp := filepath.Join(dir, ".srs-p2p.conf.swp")
	writeFile(t, tmp, `{"hls": {"retain": 2}}`)
	if err := os.Rename(tmp, path); err != nil {
		t.Fatal(err)
	}
	waitSignal(t, w, "rename over")
}

func TestWatcherIgnoresOtherFilesAndChmod(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "srs-p2p.conf")
	writeFile(t, path, "{}")
	w, events, _ := startWatcher(t, path)
	other := filepath.Join(dir, "other.conf")
	writeFile(t, other, "{}")
	if err := os.Remove(other); err != nil {
		t.Fatal(err)
	}
	// Wait until the watcher has judged the removal, the last event of
	// other.conf; every judgment so far must have been "not relevant".
	deadline := time.After(waitTimeout)
	for removed := false; !removed; {
		select {
		case e := <-events:
			if e.relevant || e.ev.Name != other {
				t.Fatalf("event %v counted as relevant=%v, want only irrelevant events on %s", e.ev, e.relevant, other)
			}
			removed = e.ev.Has(fsnotify.Remove)
		case <-deadline:
			t.Fatal("the watcher never reported the other file's removal")
		}
	}
	// A bare attribute change of the config itself is not a change either.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	select {
	case e := <-events:
		if e.relevant || e.ev.Name != path || e.ev.Op != fsnotify.Chmod {
			t.Fatalf("event %v judged relevant=%v, want an irrelevant chmod of %s", e.ev, e.relevant, path)
		}
	case <-deadline:
		t.Fatal("the watcher never reported the chmod")
	}
	select {
	case <-w.C():
		t.Fatal("a change signal for another file or a chmod")
	default:
	}
	// The watcher still works after ignoring them.
	writeFile(t, path, `{"hls": {"retain": 3}}`)
	waitSignal(t, w, "write after ignored events")
}

// TestWatcherSymlinkSwap follows the Kubernetes ConfigMap layout: the
// config is a symlink through "..data", which is swapped atomically to a
// new versioned directory; no event ever names the config file itself.
func TestWatcherSymlinkSwap(t *testing.T) {
	dir := t.TempDir()
	for _, v := range []string{"..v1", "..v2"} {
		if err := os.Mkdir(filepath.Join(dir, v), 0o700); err != nil {
			t.Fatal(err)
		}
		writeFile(t, filepath.Join(dir, v, "srs-p2p.conf"), "{}")
	}
	mustSymlink(t, "..v1", filepath.Join(dir, "..data"))
	path := filepath.Join(dir, "srs-p2p.conf")
	mustSymlink(t, filepath.Join("..data", "srs-p2p.conf"), path)

	w, events, _ := startWatcher(t, path)
	mustSymlink(t, "..v2", filepath.Join(dir, "..data_tmp"))
	if err := os.Rename(filepath.Join(dir, "..data_tmp"), filepath.Join(dir, "..data")); err != nil {
		t.Fatal(err)
	}
	waitSignal(t, w, "symlink swap")
	for {
		select {
		case e := <-events:
			if e.relevant {
				if e.ev.Name == path {
					t.Fatalf("swap reported on the file's own name; the test does not exercise re-resolution")
				}
				return
			}
		default:
			t.Fatal("signal without a relevant event")
		}
	}
}

func mustSymlink(t *testing.T, target, link string) {
	t.Helper()
	if err := os.Symlink(target, link); err != nil {
		t.Fatal(err)
	}
}

func TestWatcherSignalNeverBlocks(t *testing.T) {
	path := filepath.Join(t.TempDir(), "srs-p2p.conf")
	writeFile(t, path, "{}")
	w, _, signals := startWatcher(t, path)
	// Two changes while nobody reads C: the first is queued, the second
	// finds it pending and is dropped instead of blocking the watcher.
	writeFile(t, path, `{"hls": {"retain": 4}}`)
	if queued := waitBool(t, signals, "first change"); !queued {
		t.Fatal("first change was not queued on an empty C")
	}
	writeFile(t, path, `{"hls": {"retain": 5}}`)
	if queued := waitBool(t, signals, "second change"); queued {
		t.Fatal("second change was queued although C already held a signal")
	}
	if err := w.Close(); err != nil { // returns only if the goroutine is not stuck
		t.Fatal(err)
	}
	if len(w.C()) != 1 {
		t.Fatalf("pending signals = %d, want exactly 1", len(w.C()))
	}
}

func waitBool(t *testing.T, ch <-chan bool, what string) bool {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitTimeout):
		t.Fatalf("no signal attempt after the %s", what)
		return false
	}
}

func TestWatcherCloseTwiceAndMissingDir(t *testing.T) {
	path := filepath.Join(t.TempDir(), "srs-p2p.conf")
	writeFile(t, path, "{}")
	w, err := NewWatcher(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := NewWatcher(filepath.Join(t.TempDir(), "missing", "x.conf"), nil); err == nil {
		t.Fatal("NewWatcher in a missing directory succeeded")
	}
}
