package integration

import (
	"net"
	"net/netip"
	"strings"
	"testing"
)

// minPlayback is how far every viewer's video must have advanced while it
// watched: proof that it played, not a speed figure.
const minPlayback = 10.0 // seconds of media

// checkViewerHealthy requires a viewer that opened, got ready, played
// (without a stall if noStalls), raised no page error, asked nothing off
// this machine, reported every pingback it sent, and left with a final
// snapshot of its stats (what its final beacon covered) of swarm.
func checkViewerHealthy(t *testing.T, v *viewerRecord, swarmID string, noStalls bool) {
	t.Helper()
	switch {
	case v.OpenError != nil:
		t.Errorf("viewer %d: page did not open: %s", v.Index, *v.OpenError)
		return
	case v.NotReady:
		t.Errorf("viewer %d: window.srsP2P.ready never became true (player error %s)", v.Index, strOrNil(v.PlayerError))
		return
	case v.PlayerError != nil:
		t.Errorf("viewer %d: window.srsP2P.error = %q", v.Index, *v.PlayerError)
	}
	for _, e := range v.PageErrors {
		t.Errorf("viewer %d: page error: %s", v.Index, e)
	}
	for _, u := range v.OffsiteRequests {
		t.Errorf("viewer %d: requested something off this machine: %s", v.Index, u)
	}
	if v.Final == nil || v.FinalStale {
		t.Errorf("viewer %d: no snapshot of its stats when its tab closed (final_from %s)", v.Index, strOrNil(v.FinalFrom))
		return
	}
	f := v.Final
	if f.SwarmID != swarmID {
		t.Errorf("viewer %d: swarm_id %q, manifest %q", v.Index, f.SwarmID, swarmID)
	}
	if f.PeerID == "" {
		t.Errorf("viewer %d: no peer_id", v.Index)
	}
	first := firstPlaying(v)
	if first == nil {
		t.Errorf("viewer %d: never playing", v.Index)
	} else if adv := f.CurrentTime - first.Stats.CurrentTime; adv < minPlayback {
		t.Errorf("viewer %d: video advanced %.1fs while watching (from %.1fs to %.1fs), want >= %.0fs",
			v.Index, adv, first.Stats.CurrentTime, f.CurrentTime, minPlayback)
	}
	if noStalls && (f.Stalls != 0 || f.StallMS != 0) {
		t.Errorf("viewer %d stalled: %d stalls, %.0f ms", v.Index, f.Stalls, f.StallMS)
	}
	if f.PingbackErrors != 0 || f.PingbacksSent == 0 {
		t.Errorf("viewer %d: %d pingback reports sent, %d errors", v.Index, f.PingbacksSent, f.PingbackErrors)
	}
}

// firstPlaying is the first polled point where the viewer was playing.
func firstPlaying(v *viewerRecord) *seriesPoint {
	for i := range v.Series {
		if v.Series[i].Stats.Playing {
			return &v.Series[i]
		}
	}
	return nil
}

// checkDistinctPeers requires every viewer to have its own peer_id.
func checkDistinctPeers(t *testing.T, res *viewersResult) {
	t.Helper()
	seen := map[string]int{}
	for _, v := range res.Viewers {
		if v.Final == nil || v.Final.PeerID == "" {
			continue
		}
		if j, dup := seen[v.Final.PeerID]; dup {
			t.Errorf("viewers %d and %d share peer_id %q", j, v.Index, v.Final.PeerID)
		}
		seen[v.Final.PeerID] = v.Index
	}
}

// checkICEStaysHere requires every ICE candidate any page gathered to be an
// address of this machine (loopback or one of its own interfaces): peer
// traffic between the pages never leaves the host. It returns the
// candidates for the log.
func checkICEStaysHere(t *testing.T, res *viewersResult) []string {
	t.Helper()
	own := map[netip.Addr]bool{}
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range addrs {
		if p, err := netip.ParsePrefix(a.String()); err == nil {
			own[p.Addr().Unmap()] = true
		}
	}
	seen := map[string]bool{}
	var all []string
	for _, v := range res.Viewers {
		if v.Instrumentation == nil {
			continue
		}
		for _, c := range v.Instrumentation.ICE.Candidates {
			if !seen[c] {
				seen[c] = true
				all = append(all, c)
			}
			f := strings.Fields(c) // "<type> <address> <transport>"
			if len(f) < 2 {
				t.Errorf("viewer %d: unparsable candidate %q", v.Index, c)
				continue
			}
			ip, err := netip.ParseAddr(strings.Trim(f[1], "[]"))
			if err != nil {
				t.Errorf("viewer %d: candidate %q has no IP address (mDNS name?)", v.Index, c)
				continue
			}
			if ip = ip.Unmap(); !ip.IsLoopback() && !own[ip] {
				t.Errorf("viewer %d: ICE candidate %q is not an address of this machine", v.Index, c)
			}
		}
	}
	return all
}

// logViewers writes one line per viewer, for the test log.
func logViewers(t *testing.T, res *viewersResult) {
	t.Helper()
	for i := range res.Viewers {
		v := &res.Viewers[i]
		t.Logf("%s", v.describe())
		for _, e := range v.ConsoleErrors {
			t.Logf("viewer %d console error: %s", v.Index, e)
		}
		for _, f := range v.RequestFailures {
			t.Logf("viewer %d request failed: %v", v.Index, f)
		}
		for _, h := range v.HTTPErrors {
			t.Logf("viewer %d HTTP error: %v", v.Index, h)
		}
	}
}

// trackerEventsAfter counts the frames of kind (and dir) a viewer's page
// exchanged with the tracker at or after ms, and the peers they name.
func trackerEventsAfter(v *viewerRecord, dir, kind string, ms int64) (n int, peers map[string]int) {
	peers = map[string]int{}
	if v.Instrumentation == nil {
		return 0, peers
	}
	for _, e := range v.Instrumentation.WS.Events {
		if e.Dir == dir && e.Kind == kind && e.T >= ms {
			n++
			peers[e.Peer]++
		}
	}
	return n, peers
}
