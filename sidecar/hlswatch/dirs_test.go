package hlswatch

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestDirRemoved(t *testing.T) {
	w, sink, root := startWatcher(t, options{},
		"live/s-1.ts", "live/s-2.ts", "live/s.m3u8", "live/s.p2p.json", "other/sub/")
	if w.Dirs() != 4 {
		t.Fatalf("Dirs() = %d, want 4", w.Dirs())
	}

	mustRemove(t, filepath.Join(root, "live/s-1.ts"))
	mustRemove(t, filepath.Join(root, "live")) // hls_dispose, then the dir
	got := fence(t, sink, root)
	if len(got) == 0 || got[len(got)-1] != "dirremoved live" {
		t.Fatalf("calls %q: want DirRemoved(live) last", got)
	}
	files := slices.Sorted(slices.Values(got[:len(got)-1]))
	want := []string{"removed live/s-1.ts", "removed live/s-2.ts", "removed live/s.m3u8"}
	if !slices.Equal(files, want) {
		t.Errorf("file calls:\n got %q\nwant %q", files, want)
	}
	if w.Dirs() != 3 {
		t.Errorf("Dirs() = %d after removing live, want 3", w.Dirs())
	}

	// Moved out of the tree: the dir and the one below it stop being
	// watched, and what happens in them afterwards is never reported.
	before := len(fence(t, sink, root))
	outside := filepath.Join(filepath.Dir(root), "moved")
	mustRename(t, filepath.Join(root, "other"), outside)
	writeAtomic(t, filepath.Join(outside, "sub/late.ts"), "x")
	writeAtomic(t, filepath.Join(outside, "late.m3u8"), "x")
	got = fence(t, sink, root)[before:]
	if want := []string{"dirremoved other"}; !slices.Equal(got, want) {
		t.Errorf("calls after moving other away:\n got %q\nwant %q", got, want)
	}
	if w.Dirs() != 1 {
		t.Errorf("Dirs() = %d, want 1 (the root)", w.Dirs())
	}
	if v := metricValue(t, w, `srs_p2p_watcher_dirs`); v != "1" {
		t.Errorf("srs_p2p_watcher_dirs = %s, want 1", v)
	}
	if v := metricValue(t, w, `srs_p2p_watcher_events_total{kind="dir_removed"}`); v != "3" {
		t.Errorf("dir_removed = %s, want 3", v)
	}
}

// TestDirRenamedInsideTree: the old name goes away, the new one is walked.
func TestDirRenamedInsideTree(t *testing.T) {
	w, sink, root := startWatcher(t, options{}, "old/sub/a.ts")
	mustRename(t, filepath.Join(root, "old"), filepath.Join(root, "new"))
	got := fence(t, sink, root)
	want := []string{"dirremoved old", "segment new/sub/a.ts"}
	if !slices.Equal(got, want) {
		t.Errorf("calls:\n got %q\nwant %q", got, want)
	}
	before := len(got)
	writeAtomic(t, filepath.Join(root, "new/sub/b.ts"), "x")
	got = fence(t, sink, root)[before:]
	if want := []string{"segment new/sub/b.ts"}; !slices.Equal(got, want) {
		t.Errorf("calls in the renamed dir:\n got %q\nwant %q", got, want)
	}
	if w.Dirs() != 3 {
		t.Errorf("Dirs() = %d, want 3", w.Dirs())
	}
}

// TestSkippedDirs: hidden dirs and symlinks to dirs are never watched.
func TestSkippedDirs(t *testing.T) {
	elsewhere := t.TempDir()
	writeFile(t, filepath.Join(elsewhere, "secret.ts"), "x")
	root := filepath.Join(t.TempDir(), "hls")
	mustMkdir(t, filepath.Join(root, ".cache/deep"))
	mustMkdir(t, filepath.Join(root, "live"))
	if err := os.Symlink(elsewhere, filepath.Join(root, "link")); err != nil {
		t.Fatal(err)
	}
	sink := newRecordingSink(t)
	w, err := New(Config{Dir: root}, sink)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.Dirs() != 2 {
		t.Errorf("Dirs() = %d at start, want 2 (root, live)", w.Dirs())
	}
	mustMkdir(t, filepath.Join(root, ".new"))
	writeAtomic(t, filepath.Join(root, ".new/x.ts"), "x")
	if err := os.Symlink(elsewhere, filepath.Join(root, "live/link2")); err != nil {
		t.Fatal(err)
	}
	writeAtomic(t, filepath.Join(elsewhere, "later.ts"), "x")
	if got := fence(t, sink, root); len(got) != 0 {
		t.Errorf("calls %q, want none", got)
	}
	if w.Dirs() != 2 {
		t.Errorf("Dirs() = %d, want 2", w.Dirs())
	}
}

// TestDirLimit: past the limit a new dir is counted and left unwatched.
func TestDirLimit(t *testing.T) {
	w, sink, root := startWatcher(t, options{maxDirs: 2}, "live/")
	mustMkdir(t, filepath.Join(root, "other"))
	writeAtomic(t, filepath.Join(root, "other/x.ts"), "x")
	if got := fence(t, sink, root); len(got) != 0 {
		t.Errorf("calls %q, want none", got)
	}
	if w.Dirs() != 2 {
		t.Errorf("Dirs() = %d, want 2", w.Dirs())
	}
	if v := metricValue(t, w, `srs_p2p_watcher_dirs_skipped_total{reason="limit"}`); v != "1" {
		t.Errorf("skipped limit = %s, want 1", v)
	}
	// Room again after a removal: the next new dir is watched.
	mustRemove(t, filepath.Join(root, "live"))
	mustMkdir(t, filepath.Join(root, "third"))
	writeAtomic(t, filepath.Join(root, "third/y.ts"), "x")
	waitDirs(t, w, 2)
	sink.waitCall(t, "segment third/y.ts")
}
