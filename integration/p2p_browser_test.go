package integration

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// The tracker's failure reason for an info_hash of no live stream, as
// p2p-media-loader hands it to the page (sidecar/tracker's failure text).
const unknownSwarmReason = "unknown info_hash: not a live stream of this tracker"

// TestP2PBrowserSwarm: four p2p-media-loader viewers in headless Chromium
// watch one live stream through srs-p2p's player page for over a minute.
// The swarm delivers segments peer to peer, every one of them verified, no
// viewer stalls, the pingback aggregates (API and /metrics) come to exactly
// the pages' own counters, and the tracker relayed offers and answers.
func TestP2PBrowserSwarm(t *testing.T) {
	st := startP2PStack(t, p2pStackOptions{})
	ff, m := st.publish(0)
	res := startViewers(t, viewersConfig{
		URL: st.playerURL(url.Values{"muted": {"1"}}), Viewers: 4,
		DurationS: 72, FirstAloneS: 8, StaggerS: 2, // all four together for 60 s
	}).wait()
	logViewers(t, res)

	for i := range res.Viewers {
		v := &res.Viewers[i]
		checkViewerHealthy(t, v, m.SwarmID, true)
		if f := v.Final; f != nil {
			if f.Rejected != 0 || len(f.RejectedByPeer) != 0 {
				t.Errorf("viewer %d rejected %d P2P segments (%v) in a swarm of honest peers", v.Index, f.Rejected, f.RejectedByPeer)
			}
			if f.Verified != f.SegmentsP2P {
				t.Errorf("viewer %d: %d segments from peers but %d verified", v.Index, f.SegmentsP2P, f.Verified)
			}
		}
	}
	checkDistinctPeers(t, res)
	total := sumFinals(res)
	if total.P2PDownBytes <= 0 || total.SegmentsP2P <= 0 {
		t.Errorf("the swarm delivered nothing: %+v", total)
	}
	t.Logf("offload %.3f (p2p %d / (p2p %d + cdn %d)), uploaded %d", offload(total), total.P2PDownBytes, total.P2PDownBytes, total.CDNBytes, total.P2PUpBytes)
	t.Logf("ICE candidates: %v", checkICEStaysHere(t, res))

	st.waitPingbackAgrees(total)
	mt, err := st.scrapeMetrics()
	if err != nil {
		t.Fatal(err)
	}
	offers, answers := mt["srs_p2p_tracker_offers_relayed_total"], mt["srs_p2p_tracker_answers_relayed_total"]
	if offers < 1 || answers < 1 {
		t.Errorf("tracker relayed %v offers and %v answers, want both > 0", offers, answers)
	}
	t.Logf("tracker relayed %v offers, %v answers", offers, answers)
	ff.stop()
	st.sc.stop()
}

