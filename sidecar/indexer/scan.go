package indexer

import (
	"io/fs"
	"path"
	"strings"
	"time"

	"github.com/webp2p/srs-p2p/p2pmeta"
)

// maxScanEntries bounds one walk of the HLS dir.
const maxScanEntries = 2_000_000

// scan walks the HLS dir: every playlist that is new, changed since its
// manifest was built, or not fully listed yet is (re)built, every known
// stream whose playlist vanished is disposed, and manifests left without a
// playlist while we were not running are removed. It is the startup state
// rebuild, the answer to lost events, and the periodic safety net in one;
// settled streams cost it a directory entry, not a build, so the periodic
// scan of a thousand streams does not push live builds back.
func (ix *Indexer) scan(reason string) {
	ix.m.rescans(reason).Inc()
	var orphans []string
	playlists := map[string]fileID{}
	manifests := map[string]bool{}
	n := 0
	err := fs.WalkDir(ix.root.FS(), ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return nil // a dir removed under us; the next scan sees the rest
		}
		if n++; n > maxScanEntries {
			return fs.SkipAll
		}
		name := d.Name()
		if d.IsDir() {
			if p != "." && strings.HasPrefix(name, ".") {
				return fs.SkipDir
			}
			return nil
		}
		if !d.Type().IsRegular() {
			return nil
		}
		switch {
		case strings.HasSuffix(name, ".m3u8"):
			if fi, err := d.Info(); err == nil {
				playlists[p] = idOf(fi)
			}
		case strings.HasSuffix(name, p2pmeta.Suffix) && !strings.HasPrefix(name, "."):
			manifests[p] = true
		case p2pmeta.IsTempName(name):
			ix.removeStaleTemp(p, d)
		}
		return nil
	})
	if err != nil {
		ix.log.Warn("indexer: scan incomplete", "reason", reason, "err", err)
	}
	have := map[string]bool{}
	for p := range playlists {
		have[p2pmeta.NameFor(p)] = true
	}
	for m := range manifests {
		if !have[m] {
			orphans = append(orphans, m)
		}
	}
	ix.mu.Lock()
	for p, id := range playlists {
		if st, ok := ix.streams[p]; !ok || !st.settled || st.playlistID != id {
			ix.markLocked(p, true)
		}
	}
	for key := range ix.streams {
		if _, ok := playlists[key]; !ok {
			ix.markLocked(key, false) // gone: the build disposes it
		}
	}
	ix.mu.Unlock()
	for _, m := range orphans {
		ix.removeOrphan(m)
	}
}

// staleTemp is how old a manifest temp file must be before the scan
// removes it: a write takes milliseconds, so one this old was left by a
// process killed between create and rename.
const staleTemp = time.Minute

func (ix *Indexer) removeStaleTemp(rel string, d fs.DirEntry) {
	fi, err := d.Info()
	if err != nil || ix.now().Sub(fi.ModTime()) < staleTemp {
		return
	}
	if err := ix.root.Remove(rel); err == nil {
		ix.log.Info("indexer: removed a manifest temp file left by a killed process", "file", rel)
	}
}

// removeOrphan deletes a manifest whose playlist is gone, but only one that
// is ours (parses as a p2pmeta manifest naming that playlist), never some
// other file that happens to end in .p2p.json.
func (ix *Indexer) removeOrphan(rel string) {
	ix.mu.Lock()
	_, tracked := ix.byManifest[rel]
	ix.mu.Unlock()
	if tracked {
		return // its stream's build disposes it
	}
	m, err := p2pmeta.ReadFile(ix.root, rel)
	if err != nil || p2pmeta.NameFor(path.Join(path.Dir(rel), m.Playlist)) != rel {
		return
	}
	if _, err := ix.root.Stat(path.Join(path.Dir(rel), m.Playlist)); err == nil {
		return // the playlist appeared meanwhile
	}
	if err := ix.root.Remove(rel); err == nil {
		ix.m.removed.Inc()
		ix.log.Info("indexer: removed manifest of a disposed playlist", "manifest", rel)
	}
}

// reconcileLoop runs the periodic scan and the rescans the watcher asks
// for, at most one at a time.
func (ix *Indexer) reconcileLoop() {
	defer ix.wg.Done()
	interval := ix.live.Load().ReconcileInterval
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ix.ctx.Done():
			return
		case <-t.C:
			ix.scan("periodic")
		case reason := <-ix.rescan:
			ix.scan(reason)
		case <-ix.reconfig:
			if d := ix.live.Load().ReconcileInterval; d != interval {
				interval = d
				t.Reset(d)
			}
		}
	}
}
