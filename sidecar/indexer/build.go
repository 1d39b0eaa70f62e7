package indexer

import (
	"bytes"
	"errors"
	"io/fs"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/webp2p/srs-p2p/p2pmeta"
)

// errConflict means a sequence number came back with other bytes.
var errConflict = errors.New("indexer: segment content changed under the same sequence number")

// build brings the manifest of st in line with its playlist and files. It
// runs on a build worker, never concurrently for the same stream. On any
// error the manifest on disk stays as it was: a wrong manifest is worse than
// a late one.
func (ix *Indexer) build(st *stream) {
	start := ix.now()
	ix.m.builds.Inc()
	live := ix.live.Load()

	raw, plID, err := readPlaylist(ix.root, st.key, live.MaxPlaylistBytes)
	if errors.Is(err, fs.ErrNotExist) {
		ix.dispose(st)
		return
	}
	if err != nil {
		ix.fail(st, "playlist_read", err)
		return
	}
	pl, err := parsePlaylist(raw, st.key)
	if err != nil {
		ix.fail(st, "playlist_parse", err)
		return
	}
	if pl.skipped > 0 {
		ix.m.errors("segment_unsafe").Add(pl.skipped)
	}
	// Until the build succeeds with every entry listed, the periodic scan
	// keeps looking at this stream even if its playlist does not change.
	ix.setSettled(st, plID, false)

	ident, sess := ix.reg.lookup(st.key)
	if !st.loaded {
		st.loaded = true
		ix.restore(st)
	}
	if !st.haveIdent || ident != identityFromPath(st.key) {
		st.ident, st.haveIdent = ident, true
	}
	if sess != nil && p2pmeta.ValidEpoch(sess.epoch) && !st.epoch.wasUsed(sess.epoch) {
		ix.switchEpoch(st, sess.epoch, epochHook)
		if sess.fromPublish {
			st.epoch.excluded = sess.at
			if ix.takeSnapshot(st, sess.epoch) {
				st.epoch.previous = ix.filesOf(pl)
			}
		}
	}
	if st.epoch.id == "" {
		ix.switchEpoch(st, newEpochID(), epochNew)
	}

	var entries []entry
	for attempt := 0; ; attempt++ {
		if st.epoch.haveSeq && pl.mediaSequence < st.epoch.lastSeq {
			ix.switchEpoch(st, newEpochID(), epochSeqBack)
		}
		entries, err = ix.collect(st, pl)
		if errors.Is(err, errConflict) && attempt == 0 {
			ix.switchEpoch(st, newEpochID(), epochContentNew)
			continue
		}
		break
	}
	if err != nil {
		ix.fail(st, "hash", err)
		return
	}
	retained := ix.retained(st, pl, entries, live.Retain)
	init := ix.initOf(st, pl)
	// A playlist whose every entry is listed and that keeps no retained
	// segment needs no rebuild until it changes; otherwise files may come
	// or go without a playlist change (late files, expiring retention).
	complete := len(entries) == len(pl.segments) && len(retained) == 0 && (pl.initURI == "" || init != nil)

	m := &p2pmeta.Manifest{
		Version:        p2pmeta.Version,
		Stream:         p2pmeta.Stream{Vhost: st.ident.vhost, App: st.ident.app, Name: st.ident.name},
		Epoch:          st.epoch.id,
		SwarmID:        st.epoch.swarmID,
		UpdatedAt:      st.updatedAt,
		Playlist:       path.Base(st.key),
		MediaSequence:  pl.mediaSequence,
		TargetDuration: pl.targetDuration,
		Init:           init,
		Segments:       make([]p2pmeta.Segment, 0, len(retained)+len(entries)),
		P2P:            live.P2P,
	}
	for _, e := range retained {
		m.Segments = append(m.Segments, e.seg)
	}
	for _, e := range entries {
		m.Segments = append(m.Segments, e.seg)
	}
	if st.lastBody != nil {
		same, err := p2pmeta.Marshal(m)
		if err == nil && bytes.Equal(same, st.lastBody) {
			ix.m.unchanged.Inc()
			ix.commit(st, m, st.lastBody, retained, entries)
			ix.setSettled(st, plID, complete)
			return
		}
	}
	m.UpdatedAt = p2pmeta.FormatTime(ix.now())
	body, err := p2pmeta.Marshal(m)
	if err != nil {
		ix.fail(st, "encode", err)
		return
	}
	if err := p2pmeta.WriteFile(ix.root, st.manifestRel, body); err != nil {
		ix.m.writes("error").Inc()
		ix.fail(st, "write", err)
		return
	}
	done := ix.now()
	ix.m.writes("ok").Inc()
	ix.m.writeSeconds.Update(done.Sub(start).Seconds())
	if n := len(entries); n > 0 && (len(st.epoch.listed) == 0 || entries[n-1].seg.Seq > st.epoch.listed[len(st.epoch.listed)-1].seg.Seq) {
		// How long viewers waited for a new segment: from SRS's write of
		// the playlist listing it to our rename of the manifest listing
		// it. Rebuilds without a new segment (retention) are not waits.
		ix.m.lagSeconds.Update(max(done.Sub(time.Unix(0, plID.mtime)).Seconds(), 0))
	}
	ix.commit(st, m, body, retained, entries)
	ix.setSettled(st, plID, complete)
}

