package hlswatch

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestNewErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	writeFile(t, file, "x")
	tests := []struct {
		name string
		dir  string
		sink Sink
		want error
	}{
		{"no dir", "", newRecordingSink(t), ErrNoDir},
		{"missing dir", filepath.Join(t.TempDir(), "nope"), newRecordingSink(t), fs.ErrNotExist},
		{"file", file, newRecordingSink(t), ErrNotDir},
		{"nil sink", t.TempDir(), nil, ErrNilSink},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w, err := New(Config{Dir: tt.dir}, tt.sink)
			if !errors.Is(err, tt.want) {
				t.Errorf("err = %v, want %v", err, tt.want)
			}
			if w != nil {
				t.Errorf("watcher returned with error")
				w.Close()
			}
		})
	}
}

// TestRootSymlink: a symlinked HLS dir is resolved, and rel paths stay
// relative to it.
func TestRootSymlink(t *testing.T) {
	real := filepath.Join(t.TempDir(), "real")
	mustMkdir(t, filepath.Join(real, "live"))
	link := filepath.Join(t.TempDir(), "hls")
	if err := os.Symlink(real, link); err != nil {
		t.Fatal(err)
	}
	sink := newRecordingSink(t)
	w, err := New(Config{Dir: link}, sink)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if w.Dirs() != 2 {
		t.Errorf("Dirs() = %d, want 2", w.Dirs())
	}
	writeAtomic(t, filepath.Join(link, "live/a.ts"), "x")
	got := fence(t, sink, link)
	if want := []string{"segment live/a.ts"}; !slices.Equal(got, want) {
		t.Errorf("calls:\n got %q\nwant %q", got, want)
	}
}
