package integration

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// srsParam is the publisher's query string SRS passes in every hook.
const srsParam = "?token=abc123&foo=bar"

// TestHooksAndWatcher: SRS's hooks arrive as SRS really sends them (late,
// duplicated, reordered, one for a file that never existed) while the
// watcher sees the files; the manifest stays exact and carries the publish
// session from on_publish as its epoch.
func TestHooksAndWatcher(t *testing.T) {
	const streamID = "vid-test01"
	hls := t.TempDir()
	hooks := loadSRSHooks(t)
	sc := startSidecar(t, "srs-p2p", itestEnv(hls))
	log := &hookLog{}
	log.post(sc, "/api/v1/hooks/on_connect", hooks.session("on_connect", streamID, srsParam).bytes())
	log.post(sc, "/api/v1/hooks/on_publish", hooks.onPublish(streamID, srsParam))
	mon := startMonitor(t, hls, playlistRel)
	start := time.Now()
	drv := startHookDriver(t, sc, hooks, mon, hls, streamID, true, log)
	// A short playlist makes ffmpeg delete segments early, so late hooks
	// really arrive after their file is gone.
	ff := startFFmpeg(t, hls, ffmpegOptions{listSize: 2})

	waitPlaylists(t, mon, 4)
	eventually(t, 3*time.Second, "the stream to be listed as publishing", func() (bool, string) {
		st, ok := sc.streams().findStream()
		return ok && st.Publishing && st.Epoch == streamID, fmt.Sprintf("listed=%v %+v", ok, st)
	})
	waitPlaylists(t, mon, 7)
	eventually(t, 20*time.Second, "a late on_hls sent after its segment was deleted", func() (bool, string) {
		return drv.lateSent.Load() > 0, "none yet"
	})
	ff.stop()
	drv.finish()
	log.post(sc, "/api/v1/hooks/on_unpublish", hooks.onUnpublish(streamID, srsParam))
	log.check(t, 10)

	m := liveChecks(t, sc, mon, hls, start)
	checkEpochs(t, mon, streamID)
	if want := "/" + defaultVhost + "/" + streamApp + "/" + streamName + "/" + streamID; !strings.HasSuffix(m.SwarmID, want) {
		t.Errorf("swarm_id %q does not end with %q", m.SwarmID, want)
	}
	checkNeverListed(t, mon, phantomSegment)
	eventually(t, 3*time.Second, "on_unpublish to show in /api/v1/streams", func() (bool, string) {
		st, ok := sc.streams().findStream()
		return ok && !st.Publishing, fmt.Sprintf("listed=%v %+v", ok, st)
	})
	sc.checkNoErrorLines()
	sc.stop()
}

// TestHooksOnly: with the watcher off, on_hls hints (plus a 1 s reconcile)
// are enough for the manifest to follow every playlist version.
func TestHooksOnly(t *testing.T) {
	const streamID = "vid-test03"
	hls := t.TempDir()
	hooks := loadSRSHooks(t)
	env := itestEnv(hls)
	env["SRS_P2P_HLS_WATCH"] = "off"
	env["SRS_P2P_HLS_RECONCILE_INTERVAL"] = "1s"
	sc := startSidecar(t, "srs-p2p", env)
	log := &hookLog{}
	log.post(sc, "/api/v1/hooks/on_publish", hooks.onPublish(streamID, srsParam))
	mon := startMonitor(t, hls, playlistRel)
	start := time.Now()
	drv := startHookDriver(t, sc, hooks, mon, hls, streamID, false, log)
	ff := startFFmpeg(t, hls, ffmpegOptions{})

	waitPlaylists(t, mon, 7)
	ff.stop()
	drv.finish()
	log.post(sc, "/api/v1/hooks/on_unpublish", hooks.onUnpublish(streamID, srsParam))
	log.check(t, 8)

	liveChecks(t, sc, mon, hls, start)
	checkEpochs(t, mon, streamID)
	sc.checkNoErrorLines()
	sc.stop()
}

// checkNeverListed requires that no manifest version ever listed uri.
func checkNeverListed(t *testing.T, mon *monitor, uri string) {
	t.Helper()
	_, mans := mon.snapshot()
	for _, mv := range mans {
		for _, s := range mv.m.Segments {
			if s.URI == uri {
				t.Errorf("manifest read at %s lists %s, a file that never existed", mv.at.Format("15:04:05.000"), uri)
				return
			}
		}
	}
}