// TestP2PBrowserPoisonedPeer: one of four viewers corrupts every segment it
// uploads. The others reject its segments by hash and blame it, fetch from
// the CDN instead and keep playing; pingback counts the hash failures and
// flags the peer; from then on the tracker offers it to nobody (relays no
// offer to it and none of its offers to the others) while it still relays
// offers between the honest viewers.
func TestP2PBrowserPoisonedPeer(t *testing.T) {
	const poisoner = 0 // the first viewer: it has the most segments to share
	st := startP2PStack(t, p2pStackOptions{pingbackInterval: "2s"})
	ff, m := st.publish(523)
	run := startViewers(t, viewersConfig{
		URL: st.playerURL(url.Values{"muted": {"1"}}), Viewers: 4, Poison: []int{poisoner},
		DurationS: 70, FirstAloneS: 8, StaggerS: 2,
	})
	// Watch pingback flag the peer while the pages play.
	var flaggedAt time.Time
	var maxBadPeers float64
	for run.running() {
		if mt, err := st.scrapeMetrics(); err == nil {
			if flaggedAt.IsZero() && mt["srs_p2p_pingback_bad_peer_flags_total"] >= 1 {
				flaggedAt = time.Now()
			}
			maxBadPeers = max(maxBadPeers, mt[streamMetric("srs_p2p_stream_bad_peers")])
		}
		select {
		case <-run.done:
		case <-time.After(250 * time.Millisecond):
		}
	}
	res := run.wait()
	logViewers(t, res)

	bad := &res.Viewers[poisoner]
	if bad.Final == nil || bad.Final.PeerID == "" || bad.Instrumentation == nil {
		t.Fatalf("the poisoner left no peer_id or instrumentation: %s", bad.describe())
	}
	badID := bad.Final.PeerID
	if p := bad.Instrumentation.Poison; p.Chunks == 0 {
		t.Fatalf("the poisoner uploaded no segment bytes (%+v): nothing was tested", p)
	}
	t.Logf("poisoner %q corrupted %d chunks (%d bytes)", badID, bad.Instrumentation.Poison.Chunks, bad.Instrumentation.Poison.Bytes)
	blamers := 0
	for i := range res.Viewers {
		v := &res.Viewers[i]
		// The others keep playing without a stall; the poisoner's own
		// playback is not what this test is about.
		checkViewerHealthy(t, v, m.SwarmID, v.Index != poisoner)
		f := v.Final
		if f == nil {
			continue
		}
		if f.Verified != f.SegmentsP2P {
			t.Errorf("viewer %d: %d segments from peers but %d verified", v.Index, f.SegmentsP2P, f.Verified)
		}
		for peer, n := range f.RejectedByPeer {
			if peer != badID {
				t.Errorf("viewer %d blames %q (%d segments), an honest peer", v.Index, peer, n)
			}
		}
		if v.Index != poisoner && f.RejectedByPeer[badID] > 0 {
			blamers++
		}
	}
	if blamers < 2 {
		t.Fatalf("%d viewers rejected the poisoner's segments, want >= 2 (pingback.bad_peer_reporters)", blamers)
	}

	st.waitPingbackAgrees(sumFinals(res))
	if flaggedAt.IsZero() || maxBadPeers < 1 {
		t.Fatalf("pingback never flagged a bad peer (bad_peer_flags_total seen at %v, max srs_p2p_stream_bad_peers %v)", flaggedAt, maxBadPeers)
	}
	checkTrackerShunsPeer(t, res, poisoner, flaggedAt)
	ff.stop()
	st.sc.stop()
}

// checkTrackerShunsPeer requires, from the frames the pages saw, that the
// tracker relayed offers to the poisoner before pingback flagged it and,
// over at least two announce intervals after, none to it and none of its
// own to the others, while the honest viewers still got each other's.
func checkTrackerShunsPeer(t *testing.T, res *viewersResult, poisoner int, flaggedAt time.Time) {
	t.Helper()
	const margin = 2 * time.Second // offers already on their way when the flag was set
	const trackerInterval = 10 * time.Second
	bad := &res.Viewers[poisoner]
	from := flaggedAt.Add(margin).UnixMilli()
	if window := time.Duration(bad.LeftAtMS-from) * time.Millisecond; window < 2*trackerInterval {
		t.Fatalf("flagged %.0fs into the run: only %v left to watch the tracker (want >= %v); lengthen the run",
			float64(flaggedAt.UnixMilli()-res.StartedAtMS)/1000, window, 2*trackerInterval)
	}
	before, _ := trackerEventsAfter(bad, "in", "offer", 0)
	after, fromPeers := trackerEventsAfter(bad, "in", "offer", from)
	before -= after
	t.Logf("poisoner flagged %.1fs into the run; offers relayed to it: %d before, %d after", float64(flaggedAt.UnixMilli()-res.StartedAtMS)/1000, before, after)
	if before < 1 {
		t.Errorf("the tracker never relayed an offer to the poisoner before the flag: nothing shows the flag changed anything")
	}
	if after != 0 {
		t.Errorf("the tracker relayed %d offers to the flagged poisoner after the flag (from %v)", after, fromPeers)
	}
	honest, theirs := 0, 0
	for i := range res.Viewers {
		if i == poisoner {
			continue
		}
		n, peers := trackerEventsAfter(&res.Viewers[i], "in", "offer", from)
		honest += n
		theirs += peers[bad.Final.PeerID]
	}
	t.Logf("after the flag the honest viewers got %d offers, %d of them from the poisoner", honest, theirs)
	if honest-theirs == 0 {
		t.Errorf("no honest viewer got an offer from another honest one after the flag: the tracker relays nothing at all")
	}
	// Offering the flagged peer to nobody also means relaying none of its
	// own offers: every one an honest viewer answers is a new connection
	// to the peer it just rejected, and more poisoned segments.
	if theirs != 0 {
		t.Errorf("the tracker relayed %d offers of the flagged poisoner to honest viewers after the flag", theirs)
	}
}

