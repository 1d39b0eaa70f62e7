package main

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

// runGoHash times hashing every segment in this process, one goroutine,
// crypto/sha256 through a 256 KiB buffer: the ceiling for srs-p2p, which
// uses the same library. The hashes must equal sha256sum's.
func runGoHash(w *workDir, want map[string]string) (time.Duration, error) {
	buf := make([]byte, 256<<10)
	h := sha256.New()
	start := time.Now()
	got := make([]string, w.files)
	for i := range w.files {
		f, err := os.Open(filepath.Join(w.live, segmentName(i)))
		if err != nil {
			return 0, err
		}
		h.Reset()
		_, err = io.CopyBuffer(h, f, buf)
		f.Close()
		if err != nil {
			return 0, err
		}
		got[i] = hex.EncodeToString(h.Sum(nil))
	}
	d := time.Since(start)
	for i, sum := range got {
		if name := segmentName(i); sum != want[name] {
			return 0, fmt.Errorf("HASH MISMATCH for %s: crypto/sha256 %s, sha256sum %s", name, sum, want[name])
		}
	}
	return d, nil
}
