package integration

import (
	"testing"
	"time"
)

// TestRestartKeepsEpoch: srs-p2p restarted mid-publish picks the stream up
// where it was: same epoch (same publish session), manifest never torn or
// removed, and it keeps following the stream.
func TestRestartKeepsEpoch(t *testing.T) {
	hls := t.TempDir()
	env := itestEnv(hls)
	first := startSidecar(t, "srs-p2p#1", env)
	mon := startMonitor(t, hls, playlistRel)
	start := time.Now()
	ff := startFFmpeg(t, hls, ffmpegOptions{})

	waitPlaylists(t, mon, 3)
	eventually(t, coverDeadline, "a manifest covering the current playlist", func() (bool, string) {
		mv, pv := mon.latestManifest(), mon.latestPlaylist()
		if mv == nil || pv == nil {
			return false, "no manifest yet"
		}
		return mv.m.covers(pv.pl)
	})
	epoch := mon.latestManifest().m.Epoch
	first.stop()
	first.checkNoErrorLines()

	n := mon.playlistCount()
	second := startSidecar(t, "srs-p2p#2", env)
	waitPlaylists(t, mon, n+4)
	ff.stop()

	m := liveChecks(t, second, mon, hls, start)
	if m.Epoch != epoch {
		t.Errorf("epoch after restart %q, before %q", m.Epoch, epoch)
	}
	checkEpochs(t, mon, epoch)
	second.checkNoErrorLines()
	second.stop()
}
