package hlswatch

import (
	"errors"
	"io/fs"
	"path/filepath"

	"github.com/fsnotify/fsnotify"
)

// errClosing stops a walk when Close begins.
var errClosing = errors.New("hlswatch: closing")

// abs returns the OS path of rel.
func (w *Watcher) abs(rel string) string {
	return filepath.Join(w.rootOS, filepath.FromSlash(rel))
}

// walk visits the directory startRel and every watchable directory below
// it, in lexical order, never following symlinks. dir is called for a
// directory BEFORE its entries are read, so a watch added there catches
// files created while the walk lists them; dir returning false skips the
// directory's contents. file (if not nil) is called for every other entry.
func (w *Watcher) walk(startRel string, dir func(rel string) bool, file func(rel string, d fs.DirEntry)) error {
	start := w.abs(startRel)
	return filepath.WalkDir(start, func(p string, d fs.DirEntry, err error) error {
		if w.closing() {
			return errClosing
		}
		if err != nil {
			if p == start {
				return err
			}
			// A directory vanished or is unreadable mid-walk: its own
			// Remove event, or the next rescan, tells the rest.
			w.log.DebugContext(w.ctx, "hls watcher walk skips an entry", "path", p, "err", err)
			return nil
		}
		rel, ok := relPath(w.root, filepath.ToSlash(p))
		if !ok {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			if p != start && !watchableDir(d.Name()) {
				return fs.SkipDir
			}
			if !dir(rel) {
				return fs.SkipDir
			}
			return nil
		}
		if file != nil {
			file(rel, d)
		}
		return nil
	})
}

// addTree watches a new directory and everything below it, and reports the
// final files already inside: they may have been written between the
// directory's creation and its watch (SRS 7 creates live/livestream/ and
// renames init.mp4 into it within the same millisecond).
func (w *Watcher) addTree(rel string) {
	err := w.walk(rel, w.addDir, func(fileRel string, d fs.DirEntry) {
		if !d.Type().IsRegular() {
			w.m.ignored.Inc()
			return
		}
		w.reportFile(fileRel)
	})
	if err != nil && !errors.Is(err, errClosing) && !errors.Is(err, fs.ErrNotExist) {
		w.log.WarnContext(w.ctx, "hls watcher cannot walk a new directory", "dir", rel, "err", err)
	}
}

// addDir watches one directory. It returns false if the directory is left
// unwatched: over the limit, gone, or refused by the kernel.
func (w *Watcher) addDir(rel string) bool {
	if _, watched := w.dirs[rel]; watched {
		return true
	}
	if len(w.dirs) >= w.maxDirs {
		w.m.skippedLimit.Inc()
		if !w.limitLogged {
			w.limitLogged = true
			w.log.WarnContext(w.ctx, "hls watcher at its directory limit, new directories are not watched",
				"limit", w.maxDirs, "dir", rel)
		}
		return false
	}
	if err := w.fw.Add(w.abs(rel)); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return false // removed again already; its Remove event follows
		}
		w.m.skippedAddError.Inc()
		w.log.WarnContext(w.ctx, "hls watcher cannot watch a directory", "dir", rel, "err", err)
		return false
	}
	w.trackDir(rel)
	return true
}

// trackDir records a watch that was just added.
func (w *Watcher) trackDir(rel string) {
	w.dirs[rel] = nil
	if rel != "" {
		parent := parentRel(rel)
		if children, ok := w.dirs[parent]; ok {
			if children == nil {
				children = make(map[string]struct{})
				w.dirs[parent] = children
			}
			children[rel] = struct{}{}
		}
	}
	w.m.dirAdded.Inc()
	w.ndirs.Store(int64(len(w.dirs)))
}

// dropTree stops watching rel and every directory below it. The watches
// below must go explicitly: after a rename the kernel keeps them, and their
// events would carry the old, wrong paths.
func (w *Watcher) dropTree(rel string) {
	for child := range w.dirs[rel] {
		w.dropTree(child)
	}
	delete(w.dirs, rel)
	if rel != "" {
		delete(w.dirs[parentRel(rel)], rel)
	}
	if err := w.fw.Remove(w.abs(rel)); err != nil && !errors.Is(err, fsnotify.ErrNonExistentWatch) {
		// The kernel drops the watch of a deleted directory by itself.
		w.log.DebugContext(w.ctx, "hls watcher remove watch", "dir", rel, "err", err)
	}
	w.m.dirRemoved.Inc()
	w.ndirs.Store(int64(len(w.dirs)))
	if len(w.dirs) < w.maxDirs {
		w.limitLogged = false
	}
}
