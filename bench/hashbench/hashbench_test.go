package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/webp2p/srs-p2p/p2pmeta"
)

const (
	hashA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
	hashB = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
)

func TestParseSHA256Sum(t *testing.T) {
	tests := []struct {
		name    string
		out     string
		files   int
		want    map[string]string
		wantErr string
	}{
		{"text mode", hashA + "  live/bench-0.ts\n" + hashB + "  live/bench-1.ts\n", 2,
			map[string]string{"bench-0.ts": hashA, "bench-1.ts": hashB}, ""},
		{"binary mode", hashA + " *live/bench-0.ts\n", 1, map[string]string{"bench-0.ts": hashA}, ""},
		{"one missing", hashA + "  live/bench-0.ts\n", 2, nil, "hashed 1 of 2"},
		{"listed twice", hashA + "  live/bench-0.ts\n" + hashA + "  live/bench-0.ts\n", 2, nil, "twice"},
		{"unknown file", hashA + "  live/other.ts\n", 1, nil, "unexpected file"},
		{"uppercase hash", strings.ToUpper(hashA) + "  live/bench-0.ts\n", 1, nil, "unexpected line"},
		{"short hash", hashA[:63] + "  live/bench-0.ts\n", 1, nil, "unexpected line"},
		{"empty", "", 1, nil, "unexpected line"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseSHA256Sum([]byte(tt.out), tt.files)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %v, want %v", got, tt.want)
			}
			for k, v := range tt.want {
				if got[k] != v {
					t.Errorf("%s: got %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

func FuzzParseSHA256Sum(f *testing.F) {
	f.Add([]byte(hashA+"  live/bench-0.ts\n"), 1)
	f.Add([]byte(hashA+" *live/bench-1.ts\n"+hashB+"  live/bench-0.ts"), 2)
	f.Add([]byte("\n\n"), 3)
	f.Fuzz(func(t *testing.T, out []byte, files int) {
		files = 1 + (files%8+8)%8
		got, err := parseSHA256Sum(out, files)
		if err != nil {
			return
		}
		if len(got) != files {
			t.Fatalf("%d sums for %d files", len(got), files)
		}
		for i := range files {
			if !isLowerHex64(got[segmentName(i)]) {
				t.Fatalf("no valid hash for %s: %v", segmentName(i), got)
			}
		}
	})
}

// testWorkDir writes n small segments with real content into a temp dir.
func testWorkDir(t *testing.T, n int, size int64) *workDir {
	t.Helper()
	w, err := newWorkDir(t.TempDir(), n, size)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.writeSegments(); err != nil {
		t.Fatal(err)
	}
	if err := w.warm(); err != nil {
		t.Fatal(err)
	}
	return w
}

func TestWorkDirFilesAndPlaylist(t *testing.T) {
	w := testWorkDir(t, 3, 1000)
	a, _ := os.ReadFile(filepath.Join(w.live, "bench-0.ts"))
	b, _ := os.ReadFile(filepath.Join(w.live, "bench-2.ts"))
	if len(a) != 1000 || len(b) != 1000 || string(a) == string(b) {
		t.Fatalf("segments: %d and %d bytes, equal=%v; want 1000 bytes each, different", len(a), len(b), string(a) == string(b))
	}
	t0, err := w.publishPlaylist()
	if err != nil || t0.IsZero() {
		t.Fatalf("publishPlaylist: %v", err)
	}
	got, err := os.ReadFile(filepath.Join(w.live, "bench.m3u8"))
	if err != nil {
		t.Fatal(err)
	}
	want := "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-TARGETDURATION:2\n" +
		"#EXTINF:2.000,\nbench-0.ts\n#EXTINF:2.000,\nbench-1.ts\n#EXTINF:2.000,\nbench-2.ts\n"
	if string(got) != want {
		t.Errorf("playlist:\n%s\nwant:\n%s", got, want)
	}
	if _, err := os.Stat(filepath.Join(w.live, "bench.m3u8.temp")); !os.IsNotExist(err) {
		t.Errorf("temp playlist left behind: %v", err)
	}
	if err := w.resetStream(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(w.live, "bench.m3u8")); !os.IsNotExist(err) {
		t.Errorf("playlist survived resetStream: %v", err)
	}
	if err := w.resetStream(); err != nil {
		t.Errorf("second resetStream: %v", err)
	}
}

func TestNewWorkDirRefusesWhatDoesNotFit(t *testing.T) {
	if _, err := newWorkDir(t.TempDir(), maxFiles, maxFileSize); err == nil || !strings.Contains(err.Error(), "not enough space") {
		t.Fatalf("err = %v, want not enough space for 100000 x 256 MiB", err)
	}
}

func TestGoHashAndCheckManifest(t *testing.T) {
	w := testWorkDir(t, 2, 4096)
	_, sums, err := runSHA256Sum(t.Context(), w)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runGoHash(w, sums); err != nil {
		t.Fatalf("crypto/sha256 disagrees with sha256sum: %v", err)
	}
	good := func() *p2pmeta.Manifest {
		return &p2pmeta.Manifest{Segments: []p2pmeta.Segment{
			{URI: "bench-0.ts", Seq: 0, Size: 4096, SHA256: sums["bench-0.ts"]},
			{URI: "bench-1.ts", Seq: 1, Size: 4096, SHA256: sums["bench-1.ts"]},
		}}
	}
	tests := []struct {
		name    string
		mutate  func(m *p2pmeta.Manifest)
		wantErr string
	}{
		{"matches", func(*p2pmeta.Manifest) {}, ""},
		{"wrong hash", func(m *p2pmeta.Manifest) { m.Segments[1].SHA256 = hashA }, "HASH MISMATCH"},
		{"wrong size", func(m *p2pmeta.Manifest) { m.Segments[0].Size = 1 }, "bytes"},
		{"out of order", func(m *p2pmeta.Manifest) { m.Segments[0], m.Segments[1] = m.Segments[1], m.Segments[0] }, "want bench-0.ts"},
		{"one short", func(m *p2pmeta.Manifest) { m.Segments = m.Segments[:1] }, "lists 1 segments"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := good()
			tt.mutate(m)
			err := checkManifest(m, w, sums)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Errorf("checkManifest = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr bool
	}{
		{[]string{"-bin", "x"}, false},
		{[]string{}, true},
		{[]string{"-bin", "x", "-files", "0"}, true},
		{[]string{"-bin", "x", "-size", "0"}, true},
		{[]string{"-bin", "x", "-size", "268435457"}, true},
		{[]string{"-bin", "x", "-runs", "0"}, true},
		{[]string{"-bin", "x", "extra"}, true},
	}
	for _, tt := range tests {
		o, err := parseFlags(tt.args, io.Discard)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseFlags(%q) = %v, wantErr %v", tt.args, err, tt.wantErr)
		}
		if err == nil && (o.files != 256 || o.size != 1<<20 || o.runs != 3) {
			t.Errorf("defaults = %+v", o)
		}
	}
}
