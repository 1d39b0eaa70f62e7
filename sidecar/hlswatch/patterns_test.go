package hlswatch

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// TestWriterPatterns replays how SRS and ffmpeg write files, in directories
// watched from the start, and checks the exact calls in order.
func TestWriterPatterns(t *testing.T) {
	tests := []struct {
		name  string
		dirs  []string                        // created before New
		files map[string]string               // created before New
		do    func(t *testing.T, root string) // the writer's operations
		want  []string
	}{
		{
			name:  "srs6 ts: tmp renamed to ts, temp renamed over m3u8, old ts deleted",
			dirs:  []string{"live"},
			files: map[string]string{"live/livestream.m3u8": "old", "live/livestream-0.ts": "old seg"},
			do: func(t *testing.T, root string) {
				live := filepath.Join(root, "live")
				writeFile(t, filepath.Join(live, "livestream-1.ts.tmp"), "ts data")
				mustRename(t, filepath.Join(live, "livestream-1.ts.tmp"), filepath.Join(live, "livestream-1.ts"))
				writeFile(t, filepath.Join(live, "livestream.m3u8.temp"), "#EXTM3U")
				mustRename(t, filepath.Join(live, "livestream.m3u8.temp"), filepath.Join(live, "livestream.m3u8"))
				mustRemove(t, filepath.Join(live, "livestream-0.ts"))
				writeFile(t, filepath.Join(live, "livestream-2.ts.tmp"), "next, not finished")
			},
			want: []string{
				"segment live/livestream-1.ts",
				"playlist live/livestream.m3u8",
				"removed live/livestream-0.ts",
			},
		},
		{
			name: "ffmpeg temp_file: ts.tmp and m3u8.tmp renamed",
			dirs: []string{"live"},
			do: func(t *testing.T, root string) {
				for _, seg := range []string{"s0.ts", "s1.ts"} {
					writeAtomic(t, filepath.Join(root, "live", seg), "ts")
					writeAtomic(t, filepath.Join(root, "live", "s.m3u8"), "#EXTM3U")
				}
			},
			want: []string{"segment live/s0.ts", "playlist live/s.m3u8", "segment live/s1.ts", "playlist live/s.m3u8"},
		},
		{
			name: "srs7 fmp4 in existing dirs: m4s.tmp, init.mp4.tmp",
			dirs: []string{"live/livestream"},
			do: func(t *testing.T, root string) {
				writeAtomic(t, filepath.Join(root, "live/livestream/init.mp4"), "init")
				writeAtomic(t, filepath.Join(root, "live/livestream-0.m4s"), "moof")
				writeFile(t, filepath.Join(root, "live/livestream.m3u8.temp"), "#EXTM3U")
				mustRename(t, filepath.Join(root, "live/livestream.m3u8.temp"), filepath.Join(root, "live/livestream.m3u8"))
			},
			want: []string{
				"segment live/livestream/init.mp4",
				"segment live/livestream-0.m4s",
				"playlist live/livestream.m3u8",
			},
		},
		{
			name: "our own manifests and hidden temp files: nothing",
			dirs: []string{"live"},
			do: func(t *testing.T, root string) {
				live := filepath.Join(root, "live")
				writeFile(t, filepath.Join(live, ".livestream.p2p.json.abc.tmp"), "{}")
				mustRename(t, filepath.Join(live, ".livestream.p2p.json.abc.tmp"), filepath.Join(live, "livestream.p2p.json"))
				writeFile(t, filepath.Join(live, "other.p2p.json"), "{}")
				mustRemove(t, filepath.Join(live, "livestream.p2p.json"))
				writeFile(t, filepath.Join(live, ".hidden.ts"), "x")
				writeFile(t, filepath.Join(live, "upper.TS"), "x")
				writeFile(t, filepath.Join(live, "notes.txt"), "x")
			},
			want: nil,
		},
		{
			name:  "chmod of a final file: nothing",
			dirs:  []string{"live"},
			files: map[string]string{"live/a.ts": "x"},
			do: func(t *testing.T, root string) {
				if err := os.Chmod(filepath.Join(root, "live/a.ts"), 0o600); err != nil {
					t.Fatal(err)
				}
			},
			want: nil,
		},
		{
			name: "written in place: create and write both reported",
			dirs: []string{"live"},
			do: func(t *testing.T, root string) {
				writeFile(t, filepath.Join(root, "live/direct.ts"), "one write")
			},
			want: []string{"segment live/direct.ts", "segment live/direct.ts"},
		},
		{
			name:  "final file renamed away and to a final name",
			dirs:  []string{"live"},
			files: map[string]string{"live/a.ts": "x", "live/b.ts": "y"},
			do: func(t *testing.T, root string) {
				mustRename(t, filepath.Join(root, "live/a.ts"), filepath.Join(root, "live/a.bak"))
				mustRename(t, filepath.Join(root, "live/b.ts"), filepath.Join(root, "live/c.ts"))
			},
			want: []string{"removed live/a.ts", "removed live/b.ts", "segment live/c.ts"},
		},
		{
			name: "symlink with a final name: nothing",
			dirs: []string{"live"},
			do: func(t *testing.T, root string) {
				if err := os.Symlink("/etc/passwd", filepath.Join(root, "live/evil.ts")); err != nil {
					t.Fatal(err)
				}
			},
			want: nil,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := filepath.Join(t.TempDir(), "hls")
			for _, d := range tt.dirs {
				mustMkdir(t, filepath.Join(root, d))
			}
			for name, data := range tt.files {
				writeFile(t, filepath.Join(root, name), data)
			}
			sink := newRecordingSink(t)
			w, err := New(Config{Dir: root}, sink)
			if err != nil {
				t.Fatal(err)
			}
			defer w.Close()
			tt.do(t, root)
			if got := fence(t, sink, root); !slices.Equal(got, tt.want) {
				t.Errorf("calls:\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}
