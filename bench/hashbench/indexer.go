package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
	"github.com/webp2p/srs-p2p/p2pmeta"
)

// indexerTimeout bounds one indexer run; hashing 256 MiB takes well under a
// second, so only a stuck srs-p2p gets near it.
const indexerTimeout = 2 * time.Minute

func numCPU() int { return runtime.NumCPU() }

// runIndexer starts a fresh srs-p2p with hash_workers set, publishes the
// playlist once it listens, and returns the time from the playlist's rename
// to the event of its manifest being renamed into place listing every
// segment. The manifest's sizes and hashes must equal want (sha256sum's).
func runIndexer(ctx context.Context, bin string, w *workDir, workers int, want map[string]string) (time.Duration, error) {
	if err := w.resetStream(); err != nil {
		return 0, err
	}
	watch, err := fsnotify.NewWatcher()
	if err != nil {
		return 0, err
	}
	defer watch.Close()
	if err := watch.Add(w.live); err != nil {
		return 0, err
	}

	settings := benchutil.Settings(w.base)
	settings["SRS_P2P_HLS_HASH_WORKERS"] = strconv.Itoa(workers)
	sc, err := benchutil.StartSidecar(ctx, bin, settings)
	if err != nil {
		return 0, err
	}
	defer sc.Stop()

	t0, err := w.publishPlaylist()
	if err != nil {
		return 0, err
	}
	manifest := filepath.Join(w.live, manifestName)
	timeout := time.NewTimer(indexerTimeout)
	defer timeout.Stop()
	for {
		select {
		case ev := <-watch.Events:
			if ev.Name != manifest || !ev.Has(fsnotify.Create) {
				continue
			}
			at := time.Now()
			m, err := p2pmeta.ReadFilePath(manifest)
			if errors.Is(err, os.ErrNotExist) {
				continue // replaced again already; its Create is queued
			}
			if err != nil {
				return 0, err
			}
			if len(m.Segments) < w.files {
				continue // a partial manifest; wait for the complete one
			}
			if err := checkManifest(m, w, want); err != nil {
				return 0, err
			}
			if err := sc.Stop(); err != nil {
				return 0, err
			}
			return at.Sub(t0), nil
		case err := <-watch.Errors:
			return 0, fmt.Errorf("watching %s: %w", w.live, err)
		case <-sc.Exited():
			return 0, fmt.Errorf("srs-p2p exited during the run: %w", sc.Stop())
		case <-timeout.C:
			return 0, fmt.Errorf("no complete manifest %v after the playlist; srs-p2p's last lines:\n%s", indexerTimeout, sc.Recent())
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
}

// checkManifest requires exactly the playlist's segments, in order, each
// with the file's size and sha256sum's hash.
func checkManifest(m *p2pmeta.Manifest, w *workDir, want map[string]string) error {
	if len(m.Segments) != w.files {
		return fmt.Errorf("manifest lists %d segments, want %d", len(m.Segments), w.files)
	}
	for i, s := range m.Segments {
		name := segmentName(i)
		switch {
		case s.URI != name || s.Seq != uint64(i):
			return fmt.Errorf("manifest segment %d is %s seq %d, want %s seq %d", i, s.URI, s.Seq, name, i)
		case s.Size != w.size:
			return fmt.Errorf("manifest says %s has %d bytes, want %d", name, s.Size, w.size)
		case s.SHA256 != want[name]:
			return fmt.Errorf("HASH MISMATCH for %s: manifest %s, sha256sum %s", name, s.SHA256, want[name])
		}
	}
	return nil
}
