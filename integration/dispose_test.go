package integration

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// TestDisposeRemovesManifest: when SRS's hls_dispose deletes the segments
// and the playlist, the manifest goes too (no stale swarm advertised), the
// stream leaves the API, and no temp file is left behind.
func TestDisposeRemovesManifest(t *testing.T) {
	hls := t.TempDir()
	env := itestEnv(hls)
	env["SRS_P2P_HLS_RECONCILE_INTERVAL"] = "1s"
	sc := startSidecar(t, "srs-p2p", env)
	mon := startMonitor(t, hls, playlistRel)
	ff := startFFmpeg(t, hls, ffmpegOptions{listSize: 3})
	waitPlaylists(t, mon, 4)
	ff.stop()
	m := waitQuiescent(t, mon, hls)
	sc.checkStreamListed(m)

	removeSegments(t, hls)
	manifest := filepath.Join(hls, filepath.FromSlash(manifestRel))
	eventually(t, 5*time.Second, "the manifest to be removed", func() (bool, string) {
		_, err := os.Stat(manifest)
		return errors.Is(err, fs.ErrNotExist), "still there"
	})
	eventually(t, 5*time.Second, "/api/v1/streams to drop the stream", func() (bool, string) {
		_, ok := sc.streams().findStream()
		return !ok, "still listed"
	})
	// Two reconcile passes must not bring it back.
	holds(t, 2500*time.Millisecond, "manifest and stream gone", func() (bool, string) {
		if _, err := os.Stat(manifest); err == nil {
			return false, "manifest re-created"
		}
		if _, ok := sc.streams().findStream(); ok {
			return false, "stream listed again"
		}
		return true, ""
	})
	entries, err := os.ReadDir(filepath.Join(hls, streamApp))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		t.Errorf("left in the disposed dir: %s", e.Name())
	}
	mon.checkNoParseFailures(true)
	sc.checkNoErrorLines()
	sc.stop()
}

// removeSegments deletes every segment, then the playlist: SRS's hls_dispose.
func removeSegments(t *testing.T, hlsDir string) {
	t.Helper()
	names, _ := filepath.Glob(filepath.Join(hlsDir, streamApp, "*.ts"))
	for _, name := range names {
		if err := os.Remove(name); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Remove(filepath.Join(hlsDir, filepath.FromSlash(playlistRel))); err != nil {
		t.Fatal(err)
	}
}
