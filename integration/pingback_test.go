package integration

import (
	"testing"
	"time"
)

// TestPingbackAggregates is issue 6's end-to-end check: three live streams,
// 200 simulated viewers each sending realistic reports over time (batched,
// retried, some leaving with a final beacon), and then the API's windows
// and history, /metrics and the dashboard rendered in headless Chromium
// must all agree with the sums of what was sent; a report for a stream
// that is not live is refused with its code and counts nothing; and the
// tracker stops offering the peer the viewers blamed for hash failures
// while it prefers the one that uploads.
func TestPingbackAggregates(t *testing.T) {
	node := requireE2EBrowser(t)
	hls := t.TempDir()
	for _, name := range simStreamNames {
		writeSimStream(t, hls, name)
	}
	env := itestEnv(hls)
	env["SRS_P2P_PINGBACK_INTERVAL"] = "2s"
	// All 600 viewers post from 127.0.0.1, one client network.
	env["SRS_P2P_PINGBACK_RATE"] = "1000000"
	env["SRS_P2P_PINGBACK_BURST"] = "1000000"
	sc := startSidecar(t, "srs-p2p", env)
	listed := waitSimStreams(t, sc, simStreamNames)
	swarmIDs := make([]string, len(simStreamNames))
	for i, name := range simStreamNames {
		swarmIDs[i] = listed[name].SwarmID
	}
	f := newSimFleet(swarmIDs)
	t.Log(f.summary())

	swarm := joinSimSwarm(t, sc, swarmIDs[0])
	swarm.checkAllGetOffers()

	ts := &simTimes{firstSend: time.Now()}
	// Refused whole, nothing counted: the live report of the mixed request
	// is accepted as new when the feed sends it.
	good := f.rounds[0][0][0].reports[0]
	gone := good
	gone.SwarmID = "srs-p2p:" + itestOrigin + "/" + defaultVhost + "/" + streamApp + "/gone/vid-0gone00"
	gone.Session = "viewer-of-a-gone-stream"
	f.postNotLive(t, sc, []simReport{gone})
	f.postNotLive(t, sc, []simReport{good, gone})

	f.feed(t, sc)
	ts.feedEnd = time.Now()
	checkSimAPI(t, sc, f, ts)
	checkSimMetrics(t, sc, f, ts)
	swarm.checkFeedback()

	stop := f.keepWatching(t, sc)
	before, err := simStreamList(sc)
	if err != nil {
		t.Fatal(err)
	}
	dash := runSimDashboard(t, node, sc, len(simStreamNames))
	after, err := simStreamList(sc)
	afterAt := time.Now()
	stop()
	if err != nil {
		t.Fatal(err)
	}
	if sw := after[simStreamNames[0]].Swarm; sw == nil || sw.Peers != 4 {
		t.Errorf("%s: API swarm %+v, want the tracker test's 4 peers", simStreamNames[0], sw)
	}
	in60s := ts.allIn60s(afterAt)
	if !in60s {
		t.Logf("dashboard's 60 s numbers not compared with the sums: the first report is %v old", afterAt.Sub(ts.firstSend))
	}
	checkSimDashboard(t, dash, f, before, after, in60s)
	sc.checkNoErrorLines()
	sc.stop()
}
