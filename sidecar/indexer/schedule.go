package indexer

import "time"

// mark asks for a build of the playlist at rel. Marks coalesce: a stream is
// queued at most once, and a mark while it builds makes it build once more
// afterwards, so a burst of events costs one or two builds. create=false
// only touches streams already known (a delete must not invent one).
func (ix *Indexer) mark(rel string, create bool) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.markLocked(rel, create)
}

func (ix *Indexer) markLocked(rel string, create bool) {
	st, ok := ix.streams[rel]
	if !ok {
		if !create {
			return
		}
		if len(ix.streams) >= ix.cfg.MaxStreams {
			ix.m.errors("streams_limit").Inc()
			if now := ix.now(); now.Sub(ix.limitLog) > time.Minute {
				ix.limitLog = now
				ix.log.Warn("indexer: hls.max_streams reached, playlist ignored", "playlist", rel, "max", ix.cfg.MaxStreams)
			}
			return
		}
		st = newStream(ix.ctx, rel)
		ix.streams[rel] = st
		ix.byManifest[st.manifestRel] = st
		ix.log.InfoContext(st.ctx, "indexer: new playlist", "playlist", rel)
	}
	switch st.state {
	case idle:
		st.state = queued
		ix.work <- st // never blocks: capacity is MaxStreams and a stream is queued once
	case running:
		st.again = true
	}
}

// markAll queues every known stream.
func (ix *Indexer) markAll() {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for rel := range ix.streams {
		ix.markLocked(rel, false)
	}
}

func (ix *Indexer) buildLoop() {
	defer ix.wg.Done()
	for {
		select {
		case <-ix.ctx.Done():
			return
		case st := <-ix.work:
			ix.mu.Lock()
			st.state = running
			ix.mu.Unlock()
			ix.build(st)
			ix.finishBuild(st)
		}
	}
}

// finishBuild requeues a stream marked during its build, and forgets a
// disposed one (making a fresh stream if its playlist came back meanwhile).
func (ix *Indexer) finishBuild(st *stream) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	again := st.again
	st.state, st.again = idle, false
	if st.removed {
		if ix.streams[st.key] == st {
			delete(ix.streams, st.key)
			delete(ix.byManifest, st.manifestRel)
		}
		if again {
			ix.markLocked(st.key, true)
		}
		return
	}
	if again {
		ix.markLocked(st.key, false)
	}
}