// TestP2PBrowserStreamNotLive: a viewer whose CDN still serves the playlist
// and manifest of a stream that ended is refused by the tracker, and the
// page shows the tracker's reason.
func TestP2PBrowserStreamNotLive(t *testing.T) {
	st := startP2PStack(t, p2pStackOptions{})
	ff, _ := st.publish(0)
	ff.stop()
	// The stale CDN: a copy of what the stream left.
	stale := copyTree(t, st.hls)
	m, err := parseManifest(readFileOrNil(stale, manifestRel))
	if err != nil {
		t.Fatalf("stale manifest: %v", err)
	}
	removeSegments(t, st.hls) // hls_dispose: the stream ends
	eventually(t, 10*time.Second, "the stream to leave /api/v1/streams", func() (bool, string) {
		_, ok := st.sc.streams().findStream()
		return !ok, "still listed"
	})
	st.sc.waitLog("tracker: swarm closed, stream ended", 60*time.Second)

	cdn := httptest.NewServer(corsFiles(http.FileServer(http.Dir(stale))))
	defer cdn.Close()
	src := cdn.URL + "/" + playlistRel
	res := startViewers(t, viewersConfig{
		URL: st.playerURL(url.Values{"src": {src}, "muted": {"1"}}), Viewers: 1, DurationS: 25,
	}).wait()
	logViewers(t, res)
	v := &res.Viewers[0]
	s := v.Final
	if s == nil {
		s = v.Last
	}
	if s == nil {
		t.Fatalf("the page never exposed its stats: %s", v.describe())
	}
	if s.SwarmID != m.SwarmID {
		t.Errorf("page swarm_id %q, stale manifest %q", s.SwarmID, m.SwarmID)
	}
	if !slices.ContainsFunc(s.TrackerErrors, func(e string) bool { return strings.Contains(e, unknownSwarmReason) }) {
		t.Errorf("tracker_errors %q lack the tracker's reason %q", s.TrackerErrors, unknownSwarmReason)
	}
	if n, _ := trackerEventsAfter(v, "in", "failure", 0); n == 0 {
		t.Errorf("the page got no failure frame from the tracker")
	}
	mt, err := st.scrapeMetrics()
	if err != nil {
		t.Fatal(err)
	}
	if n := mt[`srs_p2p_tracker_failures_total{reason="unknown_swarm"}`]; n < 1 {
		t.Errorf("srs_p2p_tracker_failures_total{reason=\"unknown_swarm\"} = %v", n)
	}
	st.sc.stop()
}

// corsFiles serves files to a page of another origin, like a CDN does.
func corsFiles(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Access-Control-Allow-Origin", "*")
		w.Header().Set("Cache-Control", "no-cache")
		h.ServeHTTP(w, r)
	})
}

func offload(t viewerTotals) float64 {
	if t.P2PDownBytes+t.CDNBytes == 0 {
		return 0
	}
	return float64(t.P2PDownBytes) / float64(t.P2PDownBytes+t.CDNBytes)
}
