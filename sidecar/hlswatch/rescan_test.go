package hlswatch

import (
	"errors"
	"path/filepath"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/fsnotify/fsnotify"
)

// TestRescanCoalesced feeds errors through fsnotify's own Errors channel
// (the path a real IN_Q_OVERFLOW takes) with the rescan timer under the
// test's control: a burst becomes one rescan, a later error another.
func TestRescanCoalesced(t *testing.T) {
	fire := make(chan time.Time)
	var timers atomic.Int32
	after := func(d time.Duration) <-chan time.Time {
		if d != rescanDelay {
			t.Errorf("rescan delay %v, want %v", d, rescanDelay)
		}
		timers.Add(1)
		return fire
	}
	w, sink, root := startWatcher(t, options{after: after}, "live/")

	for range 5 {
		w.fw.Errors <- fsnotify.ErrEventOverflow
	}
	w.fw.Errors <- errors.New("read failed") // joins the pending overflow rescan
	fire <- time.Now()
	sink.waitCall(t, "rescan overflow")
	if n := timers.Load(); n != 1 {
		t.Errorf("%d rescans scheduled for one burst, want 1", n)
	}

	w.fw.Errors <- errors.New("read failed")
	fire <- time.Now()
	sink.waitCall(t, "rescan error")

	got := fence(t, sink, root)
	if want := []string{"rescan overflow", "rescan error"}; !slices.Equal(got, want) {
		t.Errorf("calls:\n got %q\nwant %q", got, want)
	}
	if n := timers.Load(); n != 2 {
		t.Errorf("%d rescans scheduled, want 2", n)
	}
	for name, want := range map[string]string{
		`srs_p2p_watcher_rescans_total{reason="overflow"}`: "1",
		`srs_p2p_watcher_rescans_total{reason="error"}`:    "1",
		`srs_p2p_watcher_dirs`:                             "2",
	} {
		if v := metricValue(t, w, name); v != want {
			t.Errorf("%s = %s, want %s", name, v, want)
		}
	}
}

// TestOverflowRescanRealTimer: the default timer fires by itself.
func TestOverflowRescanRealTimer(t *testing.T) {
	w, sink, _ := startWatcher(t, options{})
	w.fw.Errors <- fsnotify.ErrEventOverflow
	sink.waitCall(t, "rescan overflow")
}

// TestRescanResyncsWatches loses events on purpose: the kernel forgets the
// watches of the root and of gone/, gone/ is deleted and fresh/deeper/ is
// created unseen. The rescan must re-add, add and drop watches to match
// the disk.
func TestRescanResyncsWatches(t *testing.T) {
	w, sink, root := startWatcher(t, options{}, "live/", "gone/sub/")
	for _, d := range []string{"gone/sub", "gone", ""} {
		if err := w.fw.Remove(w.abs(d)); err != nil {
			t.Fatal(err)
		}
	}
	mustRemove(t, filepath.Join(root, "gone"))
	mustMkdir(t, filepath.Join(root, "fresh/deeper"))
	writeAtomic(t, filepath.Join(root, "fresh/deeper/unseen.ts"), "x")

	w.fw.Errors <- fsnotify.ErrEventOverflow
	sink.waitCall(t, "rescan overflow")
	if w.Dirs() != 4 {
		t.Errorf("Dirs() = %d, want 4 (root, live, fresh, fresh/deeper)", w.Dirs())
	}
	watched := w.fw.WatchList()
	slices.Sort(watched)
	want := []string{w.rootOS, w.abs("fresh"), w.abs("fresh/deeper"), w.abs("live")}
	slices.Sort(want)
	if !slices.Equal(watched, want) {
		t.Errorf("kernel watches:\n got %q\nwant %q", watched, want)
	}

	writeAtomic(t, filepath.Join(root, "fresh/deeper/seen.ts"), "x")
	got := fence(t, sink, root)
	if want := []string{"rescan overflow", "segment fresh/deeper/seen.ts"}; !slices.Equal(got, want) {
		t.Errorf("calls:\n got %q\nwant %q (files found by a rescan are the consumer's to find)", got, want)
	}
	if v := metricValue(t, w, `srs_p2p_watcher_events_total{kind="dir_removed"}`); v != "2" {
		t.Errorf("dir_removed = %s, want 2", v)
	}
}

// TestRootRemoved: losing the HLS dir drops every watch and ends in a
// Rescan("error"), never in DirRemoved("").
func TestRootRemoved(t *testing.T) {
	w, sink, root := startWatcher(t, options{}, "live/x.ts")
	mustRemove(t, root)
	sink.waitCall(t, "rescan error")
	got := sink.snapshot()
	want := []string{"removed live/x.ts", "dirremoved live", "rescan error"}
	if !slices.Equal(got, want) {
		t.Errorf("calls:\n got %q\nwant %q", got, want)
	}
	if w.Dirs() != 0 {
		t.Errorf("Dirs() = %d, want 0", w.Dirs())
	}
	if v := metricValue(t, w, `srs_p2p_watcher_rescans_total{reason="error"}`); v != "1" {
		t.Errorf("error rescans = %s, want 1", v)
	}
}

// TestRootRenamed: once the HLS dir is renamed, the watches below it are
// dropped at once, before the rescan runs (held back here), so writes in
// the renamed tree are never reported under their old names.
func TestRootRenamed(t *testing.T) {
	scheduled := make(chan struct{}, 1)
	after := func(time.Duration) <-chan time.Time {
		scheduled <- struct{}{}
		return make(chan time.Time) // never fires
	}
	w, sink, root := startWatcher(t, options{after: after}, "live/sub/")
	mustRename(t, root, root+".old")
	select {
	case <-scheduled:
	case <-time.After(waitTimeout):
		t.Fatal("no rescan scheduled after the root was renamed")
	}
	if w.Dirs() != 0 {
		t.Errorf("Dirs() = %d, want 0", w.Dirs())
	}
	if got := w.fw.WatchList(); len(got) != 0 {
		t.Errorf("kernel watches left: %q", got)
	}
	if got := sink.snapshot(); len(got) != 0 {
		t.Errorf("calls %q, want none", got)
	}
}
