package integration

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// coverDeadline is how long after a playlist version appeared a manifest
// listing exactly its segments must have been seen.
const coverDeadline = 3 * time.Second

// span selects playlist versions seen in [from, to); a zero to is open.
type span struct{ from, to time.Time }

func (w span) has(at time.Time) bool {
	return !at.Before(w.from) && (w.to.IsZero() || at.Before(w.to))
}

// keepFunc selects the manifest versions a check looks at; nil keeps all.
type keepFunc func(mv manifestVersion) bool

// epochIs keeps manifests of one epoch.
func epochIs(epoch string) keepFunc {
	return func(mv manifestVersion) bool { return mv.m.Epoch == epoch }
}

// readIn keeps manifest versions of epoch first read inside w.
func readIn(epoch string, w span) keepFunc {
	return func(mv manifestVersion) bool { return mv.m.Epoch == epoch && w.has(mv.at) }
}

// shortLived is how long a playlist version must stay current before it
// must get a manifest of its own. A publisher can replace the playlist
// twice within milliseconds (ffmpeg flushing on exit, catching up after a
// CPU stall); srs-p2p may then rightly build only from the newer one.
const shortLived = 500 * time.Millisecond

// checkCoverage requires, for every playlist version the monitor saw inside
// w, a manifest version accepted by keep that covers it, seen no later than
// coverDeadline after the playlist. A version replaced within shortLived
// may instead be superseded by a manifest covering a later version, within
// the same deadline; at most a third of the versions may be. Retained
// segments must agree with the uri/duration an earlier playlist gave their
// seq.
func checkCoverage(t *testing.T, mon *monitor, w span, keep keepFunc) {
	t.Helper()
	pls, mans := mon.snapshot()
	history := map[uint64]playlistSegment{}
	checked, superseded := 0, 0
	for i, pv := range pls {
		for _, s := range pv.pl.segments {
			history[s.seq] = s
		}
		if !w.has(pv.at) {
			continue
		}
		checked++
		lived := time.Duration(-1) // still current
		if i+1 < len(pls) {
			lived = pls[i+1].at.Sub(pv.at)
		}
		if coveredBy(pv, mans, keep, pls[i:i+1]) {
			continue
		}
		if lived >= 0 && lived < shortLived && coveredBy(pv, mans, keep, pls[i+1:]) {
			superseded++
			continue
		}
		var near []string
		for _, mv := range mans {
			if mv.at.After(pv.at.Add(-time.Second)) && !mv.at.After(pv.at.Add(coverDeadline)) {
				_, why := mv.m.covers(pv.pl)
				near = append(near, fmt.Sprintf("  +%v %s (%s)", mv.at.Sub(pv.at).Round(time.Millisecond), mv.m, why))
			}
		}
		t.Errorf("playlist version at %s (%s, current for %v) never covered within %v; manifests around it:\n%s",
			pv.at.Format("15:04:05.000"), pv.pl, lived.Round(time.Millisecond), coverDeadline, strings.Join(near, "\n"))
	}
	if checked < 3 {
		t.Errorf("only %d playlist versions to check in the window: too few for the check to mean anything", checked)
	}
	if superseded*3 > checked {
		t.Errorf("%d of %d playlist versions got no manifest of their own (superseded within %v)", superseded, checked, shortLived)
	}
	for _, mv := range mans {
		if !w.has(mv.at) || (keep != nil && !keep(mv)) {
			continue
		}
		for _, s := range mv.m.Segments {
			h, ok := history[s.Seq]
			if s.Retained && (!ok || h.uri != s.URI || !sameMillis(h.duration, s.Duration)) {
				t.Errorf("manifest %s retains seq %d as %s/%.3f, never in a playlist that way", mv.m, s.Seq, s.URI, s.Duration)
			}
		}
	}
}

// coveredBy reports whether a manifest accepted by keep and seen within
// coverDeadline of pv covers one of the playlist versions in targets.
func coveredBy(pv playlistVersion, mans []manifestVersion, keep keepFunc, targets []playlistVersion) bool {
	for _, mv := range mans {
		if mv.at.After(pv.at.Add(coverDeadline)) || (keep != nil && !keep(mv)) {
			continue
		}
		for _, target := range targets {
			if ok, _ := mv.m.covers(target.pl); ok {
				return true
			}
		}
	}
	return false
}

// checkHashes requires every manifest version accepted by keep to have
// matched the files it listed at the moment it was read.
func checkHashes(t *testing.T, mon *monitor, keep keepFunc) {
	t.Helper()
	_, mans := mon.snapshot()
	bad := 0
	for _, mv := range mans {
		if (keep == nil || keep(mv)) && len(mv.mismatches) > 0 {
			bad++
			if bad <= 3 {
				t.Errorf("manifest read at %s (%s) lists content the files do not have:\n  %s",
					mv.at.Format("15:04:05.000"), mv.m, strings.Join(mv.mismatches, "\n  "))
			}
		}
	}
	if bad > 3 {
		t.Errorf("... %d manifest versions with mismatches in all", bad)
	}
}

// checkEpochs requires every manifest version seen to carry epoch.
func checkEpochs(t *testing.T, mon *monitor, epoch string) {
	t.Helper()
	_, mans := mon.snapshot()
	for _, mv := range mans {
		if mv.m.Epoch != epoch {
			t.Errorf("manifest read at %s has epoch %q, want %q", mv.at.Format("15:04:05.000"), mv.m.Epoch, epoch)
			return
		}
	}
}

