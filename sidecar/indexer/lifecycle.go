package indexer

import (
	"errors"
	"io/fs"
	"path"

	"github.com/webp2p/srs-p2p/p2pmeta"
)

// restore continues from the manifest a previous run left next to the
// playlist: same epoch, same swarm, same hashes per sequence number. The
// normal rules then decide whether the files on disk still agree with it
// (a republish while we were down changes sequence numbers or content).
func (ix *Indexer) restore(st *stream) {
	m, err := p2pmeta.ReadFile(ix.root, st.manifestRel)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			ix.log.WarnContext(st.ctx, "indexer: ignore unreadable manifest", "manifest", st.manifestRel, "err", err)
		}
		return
	}
	if m.Playlist != path.Base(st.key) {
		return
	}
	st.epoch.switchTo(m.Epoch, m.SwarmID, epochRestored)
	ix.m.epochs(epochRestored).Inc()
	for _, s := range m.Segments {
		if sum, ok := parseSum(s.SHA256); ok {
			st.epoch.bySeq[s.Seq] = sum
		}
		st.epoch.listed = append(st.epoch.listed, entry{seg: s, rel: path.Join(path.Dir(st.key), s.URI)})
	}
	st.epoch.lastSeq, st.epoch.haveSeq = m.MediaSequence, true
	st.ident = identity{vhost: m.Stream.Vhost, app: m.Stream.App, name: m.Stream.Name}
	st.haveIdent = true
	st.updatedAt = m.UpdatedAt
	if body, err := p2pmeta.Marshal(m); err == nil {
		st.lastBody = body
	}
	ix.log.InfoContext(st.ctx, "indexer: continue manifest", "playlist", st.key, "epoch", m.Epoch, "segments", len(m.Segments))
}

// switchEpoch starts a new epoch for st; reason is one of the epoch* names.
func (ix *Indexer) switchEpoch(st *stream, id, reason string) {
	old := st.epoch.id
	swarm := p2pmeta.SwarmID(ix.cfg.OriginID, st.ident.vhost, st.ident.app, st.ident.name, id)
	st.epoch.switchTo(id, swarm, reason)
	ix.m.epochs(reason).Inc()
	ix.log.InfoContext(st.ctx, "indexer: new epoch", "playlist", st.key, "epoch", id, "previous", old, "reason", reason)
}

// fail logs a build error once per distinct message (a broken playlist is
// retried every couple of seconds and must not flood the log).
func (ix *Indexer) fail(st *stream, kind string, err error) {
	ix.m.errors(kind).Inc()
	if msg := err.Error(); msg != st.lastErr {
		st.lastErr = msg
		ix.log.WarnContext(st.ctx, "indexer: manifest kept as it was", "playlist", st.key, "kind", kind, "err", err)
	}
}

// dispose removes the manifest of a playlist that is gone (hls_dispose, or
// the stream's directory removed).
func (ix *Indexer) dispose(st *stream) {
	// Stop serving it before the file goes, so the API never lists a
	// stream whose manifest is already gone.
	st.info.Store(nil)
	st.body.Store(nil)
	err := ix.root.Remove(st.manifestRel)
	switch {
	case err == nil:
		ix.m.removed.Inc()
		ix.log.InfoContext(st.ctx, "indexer: playlist gone, manifest removed", "playlist", st.key, "manifest", st.manifestRel)
	case errors.Is(err, fs.ErrNotExist):
	default:
		ix.fail(st, "remove", err)
		return
	}
	ix.reg.forgetPlaylist(st.key)
	ix.mu.Lock()
	st.removed = true
	ix.setOwnedLocked(st, nil)
	ix.mu.Unlock()
}

// commit records a written manifest: per-epoch memory, retention, the
// segment->stream index for deletes, and what the API serves.
func (ix *Indexer) commit(st *stream, m *p2pmeta.Manifest, body []byte, retained, entries []entry) {
	ep := &st.epoch
	for _, e := range entries {
		if sum, ok := parseSum(e.seg.SHA256); ok {
			ep.bySeq[e.seg.Seq] = sum
		}
	}
	if len(entries) > 0 {
		// Only a playlist we listed segments of sets the mark the media
		// sequence may not go below: right after an on_publish every
		// segment may still be the previous publish's, and the new one
		// restarting at 0 (SRS 6.0.157) is not a republish of its own.
		ep.lastSeq, ep.haveSeq = m.MediaSequence, true
	}
	ep.prune(m.MediaSequence, 4096)
	ep.listed = append(append(make([]entry, 0, len(retained)+len(entries)), retained...), entries...)
	st.lastBody = body
	st.updatedAt = m.UpdatedAt
	st.lastErr = ""

	var size int64
	for _, e := range ep.listed {
		size += e.seg.Size
	}
	// Only retained segments need a rebuild when their file goes: a
	// playlist segment's deletion comes with a playlist change anyway.
	owned := make([]string, 0, len(retained))
	for _, e := range retained {
		owned = append(owned, e.rel)
	}
	_, sess := ix.reg.lookup(st.key)
	st.info.Store(&StreamInfo{
		Vhost: m.Stream.Vhost, App: m.Stream.App, Name: m.Stream.Name,
		Epoch: m.Epoch, EpochSource: ep.source, SwarmID: m.SwarmID,
		Playlist: st.key, Manifest: st.manifestRel,
		Segments: len(m.Segments), Retained: len(retained),
		MediaSequence: m.MediaSequence, Bytes: size, UpdatedAt: m.UpdatedAt,
		Publishing: sess != nil && sess.epoch == m.Epoch,
	})
	st.body.Store(&body)
	ix.mu.Lock()
	ix.setOwnedLocked(st, owned)
	ix.mu.Unlock()
}

// setOwnedLocked updates the index from retained segment file to stream so
// that its deletion triggers a rebuild of the one manifest listing it.
func (ix *Indexer) setOwnedLocked(st *stream, owned []string) {
	for _, rel := range st.owned {
		if ix.segOwner[rel] == st {
			delete(ix.segOwner, rel)
		}
	}
	for _, rel := range owned {
		ix.segOwner[rel] = st
	}
	st.owned = owned
}
