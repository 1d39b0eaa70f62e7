package tracker

import (
	"encoding/json"
	"net/netip"
	"time"
)

// swarm is the peers announcing one info_hash. All fields are guarded by
// Server.mu.
type swarm struct {
	infoHash   string
	peers      map[string]*peer // by peer_id bytes
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
	sw           *swarm
	c            *conn
	lastAnnounce time.Time
	offeredSeq   uint64 // when it last got an offer (Server.offerSeq); 0 = never
	uploaded     float64
	uploadGrew   bool // "uploaded" increased between two announces
	seeder       bool // announced left == 0
}

func newSwarm(infoHash string) *swarm {
	return &swarm{infoHash: infoHash, peers: map[string]*peer{}, pending: map[pendingKey]time.Time{}}
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
	for _, p := range sw.peers {
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

// maxScan bounds the peers looked at per announce: Go's map iteration
// starts at a random place, so a big swarm is sampled, not scanned.
const maxScan = 256

// choosePeers picks at most n receivers for offers of from, never from
// itself and never a peer flagged bad. O(min(len(peers), maxScan) x n).
func (s *Server) choosePeers(sw *swarm, from *peer, n int) []*peer {
	if n <= 0 {
		return nil
	}
	best := make([]candidate, 0, n)
	scanned := 0
	for _, p := range sw.peers {
		if p == from {
			continue
		}
		if scanned++; scanned > maxScan {
			break
		}
		if s.cfg.Scorer != nil && s.cfg.Scorer.Bad(sw.infoHash, p.id) {
			continue
		}
		c := candidate{p: p, sameNet: samePrefix(from.c.prefix, p.c.prefix)}
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

// Wire replies. Binary strings are passed through encodeBinary first.
type announceReply struct {
	Action     string `json:"action"`
	Interval   int    `json:"interval"`
	InfoHash   string `json:"info_hash"`
	Complete   int    `json:"complete"`
	Incomplete int    `json:"incomplete"`
}

type offerRelay struct {
	Action   string          `json:"action"`
	Offer    json.RawMessage `json:"offer"`
	OfferID  string          `json:"offer_id"`
	PeerID   string          `json:"peer_id"`
	InfoHash string          `json:"info_hash"`
}

type answerRelay struct {
	Action   string          `json:"action"`
	Answer   json.RawMessage `json:"answer"`
	OfferID  string          `json:"offer_id"`
	PeerID   string          `json:"peer_id"`
	InfoHash string          `json:"info_hash"`
}

type failureReply struct {
	Action   string `json:"action"`
	Reason   string `json:"failure reason"`
	InfoHash string `json:"info_hash,omitempty"`
}

type scrapeFile struct {
	Complete   int `json:"complete"`
	Incomplete int `json:"incomplete"`
	Downloaded int `json:"downloaded"`
}

type scrapeReply struct {
	Action string                `json:"action"`
	Files  map[string]scrapeFile `json:"files"`
}

// encode marshals a reply; the types above cannot fail to encode.
func encode(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic("tracker: encode reply: " + err.Error())
	}
	return b
}
