package integration

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestRepublishReusingNames: a second publish restarts at segment 0 and
// overwrites the first one's file names with new content (SRS 6.0.157
// does). The manifest must move to a new epoch, so viewers of the two
// publishes never share a swarm, and must never list old content under
// the new epoch.
func TestRepublishReusingNames(t *testing.T) {
	t.Run("watcher", func(t *testing.T) { testRepublish(t, false) })
	t.Run("hooks", func(t *testing.T) { testRepublish(t, true) })
}

func testRepublish(t *testing.T, withHooks bool) {
	const firstID, secondID = "vid-rep01", "vid-rep02"
	hls := t.TempDir()
	sc := startSidecar(t, "srs-p2p", itestEnv(hls))
	mon := startMonitor(t, hls, playlistRel)
	var (
		hooks *srsHooks
		log   = &hookLog{}
		drv   *hookDriver
	)
	publish := func(id string) {
		if withHooks {
			log.post(sc, "/api/v1/hooks/on_publish", hooks.onPublish(id, srsParam))
			drv = startHookDriver(t, sc, hooks, mon, hls, id, false, log)
		}
	}
	unpublish := func(id string) {
		if withHooks {
			drv.finish()
			log.post(sc, "/api/v1/hooks/on_unpublish", hooks.onUnpublish(id, srsParam))
		}
	}
	if withHooks {
		hooks = loadSRSHooks(t)
	}

	// First publish: run until the media sequence moved, so the second
	// publish's sequence goes backwards.
	firstStart := time.Now()
	publish(firstID)
	ff1 := startFFmpeg(t, hls, ffmpegOptions{listSize: 3, frequency: 440})
	eventually(t, 20*time.Second, "the first publish's media sequence to reach 2", func() (bool, string) {
		pv := mon.latestPlaylist()
		return pv != nil && pv.pl.mediaSequence >= 2, "not yet"
	})
	ff1.stop()
	m1 := waitQuiescent(t, mon, hls)
	unpublish(firstID)
	old := segmentHashes(t, hls)

	// Second publish: same names from 0, another tone, so new bytes.
	secondStart := time.Now()
	publish(secondID)
	n := mon.playlistCount()
	ff2 := startFFmpeg(t, hls, ffmpegOptions{listSize: 3, frequency: 880})
	waitPlaylists(t, mon, n+5)
	ff2.stop()
	m2 := waitQuiescent(t, mon, hls)
	unpublish(secondID)

	if m2.Epoch == m1.Epoch {
		t.Fatalf("second publish kept epoch %q", m1.Epoch)
	}
	if withHooks && (m1.Epoch != firstID || m2.Epoch != secondID) {
		t.Errorf("epochs %q then %q, want the on_publish stream ids %q then %q", m1.Epoch, m2.Epoch, firstID, secondID)
	}
	first := span{from: firstStart, to: secondStart}
	checkCoverage(t, mon, first, epochIs(m1.Epoch))
	checkHashes(t, mon, readIn(m1.Epoch, first))
	checkCoverage(t, mon, span{from: secondStart}, epochIs(m2.Epoch))
	checkHashes(t, mon, epochIs(m2.Epoch))
	checkNoOldContent(t, mon, m2.Epoch, old)
	mon.checkNoParseFailures(false)
	log.check(t, 0)
	sc.checkStreamListed(m2)
	checkVerifyCopy(t, hls)
	sc.checkNoErrorLines()
	sc.stop()
}

// segmentHashes maps each segment file name in live/ to its SHA-256.
func segmentHashes(t *testing.T, hlsDir string) map[string]string {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(hlsDir, streamApp, "*.ts"))
	if err != nil || len(names) == 0 {
		t.Fatalf("no segments left by the first publish (%v)", err)
	}
	out := map[string]string{}
	for _, name := range names {
		_, sum, err := hashFile(name)
		if err != nil {
			t.Fatal(err)
		}
		out[filepath.Base(name)] = sum
	}
	return out
}

// checkNoOldContent requires that no manifest of epoch lists a name with
// the content it had in the previous publish.
func checkNoOldContent(t *testing.T, mon *monitor, epoch string, old map[string]string) {
	t.Helper()
	_, mans := mon.snapshot()
	var bad []string
	for _, mv := range mans {
		if mv.m.Epoch != epoch {
			continue
		}
		for _, s := range mv.m.Segments {
			if old[s.URI] == s.SHA256 {
				bad = append(bad, fmt.Sprintf("read at %s: %s (seq %d)", mv.at.Format("15:04:05.000"), s.URI, s.Seq))
			}
		}
	}
	if len(bad) > 0 {
		t.Errorf("epoch %s lists the previous publish's content under reused names:\n  %s", epoch, strings.Join(bad, "\n  "))
	}
}
