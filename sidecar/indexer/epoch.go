package indexer

import (
	"crypto/rand"
	"encoding/hex"
	"slices"
	"time"
)

// Reasons an epoch starts, as counted in srs_p2p_epochs_total{reason}.
const (
	epochHook       = "hook"            // on_publish (or on_hls) named the publish session
	epochRestored   = "restored"        // continued from the manifest on disk after a restart
	epochNew        = "new"             // a stream seen without hooks
	epochSeqBack    = "seq_backwards"   // the media sequence went backwards: a new publish
	epochContentNew = "content_changed" // a segment number came back with other bytes
)

// maxUsedEpochs bounds the ids a stream remembers so a late hook naming an
// old session cannot switch the stream back to it.
const maxUsedEpochs = 8

// epochState is everything that belongs to one epoch of a stream: within an
// epoch a sequence number always means the same bytes, which is what lets
// viewers trade segments by number.
type epochState struct {
	id       string
	swarmID  string
	source   string
	bySeq    map[uint64][32]byte // seq -> sha256 of every segment listed in this epoch
	lastSeq  uint64              // media sequence of the last manifest written
	haveSeq  bool
	excluded time.Time           // when on_publish started this epoch; older files are the previous publish's
	previous map[fileID]struct{} // files the playlist listed when that on_publish came
	listed   []entry             // segments of the last manifest, for retention
	used     []string
}

// switchTo starts a new epoch, forgetting everything tied to the old one.
func (e *epochState) switchTo(id, swarmID, source string) {
	if e.id != "" && !slices.Contains(e.used, e.id) {
		e.used = append(e.used, e.id)
	}
	if len(e.used) > maxUsedEpochs {
		e.used = e.used[len(e.used)-maxUsedEpochs:]
	}
	e.id, e.swarmID, e.source = id, swarmID, source
	e.bySeq = make(map[uint64][32]byte)
	e.haveSeq = false
	e.excluded = time.Time{}
	e.previous = nil
	e.listed = nil
}

// coarseClock is how far behind the real time a file's mtime may be: the
// kernel stamps files with a clock that advances once a tick (up to 10 ms).
const coarseClock = 10 * time.Millisecond

// isPrevious reports whether a file belongs to the publish before this
// epoch's on_publish: a file the playlist listed when the on_publish came,
// or one last written before it. A segment of the new publish is closed
// a fragment after its on_publish, so neither rule can catch it.
func (e *epochState) isPrevious(id fileID) bool {
	if _, ok := e.previous[id]; ok {
		return true
	}
	return !e.excluded.IsZero() && time.Unix(0, id.mtime).Before(e.excluded.Add(-coarseClock))
}

// wasUsed reports whether id was an epoch of this stream before.
func (e *epochState) wasUsed(id string) bool {
	return id == e.id || slices.Contains(e.used, id)
}

// prune forgets sequence numbers far behind the live edge.
func (e *epochState) prune(mediaSeq uint64, keep int) {
	if mediaSeq <= uint64(keep) {
		return
	}
	low := mediaSeq - uint64(keep)
	for s := range e.bySeq {
		if s < low {
			delete(e.bySeq, s)
		}
	}
}

// epochAlphabet gives ids like SRS's "vid-0ore7v9", prefixed "p2p-" so an
// operator sees at once that srs-p2p made it rather than SRS.
const epochAlphabet = "0123456789abcdefghijklmnopqrstuvwxyz"

func newEpochID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	for i := range b {
		b[i] = epochAlphabet[int(b[i])%len(epochAlphabet)]
	}
	return "p2p-" + string(b[:])
}

// parseSum decodes a manifest's lowercase hex SHA-256.
func parseSum(s string) ([32]byte, bool) {
	var sum [32]byte
	if len(s) != 64 {
		return sum, false
	}
	if _, err := hex.Decode(sum[:], []byte(s)); err != nil {
		return sum, false
	}
	return sum, true
}
