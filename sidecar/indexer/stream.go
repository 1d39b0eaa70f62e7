package indexer

import (
	"context"
	"sync/atomic"

	"github.com/webp2p/srs-p2p/internal/srslog"
	"github.com/webp2p/srs-p2p/p2pmeta"
)

// schedState is where a stream is in the build scheduler.
type schedState int

const (
	idle schedState = iota
	queued
	running
)

// entry is one segment of a written manifest together with the identity of
// the file it was hashed from, so retention can tell the file is unchanged.
type entry struct {
	seg p2pmeta.Segment
	rel string
	id  fileID
}

// stream is one playlist and its manifest. Scheduling fields are guarded by
// Indexer.mu; build fields belong to the one worker building the stream;
// info and body are published atomically for the API.
type stream struct {
	key         string // playlist path relative to the HLS dir, e.g. "live/livestream.m3u8"
	manifestRel string // e.g. "live/livestream.p2p.json"
	ctx         context.Context

	// scheduling, guarded by Indexer.mu
	state      schedState
	again      bool
	removed    bool
	owned      []string // segment paths this stream listed last, for segOwner
	playlistID fileID   // playlist version the manifest reflects
	settled    bool     // the manifest lists all of it: no rebuild until it changes
	// snapshotFor is the epoch of an on_publish that came while the stream
	// existed: its first build records the previous publish's files.
	snapshotFor string

	// build state, owned by the running build
	loaded    bool
	ident     identity
	haveIdent bool
	epoch     epochState
	lastBody  []byte
	updatedAt string
	lastErr   string

	info atomic.Pointer[StreamInfo]
	body atomic.Pointer[[]byte]
}

func newStream(ctx context.Context, key string) *stream {
	return &stream{
		key:         key,
		manifestRel: p2pmeta.NameFor(key),
		ctx:         srslog.NewContext(ctx),
	}
}

// StreamInfo is what the API shows of a stream.
type StreamInfo struct {
	Vhost         string `json:"vhost"`
	App           string `json:"app"`
	Name          string `json:"name"`
	Epoch         string `json:"epoch"`
	EpochSource   string `json:"epoch_source"`
	SwarmID       string `json:"swarm_id"`
	Playlist      string `json:"playlist"`
	Manifest      string `json:"manifest"`
	Segments      int    `json:"segments"`
	Retained      int    `json:"retained"`
	MediaSequence uint64 `json:"media_sequence"`
	Bytes         int64  `json:"bytes"`
	UpdatedAt     string `json:"updated_at"`
	Publishing    bool   `json:"publishing"`
}
