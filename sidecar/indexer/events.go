package indexer

import (
	"context"
	"path"
	"strings"

	"github.com/webp2p/srs-p2p/hooks"
	"github.com/webp2p/srs-p2p/sidecar/hlswatch"
)

// The indexer consumes both event sources.
var (
	_ hlswatch.Sink = (*Indexer)(nil)
	_ hooks.Sink    = (*Indexer)(nil)
)

// PlaylistChanged implements hlswatch.Sink.
func (ix *Indexer) PlaylistChanged(rel string) { ix.mark(rel, true) }

// SegmentAppeared implements hlswatch.Sink: hash it now, so the build that
// follows SRS's playlist rename finds the hash ready.
func (ix *Indexer) SegmentAppeared(rel string) { ix.hasher.prefetch(rel) }

// FileRemoved implements hlswatch.Sink.
func (ix *Indexer) FileRemoved(rel string) {
	if strings.HasSuffix(rel, ".m3u8") {
		ix.mark(rel, false)
		return
	}
	ix.hasher.forget(rel)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if st, ok := ix.segOwner[rel]; ok {
		ix.markLocked(st.key, false)
	}
}

// DirRemoved implements hlswatch.Sink: every stream below dir rebuilds, and
// finds its playlist gone.
func (ix *Indexer) DirRemoved(rel string) {
	ix.hasher.forgetDir(rel)
	prefix := rel + "/"
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for key := range ix.streams {
		if strings.HasPrefix(key, prefix) {
			ix.markLocked(key, false)
		}
	}
}

// Rescan implements hlswatch.Sink: events were lost, walk everything.
func (ix *Indexer) Rescan(reason string) {
	select {
	case ix.rescan <- reason:
	default: // one is already pending
	}
}

// Publish implements hooks.Sink: the session id becomes the stream's epoch.
func (ix *Indexer) Publish(ctx context.Context, ev hooks.Publish) {
	ix.reg.publish(vhostOr(ev.Vhost), ev.App, ev.Stream, ev.Epoch(), ix.now())
	ix.log.InfoContext(ctx, "indexer: publish", "app", ev.App, "stream", ev.Stream, "epoch", ev.Epoch())
	rel := ix.reg.playlistOf(ev.App, ev.Stream)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if st, ok := ix.streams[rel]; ok {
		st.snapshotFor = ev.Epoch()
		ix.markLocked(rel, false)
	}
}

// Unpublish implements hooks.Sink. The manifest stays until SRS disposes
// the playlist: viewers are still watching the tail of the stream.
func (ix *Indexer) Unpublish(ctx context.Context, ev hooks.Publish) {
	ix.reg.unpublish(ev.App, ev.Stream, ev.Epoch(), ix.now())
	ix.log.InfoContext(ctx, "indexer: unpublish", "app", ev.App, "stream", ev.Stream)
	ix.mark(ix.reg.playlistOf(ev.App, ev.Stream), false)
}

// HLS implements hooks.Sink: a hint that the playlist changed, possibly
// late or about a file already deleted; the build looks at the disk.
func (ix *Indexer) HLS(ctx context.Context, ev hooks.HLS) {
	if !ix.reg.hls(vhostOr(ev.Vhost), ev.App, ev.Stream, ev.Epoch(), ev.Playlist) {
		// Not SRS's doing: a stream claiming another stream's playlist.
		ix.m.errors("hook_mismatch").Inc()
		ix.log.DebugContext(ctx, "indexer: on_hls names a playlist that is not its stream's, ignored", "stream", ev.Stream, "playlist", ev.Playlist)
		return
	}
	if path.Ext(ev.Segment) == ".mp4" {
		ix.reg.learnInit(ev.Playlist, ev.Segment)
	}
	ix.hasher.prefetch(ev.Segment)
	ix.mark(ev.Playlist, true)
}

func vhostOr(v string) string {
	if v == "" {
		return DefaultVhost
	}
	return v
}
