package main

import (
	"crypto/rand"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
)

const (
	appDir       = "live"
	streamName   = "bench"
	playlistName = streamName + ".m3u8"
	manifestName = streamName + ".p2p.json"
)

// workDir is the benchmark's HLS dir: base/live/bench-N.ts and, during an
// indexer run, base/live/bench.m3u8 and the manifest srs-p2p writes.
type workDir struct {
	base   string
	live   string
	fsType string
	files  int
	size   int64
}

// newWorkDir makes a fresh directory under parent (the system temp dir when
// empty) after checking the files fit, with room to spare for the page
// cache of a disk-backed dir.
func newWorkDir(parent string, files int, size int64) (*workDir, error) {
	if parent == "" {
		parent = os.TempDir()
	}
	need := uint64(files) * uint64(size)
	free, fsType, err := benchutil.FreeBytes(parent)
	if err != nil {
		return nil, err
	}
	if free < need+need/10 {
		return nil, fmt.Errorf("not enough space in %s (%s): need %d MB for %d x %d bytes, %d MB free",
			parent, fsType, need/1e6, files, size, free/1e6)
	}
	base, err := os.MkdirTemp(parent, "hashbench-")
	if err != nil {
		return nil, err
	}
	live := filepath.Join(base, appDir)
	if err := os.Mkdir(live, 0o755); err != nil {
		os.RemoveAll(base)
		return nil, err
	}
	return &workDir{base: base, live: live, fsType: fsType, files: files, size: size}, nil
}

func (w *workDir) remove() { os.RemoveAll(w.base) }

func segmentName(i int) string { return streamName + "-" + strconv.Itoa(i) + ".ts" }

// totalBytes is what one pass over every segment hashes.
func (w *workDir) totalBytes() int64 { return int64(w.files) * w.size }

// writeSegments fills every segment with its own random bytes, from a
// ChaCha8 stream seeded by crypto/rand (fast, and no two runs alike).
func (w *workDir) writeSegments() error {
	var seed [32]byte
	if _, err := rand.Read(seed[:]); err != nil {
		return err
	}
	src := mrand.NewChaCha8(seed)
	buf := make([]byte, w.size)
	for i := range w.files {
		_, _ = src.Read(buf) // ChaCha8.Read never fails
		if err := os.WriteFile(filepath.Join(w.live, segmentName(i)), buf, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// warm reads every segment once, so every measurement hashes from the
// page cache and none pays for the first read from disk.
func (w *workDir) warm() error {
	for i := range w.files {
		f, err := os.Open(filepath.Join(w.live, segmentName(i)))
		if err != nil {
			return err
		}
		_, err = io.Copy(io.Discard, f)
		f.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// playlist is the media playlist SRS would write for every segment.
func (w *workDir) playlist() []byte {
	var b strings.Builder
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:0\n#EXT-X-TARGETDURATION:2\n")
	for i := range w.files {
		b.WriteString("#EXTINF:2.000,\n")
		b.WriteString(segmentName(i))
		b.WriteByte('\n')
	}
	return []byte(b.String())
}

// publishPlaylist writes the playlist the way SRS does (a .temp file, then
// a rename over the final name) and returns the time right after the rename.
func (w *workDir) publishPlaylist() (time.Time, error) {
	final := filepath.Join(w.live, playlistName)
	tmp := final + ".temp"
	if err := os.WriteFile(tmp, w.playlist(), 0o644); err != nil {
		return time.Time{}, err
	}
	if err := os.Rename(tmp, final); err != nil {
		return time.Time{}, err
	}
	return time.Now(), nil
}

// resetStream removes the playlist and manifest of an earlier run, so the
// next srs-p2p starts with no stream and sees the playlist appear.
func (w *workDir) resetStream() error {
	for _, name := range []string{playlistName, manifestName} {
		if err := os.Remove(filepath.Join(w.live, name)); err != nil && !os.IsNotExist(err) {
			return err
		}
	}
	return nil
}
