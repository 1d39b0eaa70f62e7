package tracker

import (
	"math/rand/v2"
	"net/netip"
	"time"
)

// swarm is the peers announcing one info_hash. All fields are guarded by
// Server.mu.
type swarm struct {
	infoHash   string
	ihJSON     []byte           // infoHash as a JSON string, as every relay carries it
	peers      map[string]*peer // by peer_id bytes
	list       []*peer          // the same peers, for choosePeers to sample
	pending    map[pendingKey]time.Time
	downloaded int // "completed" events seen, for scrape
	seeders    int // peers with seeder set, kept in step so counts is O(1)
}

// pendingKey is an offer the tracker relayed: offer offerID from peer from
// to peer to. Only the peer it went to may answer it, only once.
type pendingKey struct {
	offerID, from, to string
}

// peer is one peer_id in one swarm, bound to the connection that announced it.
type peer struct {
	id           string
	idJSON       []byte // id as a JSON string
	slot         int    // index in sw.list
	sw           *swarm
	c            *conn
	lastAnnounce time.Time
	offeredSeq   uint64 // when it last got an offer (Server.offerSeq); 0 = never
	uploaded     float64
	uploadGrew   bool // "uploaded" increased between two announces
	seeder       bool // announced left == 0
}

func newSwarm(infoHash string) *swarm {
	return &swarm{infoHash: infoHash, ihJSON: appendBinaryJSON(nil, infoHash), peers: map[string]*peer{},
		pending: map[pendingKey]time.Time{}}
}

// newPeer makes the peer id of c in sw; add puts it in.
func newPeer(sw *swarm, c *conn, id string, now time.Time) *peer {
	return &peer{id: id, idJSON: appendBinaryJSON(nil, id), sw: sw, c: c, lastAnnounce: now}
}

func (sw *swarm) add(p *peer) {
	sw.peers[p.id] = p
	p.slot = len(sw.list)
	sw.list = append(sw.list, p)
}

func (sw *swarm) remove(p *peer) {
	delete(sw.peers, p.id)
	last := sw.list[len(sw.list)-1]
	sw.list[p.slot] = last
	last.slot = p.slot
	sw.list[len(sw.list)-1] = nil
	sw.list = sw.list[:len(sw.list)-1]
}

// counts returns complete (seeders) and incomplete peers.
func (sw *swarm) counts() (complete, incomplete int) {
	return sw.seeders, len(sw.peers) - sw.seeders
}

// setSeeder records whether p announced left == 0.
func (sw *swarm) setSeeder(p *peer, seeder bool) {
	if p.seeder == seeder {
		return
	}
	p.seeder = seeder
	if seeder {
		sw.seeders++
	} else {
		sw.seeders--
	}
}

// oldestIdle is the peer that announced least recently.
func (sw *swarm) oldestIdle() *peer {
	var old *peer
	for _, p := range sw.list {
		if old == nil || p.lastAnnounce.Before(old.lastAnnounce) {
			old = p
		}
	}
	return old
}

// candidate ranks a possible receiver of an offer: same network first, then
// upload evidence, then the one that got an offer least recently, so offers
// spread over the swarm instead of flooding the best peer.
type candidate struct {
	p        *peer
	sameNet  bool
	uploader bool
}

func (a candidate) better(b candidate) bool {
	if a.sameNet != b.sameNet {
		return a.sameNet
	}
	if a.uploader != b.uploader {
		return a.uploader
	}
	return a.p.offeredSeq < b.p.offeredSeq
}

// maxScan bounds the peers looked at per announce: the scan starts at a
// random place, so a big swarm is sampled, not scanned.
const maxScan = 256

// choosePeers picks at most n receivers for offers of from, never from
// itself and never a peer flagged bad. O(min(len(peers), maxScan) x n).
func (s *Server) choosePeers(sw *swarm, from *peer, n int) []*peer {
	if n <= 0 {
		return nil
	}
	var buf [maxOffersLimit]candidate
	best := buf[:0]
	if n > len(buf) {
		best = make([]candidate, 0, n)
	}
	fromNet := from.c.prefix
	local := fromNet.IsValid()
	scanned := 0
	start := 0
	if len(sw.list) > 1 {
		start = rand.IntN(len(sw.list))
	}
	for k := range sw.list {
		p := sw.list[(start+k)%len(sw.list)]
		if p == from {
			continue
		}
		if scanned++; scanned > maxScan {
			break
		}
		if s.cfg.Scorer != nil && s.cfg.Scorer.Bad(sw.infoHash, p.id) {
			continue
		}
		c := candidate{p: p, sameNet: local && samePrefix(fromNet, p.c.prefix)}
		c.uploader = p.uploadGrew || (s.cfg.Scorer != nil && s.cfg.Scorer.UploadScore(sw.infoHash, p.id) > 0)
		if len(best) == n && !c.better(best[n-1]) {
			continue
		}
		if len(best) < n {
			best = append(best, c)
		} else {
			best[n-1] = c
		}
		for i := len(best) - 1; i > 0 && best[i].better(best[i-1]); i-- {
			best[i], best[i-1] = best[i-1], best[i]
		}
	}
	out := make([]*peer, len(best))
	for i, c := range best {
		out[i] = c.p
	}
	return out
}

func samePrefix(a, b netip.Prefix) bool {
	return a.IsValid() && a == b
}

// networkPrefix is the "same network" of addr: its /24 (IPv4) or /48
// (IPv6) by default.
func networkPrefix(addr netip.Addr, v4Bits, v6Bits int) netip.Prefix {
	addr = addr.Unmap()
	bits := v6Bits
	if addr.Is4() {
		bits = v4Bits
	}
	p, err := addr.Prefix(bits)
	if err != nil {
		return netip.Prefix{}
	}
	return p
}
