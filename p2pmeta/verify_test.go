package p2pmeta

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
)

// writeTree writes an HLS directory like SRS 7 with fMP4 leaves it, plus a manifest that matches
// it: hls/live/{livestream.m3u8, init.mp4, livestream-0..2.m4s, livestream.p2p.json}. It returns
// the HLS directory.
func writeTree(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "hls")
	live := filepath.Join(dir, "live")
	if err := os.MkdirAll(live, 0o755); err != nil {
		t.Fatal(err)
	}
	write := func(name string, data []byte) (int64, string) {
		if err := os.WriteFile(filepath.Join(live, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
		size, sum, err := HashFile(bytes.NewReader(data))
		if err != nil {
			t.Fatal(err)
		}
		return size, Hex(sum)
	}
	m := srs7FMP4()
	write("livestream.m3u8", []byte("#EXTM3U\n"))
	m.Init.Size, m.Init.SHA256 = write("init.mp4", bytes.Repeat([]byte("i"), 1110))
	for i := range m.Segments {
		// Sizes around the hash buffer size exercise more than one read.
		data := bytes.Repeat([]byte{byte('a' + i)}, hashBufferSize-1+i)
		m.Segments[i].Size, m.Segments[i].SHA256 = write(m.Segments[i].URI, data)
	}
	b, err := Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteFilePath(filepath.Join(live, "livestream.p2p.json"), b); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestVerify(t *testing.T) {
	const manifest = "live/livestream.p2p.json"
	segment := func(i int) string { return filepath.Join("live", "livestream-"+strconv.Itoa(i)+".m4s") }
	size := func(i int) int64 { return int64(hashBufferSize - 1 + i) }
	cases := []struct {
		name   string
		damage func(t *testing.T, dir string)
		want   []Problem
	}{
		{"good tree", func(*testing.T, string) {}, nil},
		{"flipped byte", func(t *testing.T, dir string) {
			f, err := os.OpenFile(filepath.Join(dir, segment(1)), os.O_WRONLY, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			if _, err := f.WriteAt([]byte{'X'}, 1000); err != nil {
				t.Fatal(err)
			}
		}, []Problem{{manifest, "live/livestream-1.m4s", "sha256 mismatch"}}},
		{"truncated", func(t *testing.T, dir string) {
			if err := os.Truncate(filepath.Join(dir, segment(2)), 10); err != nil {
				t.Fatal(err)
			}
		}, []Problem{{manifest, "live/livestream-2.m4s", "size 10 != " + strconv.FormatInt(size(2), 10)}}},
		{"missing files", func(t *testing.T, dir string) {
			for _, name := range []string{segment(0), "live/init.mp4", "live/livestream.m3u8"} {
				if err := os.Remove(filepath.Join(dir, name)); err != nil {
					t.Fatal(err)
				}
			}
		}, []Problem{
			{manifest, "live/init.mp4", "missing"},
			{manifest, "live/livestream-0.m4s", "missing"},
			{manifest, "live/livestream.m3u8", "missing"},
		}},
		{"segment symlinked outside", func(t *testing.T, dir string) {
			outside := filepath.Join(filepath.Dir(dir), "secret.m4s")
			if err := os.Rename(filepath.Join(dir, segment(0)), outside); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(outside, filepath.Join(dir, segment(0))); err != nil {
				t.Fatal(err)
			}
		}, []Problem{{manifest, "live/livestream-0.m4s", "escapes root"}}},
		{"segment is a directory", func(t *testing.T, dir string) {
			if err := os.Remove(filepath.Join(dir, segment(0))); err != nil {
				t.Fatal(err)
			}
			if err := os.Mkdir(filepath.Join(dir, segment(0)), 0o755); err != nil {
				t.Fatal(err)
			}
		}, []Problem{{manifest, "live/livestream-0.m4s", "not a regular file"}}},
		{"symlinked directory is not walked", func(t *testing.T, dir string) {
			// If Verify followed "mirror", it would report the broken manifest twice.
			if err := os.Symlink("live", filepath.Join(dir, "mirror")); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, "live", "bad.p2p.json"), []byte(`{"version":1}`), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []Problem{{"live/bad.p2p.json", "live/bad.p2p.json", "parse: stream: missing"}}},
		{"newer version", func(t *testing.T, dir string) {
			if err := os.WriteFile(filepath.Join(dir, "v2.p2p.json"), []byte(`{"version":2,"new":[]}`), 0o644); err != nil {
				t.Fatal(err)
			}
		}, []Problem{{"v2.p2p.json", "v2.p2p.json", "parse: version: unsupported 2, this reader knows 1"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := writeTree(t)
			c.damage(t, dir)
			got, err := Verify(dir)
			if err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("Verify found\n%q\nwant\n%q", got, c.want)
			}
		})
	}
}

func TestVerifyManifestArguments(t *testing.T) {
	dir := writeTree(t)
	root := openRoot(t, dir)
	if _, err := VerifyManifest(nil, "live/livestream.p2p.json"); err == nil {
		t.Error("nil root accepted")
	}
	if _, err := VerifyManifest(root, "../x.p2p.json"); err == nil {
		t.Error("name outside the root accepted")
	}
	got, err := VerifyManifest(root, "live/gone.p2p.json")
	want := []Problem{{"live/gone.p2p.json", "live/gone.p2p.json", "missing"}}
	if err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("VerifyManifest(missing) = %q, %v; want %q", got, err, want)
	}
}

func TestVerifyMissingDir(t *testing.T) {
	if _, err := Verify(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Error("Verify of a missing directory succeeded")
	}
}

func TestVerifyDirCounts(t *testing.T) {
	dir := writeTree(t)
	r, err := VerifyDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	// init.mp4 and three fragments
	if r.Manifests != 1 || r.Segments != 1+len(srs7FMP4().Segments) || len(r.Problems) != 0 {
		t.Fatalf("report %+v", r)
	}
}
