package integration

import (
	"testing"
	"time"
)

// TestWatcherFollowsLiveStream: with no hooks at all, the watcher alone
// keeps the manifest exactly in step with every playlist ffmpeg writes.
func TestWatcherFollowsLiveStream(t *testing.T) {
	hls := t.TempDir()
	sc := startSidecar(t, "srs-p2p", itestEnv(hls))
	mon := startMonitor(t, hls, playlistRel)
	start := time.Now()
	ff := startFFmpeg(t, hls, ffmpegOptions{})

	waitPlaylists(t, mon, 3)
	sc.checkHTTPManifest(hls) // while the manifest changes every second
	waitPlaylists(t, mon, 7)
	ff.stop()

	liveChecks(t, sc, mon, hls, start)
	if _, mans := mon.snapshot(); len(mans) < 6 {
		t.Errorf("only %d manifest versions for %d playlist versions", len(mans), mon.playlistCount())
	}
	sc.checkNoErrorLines()
	sc.stop()
}
