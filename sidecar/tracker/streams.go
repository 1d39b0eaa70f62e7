package tracker

import (
	"encoding/hex"
	"slices"
	"strings"
	"time"

	"github.com/webp2p/srs-p2p/sidecar/indexer"
)

// streamTag ties an info_hash to the stream epoch whose viewers announce it.
type streamTag struct {
	info    indexer.StreamInfo
	endedAt time.Time // zero while the source lists the stream
}

// syncStreams tags the info_hash of every listed stream and closes the
// swarms of streams gone for longer than Grace.
func (s *Server) syncStreams(list []indexer.StreamInfo, now time.Time) {
	seen := make(map[string]indexer.StreamInfo, len(list))
	for _, st := range list {
		if st.SwarmID == "" {
			continue
		}
		seen[InfoHashFor(st.SwarmID)] = st
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for ih, st := range seen {
		tag := s.streams[ih]
		if tag == nil {
			tag = &streamTag{}
			s.streams[ih] = tag
			s.cfg.Logger.InfoContext(s.ctx, "tracker: swarm for stream", "stream", st.App+"/"+st.Name, "epoch", st.Epoch)
		}
		tag.info = st
		tag.endedAt = time.Time{}
	}
	for ih, tag := range s.streams {
		if _, ok := seen[ih]; ok {
			continue
		}
		if tag.endedAt.IsZero() {
			tag.endedAt = now
		}
		if now.Sub(tag.endedAt) < s.cfg.Grace {
			continue
		}
		delete(s.streams, ih)
		s.cfg.Logger.InfoContext(s.ctx, "tracker: swarm closed, stream ended", "stream", tag.info.App+"/"+tag.info.Name, "epoch", tag.info.Epoch)
		if s.cfg.AllowUnknownSwarms {
			continue // the swarm lives on as an unknown one
		}
		if sw := s.swarms[ih]; sw != nil {
			for _, p := range sw.peers {
				s.removePeer(p)
			}
		}
	}
}

// refreshMinGap bounds how often announces for unknown info_hashes make the
// tracker ask the stream source again (see lockForAnnounce), so a flood of
// them costs nothing.
const refreshMinGap = 100 * time.Millisecond

// sweep expires peers that stopped announcing and offers nobody answered.
func (s *Server) sweep(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	peerTTL := 2 * s.cfg.Interval
	for _, sw := range s.swarms {
		for key, exp := range sw.pending {
			if now.After(exp) {
				delete(sw.pending, key)
			}
		}
		for _, p := range sw.peers {
			if now.Sub(p.lastAnnounce) > peerTTL {
				s.m.expiredPeers.Inc()
				s.removePeer(p)
			}
		}
	}
}

// SwarmStats is what the API shows of one swarm.
type SwarmStats struct {
	// InfoHash is the info_hash as announced when it is printable ASCII
	// (p2p-media-loader's are), else "hex:" and its hex bytes.
	InfoHash string `json:"info_hash"`
	// Stream fields are empty for swarms of unknown streams.
	Vhost   string `json:"vhost,omitempty"`
	App     string `json:"app,omitempty"`
	Name    string `json:"name,omitempty"`
	Epoch   string `json:"epoch,omitempty"`
	SwarmID string `json:"swarm_id,omitempty"`
	// Ended is set while a swarm outlives its stream (Config.Grace).
	Ended      bool `json:"ended"`
	Peers      int  `json:"peers"`
	Complete   int  `json:"complete"`
	Incomplete int  `json:"incomplete"`
}

// Swarms returns every stream's swarm (empty ones too) and every swarm of
// an unknown stream, sorted by swarm_id then info_hash.
func (s *Server) Swarms() []SwarmStats {
	s.mu.Lock()
	out := make([]SwarmStats, 0, len(s.streams)+len(s.swarms))
	for ih, tag := range s.streams {
		st := SwarmStats{InfoHash: printableHash(ih), Vhost: tag.info.Vhost, App: tag.info.App, Name: tag.info.Name,
			Epoch: tag.info.Epoch, SwarmID: tag.info.SwarmID, Ended: !tag.endedAt.IsZero()}
		if sw := s.swarms[ih]; sw != nil {
			st.Complete, st.Incomplete = sw.counts()
			st.Peers = len(sw.peers)
		}
		out = append(out, st)
	}
	for ih, sw := range s.swarms {
		if s.streams[ih] != nil {
			continue
		}
		st := SwarmStats{InfoHash: printableHash(ih), Peers: len(sw.peers)}
		st.Complete, st.Incomplete = sw.counts()
		out = append(out, st)
	}
	s.mu.Unlock()
	slices.SortFunc(out, func(a, b SwarmStats) int {
		if c := strings.Compare(a.SwarmID, b.SwarmID); c != 0 {
			return c
		}
		return strings.Compare(a.InfoHash, b.InfoHash)
	})
	return out
}

func printableHash(ih string) string {
	for i := 0; i < len(ih); i++ {
		if ih[i] < 0x21 || ih[i] > 0x7e {
			return "hex:" + hex.EncodeToString([]byte(ih))
		}
	}
	return ih
}
