package hlswatch

import (
	"os"
	"path/filepath"

	"github.com/fsnotify/fsnotify"
)

// handleEvent turns one fsnotify event into at most one Sink call (or, for
// a new directory, one call per final file found in it).
//
// On Linux fsnotify reports IN_CREATE and IN_MOVED_TO as Create, IN_MODIFY
// as Write, IN_DELETE as Remove and IN_MOVED_FROM (and a watched directory's
// IN_MOVE_SELF) as Rename, each event with a single op.
func (w *Watcher) handleEvent(ev fsnotify.Event) {
	rel, ok := relPath(w.root, filepath.ToSlash(ev.Name))
	if !ok {
		w.m.ignored.Inc()
		w.log.DebugContext(w.ctx, "hls watcher ignores event outside the dir or with a bad name", "len", len(ev.Name))
		return
	}
	if rel == "" {
		w.rootEvent(ev)
		return
	}
	if _, watched := w.dirs[parentRel(rel)]; !watched {
		// Left in the queue by a directory we stopped watching (moved
		// away): its name no longer says where the file is.
		w.m.ignored.Inc()
		return
	}
	switch {
	case ev.Has(fsnotify.Create):
		w.created(rel)
	case ev.Has(fsnotify.Write):
		w.reportFile(rel)
	case ev.Has(fsnotify.Remove), ev.Has(fsnotify.Rename):
		w.removed(rel)
	default: // Chmod only
		w.m.ignored.Inc()
	}
}

// rootEvent handles events about the HLS dir itself. Only its removal or
// renaming matters, and nothing can be watched after it: log, rescan.
func (w *Watcher) rootEvent(ev fsnotify.Event) {
	if !ev.Has(fsnotify.Remove) && !ev.Has(fsnotify.Rename) {
		w.m.ignored.Inc()
		return
	}
	w.log.ErrorContext(w.ctx, "hls dir removed or renamed, no more events until it is back and a rescan runs",
		"dir", w.rootOS, "op", ev.Op.String())
	// After a rename the watches below still fire, with paths that no
	// longer exist: drop them all now; the rescan re-adds what is there.
	if _, watched := w.dirs[""]; watched {
		w.dropTree("")
	}
	w.scheduleRescan(reasonError)
}

// created handles a new name: a directory is watched and walked, a regular
// file is reported by its name.
func (w *Watcher) created(rel string) {
	info, err := os.Lstat(w.abs(rel))
	switch {
	case err == nil && info.IsDir():
		if _, watched := w.dirs[rel]; watched || !watchableDir(baseName(rel)) {
			// Already watched: a walk of its parent found it after it was
			// created and reported what was in it then.
			w.m.ignored.Inc()
			return
		}
		w.addTree(rel)
	case err == nil && !info.Mode().IsRegular():
		// Symlinks, fifos, sockets: never hand the consumer something
		// that leads out of the dir or blocks on open.
		w.m.ignored.Inc()
	default:
		// A regular file, or one already gone again (then a Remove event
		// follows). Reporting by name keeps the calls in event order.
		w.reportFile(rel)
	}
}

// removed handles a name that went away: a watched directory (with all
// watches below it), or a final file.
func (w *Watcher) removed(rel string) {
	if _, watched := w.dirs[rel]; watched {
		w.dropTree(rel)
		w.sink.DirRemoved(rel)
		return
	}
	if classify(baseName(rel)) == kindIgnored {
		w.m.ignored.Inc()
		return
	}
	w.m.removed.Inc()
	w.sink.FileRemoved(rel)
}

// reportFile tells the Sink about a final file appearing or changing.
func (w *Watcher) reportFile(rel string) {
	switch classify(baseName(rel)) {
	case kindPlaylist:
		w.m.playlist.Inc()
		w.sink.PlaylistChanged(rel)
	case kindSegment:
		w.m.segment.Inc()
		w.sink.SegmentAppeared(rel)
	default:
		w.m.ignored.Inc()
	}
}
