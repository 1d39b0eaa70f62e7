package hlswatch

import (
	"errors"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

const (
	// rescanDelay coalesces a burst of overflows into one rescan: the
	// first error schedules it, later ones join it.
	rescanDelay = 100 * time.Millisecond

	reasonOverflow = "overflow"
	reasonError    = "error"
)

// handleError handles an error from fsnotify: the kernel queue overflowed
// or a read failed. Either way events may be lost.
func (w *Watcher) handleError(err error) {
	reason := reasonError
	if errors.Is(err, fsnotify.ErrEventOverflow) {
		reason = reasonOverflow
	}
	w.log.WarnContext(w.ctx, "hls watcher may have lost events, rescanning", "reason", reason, "err", err)
	w.scheduleRescan(reason)
}

// scheduleRescan starts the rescan timer unless one is pending. An overflow
// wins over a plain error as the reason: it is the one operators can fix
// (fs.inotify.max_queued_events).
func (w *Watcher) scheduleRescan(reason string) {
	if w.rescanC == nil {
		w.rescanC = w.after(rescanDelay)
		w.rescanReason = reason
		return
	}
	if reason == reasonOverflow {
		w.rescanReason = reason
	}
}

// rescan brings the watches in line with the disk, then tells the Sink.
func (w *Watcher) rescan() {
	reason := w.rescanReason
	w.rescanC, w.rescanReason = nil, ""
	start := time.Now()
	readded, dropped := w.resync()
	if w.closing() {
		return
	}
	if reason == reasonOverflow {
		w.m.rescanOverflow.Inc()
	} else {
		w.m.rescanError.Inc()
	}
	w.log.InfoContext(w.ctx, "hls watcher rescanned", "reason", reason, "dirs", len(w.dirs),
		"readded", readded, "dropped", dropped, "ms", time.Since(start).Milliseconds())
	w.sink.Rescan(reason)
}

// resync walks the tree: it adds watches for directories we missed, re-adds
// those the kernel dropped behind our back, and drops the ones whose
// directory is gone. No file is reported: the Sink's Rescan covers them.
func (w *Watcher) resync() (readded, dropped int) {
	inKernel := make(map[string]struct{}, len(w.dirs))
	for _, p := range w.fw.WatchList() {
		inKernel[filepath.ToSlash(p)] = struct{}{}
	}
	seen := make(map[string]struct{}, len(w.dirs))
	err := w.walk("", func(rel string) bool {
		if _, watched := w.dirs[rel]; !watched {
			if !w.addDir(rel) {
				return false
			}
			readded++
		} else if _, ok := inKernel[filepath.ToSlash(w.abs(rel))]; !ok {
			if err := w.fw.Add(w.abs(rel)); err != nil {
				return false // not seen: dropped below
			}
			readded++
		}
		seen[rel] = struct{}{}
		return true
	}, nil)
	if errors.Is(err, errClosing) {
		return readded, dropped
	}
	if err != nil {
		// Typically the root is gone: nothing was seen, every watch goes.
		w.log.ErrorContext(w.ctx, "hls watcher cannot walk the dir", "dir", w.rootOS, "err", err)
	}
	var stale []string
	for rel := range w.dirs {
		if _, ok := seen[rel]; !ok {
			stale = append(stale, rel)
		}
	}
	for _, rel := range stale {
		if _, watched := w.dirs[rel]; watched {
			before := len(w.dirs)
			w.dropTree(rel)
			dropped += before - len(w.dirs)
		}
	}
	return readded, dropped
}
