package hlswatch

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// srsTestdata is the shared directory of real SRS captures, seen from this
// package's directory.
const srsTestdata = "../../../shared/testdata/srs"

// fsOp is one inotify line of a capture: "MOVED_TO live/livestream-0.ts".
type fsOp struct{ op, rel string }

// readCapture returns the file system lines of an SRS capture, in order.
// The v6 timeline marks them "FS" among hook lines; the v7 inotify log has
// only them, with SRS's hls_path (/data/hls) in front.
func readCapture(t *testing.T, name string) []fsOp {
	t.Helper()
	f, err := os.Open(filepath.Join(srsTestdata, name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ops []fsOp
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 2 || fields[1] == "HOOK" || fields[1] == "TEST" {
			continue
		}
		if fields[1] == "FS" {
			fields = slices.Delete(fields, 1, 2)
		}
		if len(fields) != 3 {
			t.Fatalf("capture line %q: want time, op, path", sc.Text())
		}
		rel, ok := strings.CutPrefix(fields[2], "/data/hls/")
		if !ok {
			rel = fields[2]
		}
		ops = append(ops, fsOp{op: fields[1], rel: rel})
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return ops
}

// expectedCall is what the Sink must see for a capture line: the final-name
// events. CLOSE_WRITE is not an fsnotify op, so it maps to nothing.
func expectedCall(op fsOp) string {
	k := classify(filepath.Base(op.rel))
	if strings.Contains(op.op, "ISDIR") || k == kindIgnored {
		return ""
	}
	switch op.op {
	case "MOVED_TO", "CREATE":
		if k == kindPlaylist {
			return "playlist " + op.rel
		}
		return "segment " + op.rel
	case "DELETE", "MOVED_FROM":
		return "removed " + op.rel
	}
	return ""
}

// TestReplayCaptures replays the inotify timelines of real SRS runs with
// the same operations, in the same order, and expects the Sink calls of the
// final-name lines in that order. Data is written when a file is created
// (or at its close if the capture starts with the close), so no MODIFY
// lands on a final name, as with SRS's tmp-then-rename writes.
func TestReplayCaptures(t *testing.T) {
	tests := []struct {
		capture   string
		wantCalls int // counted by hand from the capture: guards the parser
	}{
		{"v6.0.183/timeline.txt", 13 + 13 + 14},  // segments 0-12, playlists, deletes 0-12 + m3u8
		{"v7.0.128-fmp4/inotify.txt", 2 + 6 + 6}, // init.mp4 twice, m4s 0-5, playlists
	}
	for _, tt := range tests {
		t.Run(tt.capture, func(t *testing.T) {
			ops := readCapture(t, tt.capture)
			var want []string
			for _, op := range ops {
				if c := expectedCall(op); c != "" {
					want = append(want, c)
				}
			}
			if len(want) != tt.wantCalls {
				t.Fatalf("capture gives %d expected calls, want %d", len(want), tt.wantCalls)
			}
			w, sink, root := startWatcher(t, options{})
			replay(t, w, root, ops)
			if got := fence(t, sink, root); !slices.Equal(got, want) {
				t.Errorf("calls:\n got %q\nwant %q", got, want)
			}
		})
	}
}

func replay(t *testing.T, w *Watcher, root string, ops []fsOp) {
	t.Helper()
	open := map[string]*os.File{} // files created and not yet closed, by current name
	defer func() {
		for _, f := range open {
			f.Close()
		}
	}()
	var movedFrom string
	for _, op := range ops {
		p := filepath.Join(root, op.rel)
		switch op.op {
		case "CREATE,ISDIR":
			dirs := w.Dirs()
			mustMkdir(t, p)
			// SRS writes the first file much later; wait as it does, so
			// the file is reported by its event rather than by a walk.
			waitDirs(t, w, dirs+1)
		case "CREATE":
			f, err := os.Create(p)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := f.WriteString("data of " + op.rel); err != nil {
				t.Fatal(err)
			}
			open[op.rel] = f
		case "CLOSE_WRITE,CLOSE":
			if f, ok := open[op.rel]; ok {
				delete(open, op.rel)
				if err := f.Close(); err != nil {
					t.Fatal(err)
				}
				continue
			}
			writeFile(t, p, "data of "+op.rel) // created before the capture started
		case "MOVED_FROM":
			movedFrom = op.rel
		case "MOVED_TO":
			if movedFrom == "" {
				t.Fatalf("MOVED_TO %s without MOVED_FROM", op.rel)
			}
			mustRename(t, filepath.Join(root, movedFrom), p)
			if f, ok := open[movedFrom]; ok { // SRS 7 renames init.mp4 while it is open
				delete(open, movedFrom)
				open[op.rel] = f
			}
			movedFrom = ""
		case "DELETE":
			if err := os.Remove(p); err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatalf("unknown capture op %q", op.op)
		}
	}
}