// setSettled records which playlist version the stream's manifest
// reflects, and whether it is complete, for the periodic scan.
func (ix *Indexer) setSettled(st *stream, id fileID, settled bool) {
	ix.mu.Lock()
	st.playlistID, st.settled = id, settled
	ix.mu.Unlock()
}

// takeSnapshot reports whether the stream already existed when the
// on_publish of epoch came: then the build it triggered, which runs
// milliseconds later, sees the previous publish's files only.
func (ix *Indexer) takeSnapshot(st *stream, epoch string) bool {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ok := st.snapshotFor == epoch
	st.snapshotFor = ""
	return ok
}

// filesOf returns the identities of the files the playlist lists.
func (ix *Indexer) filesOf(pl *mediaPlaylist) map[fileID]struct{} {
	ids := make(map[fileID]struct{}, len(pl.segments))
	for _, s := range pl.segments {
		if fi, err := ix.root.Stat(s.rel); err == nil {
			ids[idOf(fi)] = struct{}{}
		}
	}
	return ids
}

// collect hashes every playlist segment whose file exists inside the HLS
// dir and belongs to the current epoch.
func (ix *Indexer) collect(st *stream, pl *mediaPlaylist) ([]entry, error) {
	out := make([]entry, 0, len(pl.segments))
	for _, s := range pl.segments {
		id, d, err := ix.hasher.sum(st.ctx, s.rel)
		if err != nil {
			if st.ctx.Err() != nil {
				return nil, err
			}
			// Gone already (a late playlist), unsafe (a symlink out of
			// the dir) or too large: never listed, never fatal.
			ix.m.errors(segmentErrorKind(err)).Inc()
			continue
		}
		if st.epoch.isPrevious(id) {
			continue
		}
		if prev, ok := st.epoch.bySeq[s.seq]; ok && prev != d.sum {
			return nil, errConflict
		}
		out = append(out, entry{
			rel: s.rel,
			id:  id,
			seg: p2pmeta.Segment{
				URI:           s.uri,
				Seq:           s.seq,
				Duration:      p2pmeta.Seconds(s.duration),
				Size:          d.size,
				SHA256:        p2pmeta.Hex(d.sum),
				Discontinuity: s.discontinuity,
			},
		})
	}
	return out, nil
}

func segmentErrorKind(err error) string {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return "segment_missing"
	case errors.Is(err, errTooLarge):
		return "segment_too_large"
	case errors.Is(err, errChanged):
		return "segment_changing"
	case strings.Contains(err.Error(), "escapes") || strings.Contains(err.Error(), "outside"):
		return "segment_unsafe"
	default:
		return "segment_read"
	}
}

// retained returns the segments of the last manifest that have left the
// playlist while their files still exist unchanged: viewers behind the live
// edge still ask peers for them.
func (ix *Indexer) retained(st *stream, pl *mediaPlaylist, entries []entry, limit int) []entry {
	if limit <= 0 || len(st.epoch.listed) == 0 {
		return nil
	}
	var out []entry
	for _, e := range st.epoch.listed {
		if e.seg.Seq >= pl.mediaSequence {
			continue
		}
		id, d, err := ix.hasher.sum(st.ctx, e.rel)
		if err != nil || d.size != e.seg.Size || p2pmeta.Hex(d.sum) != e.seg.SHA256 {
			continue
		}
		e.id = id
		e.seg.Retained = true
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b entry) int { return compareSeq(a.seg.Seq, b.seg.Seq) })
	if len(out) > limit {
		out = out[len(out)-limit:]
	}
	return out
}

func compareSeq(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// initOf hashes the EXT-X-MAP file. SRS 7 writes "init.mp4" into a
// subdirectory named after the stream while the playlist says "init.mp4",
// so the file is looked for next to the playlist, where on_hls said it is,
// and in that subdirectory. The manifest names the file where it really is.
func (ix *Indexer) initOf(st *stream, pl *mediaPlaylist) *p2pmeta.Init {
	if pl.initURI == "" {
		return nil
	}
	dir := path.Dir(st.key)
	candidates := []string{pl.initRel}
	if hint := ix.reg.initHint(st.key); hint != "" {
		candidates = append(candidates, hint)
	}
	candidates = append(candidates, path.Join(dir, strings.TrimSuffix(path.Base(st.key), ".m3u8"), path.Base(pl.initURI)))
	for _, rel := range candidates {
		_, d, err := ix.hasher.sum(st.ctx, rel)
		if err != nil {
			continue
		}
		uri := strings.TrimPrefix(rel, dir+"/")
		if dir == "." {
			uri = rel
		}
		return &p2pmeta.Init{URI: uri, Size: d.size, SHA256: p2pmeta.Hex(d.sum)}
	}
	ix.m.errors("init_missing").Inc()
	return nil
}
