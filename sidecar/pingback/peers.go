package pingback

import (
	"sync"
	"time"

	"github.com/webp2p/srs-p2p/sidecar/tracker"
)

// peerIDLen is the length of a peer id in bytes (the tracker's keys).
const peerIDLen = 20

// peerKeyOf decodes a peer_id as sent into the tracker's 20-byte key.
func peerKeyOf(sent string) (string, bool) {
	key, err := tracker.DecodeID(sent)
	return key, err == nil
}

// uploadSlots is how many slots of upload a peer's score looks back: the
// current one and the 6 before, about the last minute.
const uploadSlots = 7

// peerBook is one stream's evidence about its peers, for the tracker:
// who was blamed for hash failures and who uploads. It has its own lock
// so the tracker's questions (asked with its swarm lock held) never wait
// for a stream's ingest or a window computation.
type peerBook struct {
	reporters int
	window    time.Duration
	cooldown  time.Duration
	max       int // bound of each map

	mu      sync.Mutex
	blamed  map[string]*blame  // by peer key
	uploads map[string]*upload // by peer key
}

// blame is the recent reporters of one peer, or its cooldown once they
// were enough.
type blame struct {
	by       []reporter // distinct sessions within the window
	badUntil time.Time
}

type reporter struct {
	session string
	at      time.Time
}

// upload is a peer's uploaded bytes per slot, a ring of uploadSlots.
type upload struct {
	slots [uploadSlots]struct {
		slot  int64
		bytes int64
	}
}

func newPeerBook(cfg *Config) *peerBook {
	return &peerBook{
		reporters: cfg.BadPeerReporters,
		window:    cfg.BadPeerWindow,
		cooldown:  cfg.BadPeerCooldown,
		max:       cfg.MaxViewers,
		blamed:    map[string]*blame{},
		uploads:   map[string]*upload{},
	}
}

// record takes a report's upload and blames; it returns how many peers
// it made Bad.
func (p *peerBook) record(r *Report, slot int64, now time.Time) (flagged int) {
	if r.peerKey == "" && len(r.HashFailures) == 0 {
		return 0
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if r.peerKey != "" && r.P2PUpBytes > 0 {
		p.addUpload(r.peerKey, r.P2PUpBytes, slot)
	}
	for _, h := range r.HashFailures {
		// A viewer cannot blame itself: it would take nobody else's word.
		if h.peerKey != "" && h.peerKey != r.peerKey && p.addBlame(h.peerKey, r.Session, now) {
			flagged++
		}
	}
	return flagged
}

func (p *peerBook) addUpload(peer string, n, slot int64) {
	u := p.uploads[peer]
	if u == nil {
		if len(p.uploads) >= p.max {
			return
		}
		u = &upload{}
		p.uploads[peer] = u
	}
	e := &u.slots[ringIndex(slot, uploadSlots)]
	if e.slot != slot {
		e.slot, e.bytes = slot, 0
	}
	e.bytes += n
}

// addBlame records that session blamed peer and reports whether this made
// the peer Bad.
func (p *peerBook) addBlame(peer, session string, now time.Time) bool {
	b := p.blamed[peer]
	if b == nil {
		if len(p.blamed) >= p.max {
			return false
		}
		b = &blame{}
		p.blamed[peer] = b
	}
	if now.Before(b.badUntil) {
		return false // already Bad: the cooldown runs from the first verdict
	}
	b.prune(now.Add(-p.window))
	found := false
	for i := range b.by {
		if b.by[i].session == session {
			b.by[i].at = now
			found = true
		}
	}
	if !found {
		b.by = append(b.by, reporter{session, now})
	}
	if len(b.by) < p.reporters {
		return false
	}
	b.badUntil = now.Add(p.cooldown)
	b.by = nil
	return true
}

// prune drops reporters older than cutoff.
func (b *blame) prune(cutoff time.Time) {
	kept := b.by[:0]
	for _, r := range b.by {
		if r.at.After(cutoff) {
			kept = append(kept, r)
		}
	}
	clear(b.by[len(kept):])
	b.by = kept
}

// bad reports whether peer is in its cooldown.
func (p *peerBook) bad(peer string, now time.Time) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	b := p.blamed[peer]
	return b != nil && now.Before(b.badUntil)
}

// uploadRate is peer's uploaded bytes per second over the last minute.
func (p *peerBook) uploadRate(peer string, slot int64) float64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	u := p.uploads[peer]
	if u == nil {
		return 0
	}
	var sum int64
	for _, e := range u.slots {
		if e.slot > slot-uploadSlots && e.slot <= slot {
			sum += e.bytes
		}
	}
	return float64(sum) / float64(uploadSlots*slotSeconds)
}

// sweep forgets peers with no recent upload and no running blame.
func (p *peerBook) sweep(now time.Time, slot int64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for k, u := range p.uploads {
		recent := false
		for _, e := range u.slots {
			recent = recent || e.slot > slot-uploadSlots
		}
		if !recent {
			delete(p.uploads, k)
		}
	}
	cutoff := now.Add(-p.window)
	for k, b := range p.blamed {
		b.prune(cutoff)
		if len(b.by) == 0 && !now.Before(b.badUntil) {
			delete(p.blamed, k)
		}
	}
}

// counts returns how many peers are Bad now and how many are tracked.
func (p *peerBook) counts(now time.Time) (bad, tracked int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, b := range p.blamed {
		if now.Before(b.badUntil) {
			bad++
		}
	}
	return bad, len(p.blamed) + len(p.uploads)
}
