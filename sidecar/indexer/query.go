package indexer

import (
	"slices"
	"strings"
)

// Streams returns every stream with a manifest, sorted by playlist path.
func (ix *Indexer) Streams() []StreamInfo {
	ix.mu.Lock()
	out := make([]StreamInfo, 0, len(ix.streams))
	for _, st := range ix.streams {
		if info := st.info.Load(); info != nil {
			out = append(out, *info)
		}
	}
	ix.mu.Unlock()
	slices.SortFunc(out, func(a, b StreamInfo) int { return strings.Compare(a.Playlist, b.Playlist) })
	return out
}

// Manifest returns the bytes of the manifest last written at rel (a path
// relative to the HLS dir, e.g. "live/livestream.p2p.json"): the same bytes
// as the file, served from memory.
func (ix *Indexer) Manifest(rel string) ([]byte, *StreamInfo, bool) {
	ix.mu.Lock()
	st, ok := ix.byManifest[rel]
	ix.mu.Unlock()
	if !ok {
		return nil, nil, false
	}
	body, info := st.body.Load(), st.info.Load()
	if body == nil || info == nil {
		return nil, nil, false
	}
	return *body, info, true
}