// waitPlaylists waits until the monitor has seen n playlist versions.
func waitPlaylists(t *testing.T, mon *monitor, n int) {
	t.Helper()
	eventually(t, time.Duration(n)*time.Second+15*time.Second, fmt.Sprintf("%d playlist versions", n), func() (bool, string) {
		got := mon.playlistCount()
		return got >= n, fmt.Sprintf("%d so far", got)
	})
}

// waitQuiescent waits, after the publisher stopped, until the manifest
// covers the final playlist and every file it lists exists: the state a
// verify run must accept.
func waitQuiescent(t *testing.T, mon *monitor, hlsDir string) *manifest {
	t.Helper()
	var m *manifest
	eventually(t, 5*time.Second, "the manifest to settle on the final playlist", func() (bool, string) {
		raw := readFileOrNil(hlsDir, playlistRel)
		pl, err := parsePlaylist(raw)
		if err != nil {
			return false, "playlist: " + err.Error()
		}
		// The monitor polls: until it has recorded the final version, a
		// span starting now would wrongly claim that version.
		if pv := mon.latestPlaylist(); pv == nil || !bytes.Equal(pv.raw, raw) {
			return false, "the monitor has not seen the final playlist yet"
		}
		rawManifest := readFileOrNil(hlsDir, manifestRel)
		m, err = parseManifest(rawManifest)
		if err != nil {
			return false, "manifest: " + err.Error()
		}
		if mv := mon.latestManifest(); mv == nil || !bytes.Equal(mv.raw, rawManifest) {
			return false, "the monitor has not seen the final manifest yet"
		}
		if ok, why := m.covers(pl); !ok {
			return false, why
		}
		for _, s := range m.Segments {
			if _, err := os.Stat(filepath.Join(hlsDir, streamApp, s.URI)); err != nil {
				return false, "lists a file that is gone: " + s.URI
			}
		}
		return true, ""
	})
	return m
}

// readFileOrNil reads <dir>/<rel>; nil if it cannot.
func readFileOrNil(dir, rel string) []byte {
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		return nil
	}
	return b
}

// copyTree copies the regular files and directories of src into a new temp
// dir (symlinks are not copied: verify gets plain files).
func copyTree(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case !d.Type().IsRegular():
			return nil
		}
		in, err := os.Open(p)
		if err != nil {
			return err
		}
		defer in.Close()
		out, err := os.Create(target)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, in); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatalf("copy %s: %v", src, err)
	}
	return dst
}

// checkVerifyCopy runs `srs-p2p verify` on a copy of the quiescent HLS dir
// and requires exit 0 and the summary counting the manifest's segments.
func checkVerifyCopy(t *testing.T, hlsDir string) {
	t.Helper()
	dir := copyTree(t, hlsDir)
	m, err := parseManifest(readFileOrNil(dir, manifestRel))
	if err != nil {
		t.Fatalf("copied manifest: %v", err)
	}
	res := runCLI(t, nil, "verify", dir)
	want := fmt.Sprintf("verify: 1 manifests, %d segments ok", len(m.Segments))
	if res.code != 0 || !strings.Contains(res.stdout, want) {
		t.Errorf("srs-p2p verify on a quiescent copy: exit %d, want 0 and %q\nstdout:\n%s\nstderr:\n%s",
			res.code, want, res.stdout, tail(res.stderr, 20))
	}
}

// liveChecks are the correctness checks every live test ends with, after
// the publisher stopped: coverage of every playlist version since since,
// hashes, whole reads, one epoch, HTTP bytes, the streams API, stream
// identity, p2p URLs, verify.
func liveChecks(t *testing.T, sc *sidecar, mon *monitor, hlsDir string, since time.Time) *manifest {
	t.Helper()
	m := waitQuiescent(t, mon, hlsDir)
	checkCoverage(t, mon, span{from: since}, nil)
	checkHashes(t, mon, nil)
	mon.checkNoParseFailures(false)
	sc.checkHTTPManifest(hlsDir)
	checkEpochs(t, mon, m.Epoch)
	sc.checkStreamListed(m)
	sc.checkServing()
	checkVerifyCopy(t, hlsDir)
	checkStreamFields(t, m)
	checkP2P(t, m, itestTracker)
	return m
}

// checkP2P requires the manifest's p2p block to be exactly the config's.
func checkP2P(t *testing.T, m *manifest, trackers ...string) {
	t.Helper()
	if strings.Join(m.P2P.Trackers, ",") != strings.Join(trackers, ",") ||
		strings.Join(m.P2P.STUN, ",") != itestSTUN || m.P2P.Pingback != itestPingback {
		t.Errorf("manifest p2p %+v, want trackers %v stun [%s] pingback %s", m.P2P, trackers, itestSTUN, itestPingback)
	}
}

// checkStreamFields requires the stream identity derived from live/livestream.m3u8.
func checkStreamFields(t *testing.T, m *manifest) {
	t.Helper()
	want := manifestStream{Vhost: defaultVhost, App: streamApp, Name: streamName}
	if m.Stream != want || m.Playlist != path.Base(playlistRel) {
		t.Errorf("manifest stream %+v playlist %q, want %+v %q", m.Stream, m.Playlist, want, path.Base(playlistRel))
	}
}
