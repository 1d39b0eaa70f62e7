package integration

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestReload: saving the -c file or SIGHUP applies a new config live (the
// manifest's p2p.trackers follow it); an invalid file is logged and the
// old config keeps running.
func TestReload(t *testing.T) {
	const (
		tracker1 = "wss://t1.itest.example/p2p/v1/tracker"
		tracker2 = "wss://t2.itest.example/p2p/v1/tracker"
		tracker3 = "wss://t3.itest.example/p2p/v1/tracker"
		badKey   = "p2p.trackerz"
	)
	hls := t.TempDir()
	pl := writeCapturedStream(t, hls)
	confDir := t.TempDir()
	conf := filepath.Join(confDir, "srs-p2p.conf")
	config := func(tracker string) string {
		return fmt.Sprintf(`// reload test
{
    "origin_id": %q,
    "hls": {"dir": %q, "reconcile_interval": "1s"},
    "p2p": {"trackers": [%q], "stun": [%q], "pingback": %q}
}
`, itestOrigin, hls, tracker, itestSTUN, itestPingback)
	}
	writeAtomic(t, conf, config(tracker1))
	// The config comes from the file only: no SRS_P2P_ overrides but the
	// listen addresses every test sets.
	sc := startSidecar(t, "srs-p2p", nil, "-c", conf)
	waitTrackers := func(what, tracker string) {
		t.Helper()
		m := waitManifest(t, hls, what, func(m *manifest) (bool, string) {
			if ok, why := m.covers(pl); !ok {
				return false, why
			}
			return strings.Join(m.P2P.Trackers, ",") == tracker, fmt.Sprintf("trackers %v", m.P2P.Trackers)
		})
		checkP2P(t, m, tracker)
	}
	waitTrackers("the manifest with the first trackers", tracker1)

	// An editor saving the file (write a temp file, rename over).
	writeAtomic(t, conf, config(tracker2))
	waitTrackers("the saved config's trackers", tracker2)

	// An invalid file, written in place: logged, old config kept, still
	// serving; the same on SIGHUP.
	invalid := strings.Replace(config(tracker2), `"trackers"`, `"trackerz"`, 1)
	if err := os.WriteFile(conf, []byte(invalid), 0o644); err != nil {
		t.Fatal(err)
	}
	sc.waitLog(badKey, 5*time.Second)
	sc.signal(syscall.SIGHUP)
	eventually(t, 5*time.Second, "the SIGHUP reload error to be logged", func() (bool, string) {
		n := strings.Count(sc.logs.String(), badKey)
		return n >= 2, fmt.Sprintf("%s logged %d times", badKey, n)
	})
	holds(t, 1500*time.Millisecond, "the old config after an invalid reload", func() (bool, string) {
		if !sc.running() {
			return false, "process exited"
		}
		m, err := parseManifest(readFileOrNil(hls, manifestRel))
		if err != nil {
			return false, err.Error()
		}
		return strings.Join(m.P2P.Trackers, ",") == tracker2, fmt.Sprintf("trackers %v", m.P2P.Trackers)
	})
	sc.checkServing()

	// SIGHUP alone: the valid file is written through a hard link in
	// another directory, which the watch on the config's directory does not
	// see, so nothing changes until the signal.
	link := filepath.Join(t.TempDir(), "link.conf")
	if err := os.Link(conf, link); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(link, []byte(config(tracker3)), 0o644); err != nil {
		t.Fatal(err)
	}
	holds(t, time.Second, "the old trackers before SIGHUP", func() (bool, string) {
		m, err := parseManifest(readFileOrNil(hls, manifestRel))
		if err != nil {
			return false, err.Error()
		}
		return strings.Join(m.P2P.Trackers, ",") == tracker2, fmt.Sprintf("trackers %v without a signal or an event", m.P2P.Trackers)
	})
	sc.signal(syscall.SIGHUP)
	waitTrackers("SIGHUP to apply the new trackers", tracker3)
	sc.checkServing()
	sc.stop()
}

// writeAtomic replaces name the way editors do: temp file, then rename.
func writeAtomic(t *testing.T, name, body string) {
	t.Helper()
	tmp := name + ".tmp"
	if err := os.WriteFile(tmp, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, name); err != nil {
		t.Fatal(err)
	}
}
