package hlswatch

import (
	"path/filepath"
	"slices"
	"testing"
)

// TestNewDirWalkReportsFilesWrittenBeforeItsWatch forces SRS 7's race: the
// watcher's goroutine is held in a Sink call while live/, live/livestream/
// and init.mp4 appear, so the kernel never reports init.mp4 itself; only the
// walk of the new directory can.
func TestNewDirWalkReportsFilesWrittenBeforeItsWatch(t *testing.T) {
	w, sink, root := startWatcher(t, options{})
	gated, release := sink.gate("hold.m3u8")
	writeAtomic(t, filepath.Join(root, "hold.m3u8"), "#EXTM3U")
	<-gated
	mustMkdir(t, filepath.Join(root, "live/livestream"))
	for range 2 { // SRS 7 writes init.mp4 twice
		writeAtomic(t, filepath.Join(root, "live/livestream/init.mp4"), "ftyp")
	}
	writeAtomic(t, filepath.Join(root, "live/livestream-0.m4s.tmp"), "moof") // still a temp name
	close(release)

	got := fence(t, sink, root)
	want := []string{"playlist hold.m3u8", "segment live/livestream/init.mp4"}
	if !slices.Equal(got, want) {
		t.Errorf("calls:\n got %q\nwant %q", got, want)
	}
	if w.Dirs() != 3 {
		t.Errorf("Dirs() = %d, want 3 (root, live, live/livestream)", w.Dirs())
	}
	// The new watches work: the next segment is an ordinary event.
	writeAtomic(t, filepath.Join(root, "live/livestream-1.m4s"), "moof")
	writeAtomic(t, filepath.Join(root, "live/livestream/init.mp4"), "ftyp")
	got = fence(t, sink, root)[len(want):]
	want = []string{"segment live/livestream-1.m4s", "segment live/livestream/init.mp4"}
	if !slices.Equal(got, want) {
		t.Errorf("calls after the walk:\n got %q\nwant %q", got, want)
	}
}

// TestNewDirRaceUnforced creates a stream dir and its files as fast as SRS 7
// does, without holding the watcher: every file must be reported (a file
// may be reported twice, by its event and by the walk), nothing else.
func TestNewDirRaceUnforced(t *testing.T) {
	w, sink, root := startWatcher(t, options{})
	mustMkdir(t, filepath.Join(root, "live/livestream"))
	writeAtomic(t, filepath.Join(root, "live/livestream/init.mp4"), "ftyp")
	writeAtomic(t, filepath.Join(root, "live/livestream-0.m4s"), "moof")
	writeAtomic(t, filepath.Join(root, "live/livestream.m3u8"), "#EXTM3U")

	got := slices.Compact(slices.Sorted(slices.Values(fence(t, sink, root))))
	want := []string{
		"playlist live/livestream.m3u8",
		"segment live/livestream-0.m4s",
		"segment live/livestream/init.mp4",
	}
	if !slices.Equal(got, want) {
		t.Errorf("distinct calls:\n got %q\nwant %q", got, want)
	}
	waitDirs(t, w, 3)
}

// TestNestedDirs: mkdir -p a/b/c with a playlist at the bottom, created
// while the watcher is held and again while it runs freely.
func TestNestedDirs(t *testing.T) {
	w, sink, root := startWatcher(t, options{})
	gated, release := sink.gate("hold.m3u8")
	writeAtomic(t, filepath.Join(root, "hold.m3u8"), "#EXTM3U")
	<-gated
	mustMkdir(t, filepath.Join(root, "a/b/c"))
	writeAtomic(t, filepath.Join(root, "a/b/c/x.m3u8"), "#EXTM3U")
	close(release)
	got := fence(t, sink, root)
	want := []string{"playlist hold.m3u8", "playlist a/b/c/x.m3u8"}
	if !slices.Equal(got, want) {
		t.Errorf("held:\n got %q\nwant %q", got, want)
	}
	if w.Dirs() != 4 {
		t.Errorf("Dirs() = %d, want 4", w.Dirs())
	}

	mustMkdir(t, filepath.Join(root, "d/e/f"))
	writeAtomic(t, filepath.Join(root, "d/e/f/y.ts"), "ts")
	waitDirs(t, w, 7)
	got = slices.Compact(slices.Sorted(slices.Values(fence(t, sink, root)[len(want):])))
	if want := []string{"segment d/e/f/y.ts"}; !slices.Equal(got, want) {
		t.Errorf("free-running distinct calls:\n got %q\nwant %q", got, want)
	}
	// Every level is watched: a file in each is an ordinary event now.
	before := len(fence(t, sink, root))
	for _, d := range []string{"d", "d/e", "d/e/f"} {
		writeAtomic(t, filepath.Join(root, d, "z.ts"), "ts")
	}
	got = fence(t, sink, root)[before:]
	if want := []string{"segment d/z.ts", "segment d/e/z.ts", "segment d/e/f/z.ts"}; !slices.Equal(got, want) {
		t.Errorf("calls:\n got %q\nwant %q", got, want)
	}
}
