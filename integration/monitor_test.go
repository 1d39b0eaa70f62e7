package integration

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// playlistVersion is one distinct playlist content the monitor saw.
type playlistVersion struct {
	at  time.Time
	raw []byte
	pl  *playlist
}

// manifestVersion is one distinct manifest content the monitor saw, with
// what the files said at that moment.
type manifestVersion struct {
	at  time.Time
	raw []byte
	m   *manifest
	// mismatches lists segments whose file existed when this version was
	// read but had another size or SHA-256 than the manifest says.
	mismatches []string
}

// monitor watches one stream from the outside while srs-p2p and ffmpeg run:
// it reads the manifest every 2 ms (any torn or invalid read is a parse
// failure) and the playlist every 10 ms, recording each distinct version,
// and hashes the files a new manifest version lists. It runs independently
// of any srs-p2p process, so it spans restarts.
type monitor struct {
	t        *testing.T
	hlsDir   string
	playRel  string
	manRel   string
	onChange chan playlistVersion // every new playlist version, for hook drivers

	stop chan struct{}
	done chan struct{}

	mu               sync.Mutex
	playlists        []playlistVersion
	manifests        []manifestVersion
	reads            int
	parseFailures    []string
	missingAfterSeen int
}

// startMonitor starts watching <hlsDir>/<app>/<name>.m3u8 and its manifest.
// The goroutine stops at test end (or at close).
func startMonitor(t *testing.T, hlsDir, playRel string) *monitor {
	mon := &monitor{
		t:        t,
		hlsDir:   hlsDir,
		playRel:  playRel,
		manRel:   playRel[:len(playRel)-len(".m3u8")] + ".p2p.json",
		onChange: make(chan playlistVersion, 1024),
		stop:     make(chan struct{}),
		done:     make(chan struct{}),
	}
	go mon.run()
	t.Cleanup(mon.close)
	return mon
}

func (mon *monitor) close() {
	select {
	case <-mon.stop:
	default:
		close(mon.stop)
	}
	<-mon.done
}

func (mon *monitor) run() {
	defer close(mon.done)
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	var lastPlaylist, lastManifest []byte
	for i := 0; ; i++ {
		if i%5 == 0 {
			lastPlaylist = mon.readPlaylist(lastPlaylist)
		}
		lastManifest = mon.readManifest(lastManifest)
		select {
		case <-mon.stop:
			return
		case <-tick.C:
		}
	}
}

func (mon *monitor) readPlaylist(last []byte) []byte {
	raw, err := os.ReadFile(filepath.Join(mon.hlsDir, filepath.FromSlash(mon.playRel)))
	if err != nil || bytes.Equal(raw, last) {
		return last
	}
	pl, err := parsePlaylist(raw)
	if err != nil {
		// The publisher replaces the playlist by rename, so a read is whole.
		mon.t.Errorf("playlist %s unreadable: %v\n%s", mon.playRel, err, raw)
		return raw
	}
	v := playlistVersion{at: time.Now(), raw: raw, pl: pl}
	mon.mu.Lock()
	mon.playlists = append(mon.playlists, v)
	mon.mu.Unlock()
	select {
	case mon.onChange <- v:
	default: // nobody drives hooks from it; the next version repeats its segments
	}
	return raw
}

func (mon *monitor) readManifest(last []byte) []byte {
	raw, err := os.ReadFile(filepath.Join(mon.hlsDir, filepath.FromSlash(mon.manRel)))
	mon.mu.Lock()
	defer mon.mu.Unlock()
	mon.reads++
	if errors.Is(err, fs.ErrNotExist) {
		if len(mon.manifests) > 0 && last != nil {
			mon.missingAfterSeen++
		}
		return nil
	}
	if err != nil {
		mon.parseFailures = append(mon.parseFailures, "read: "+err.Error())
		return last
	}
	if bytes.Equal(raw, last) {
		return last
	}
	m, err := parseManifest(raw)
	if err != nil {
		mon.parseFailures = append(mon.parseFailures, fmt.Sprintf("%v: %q", err, truncate(raw, 300)))
		return raw
	}
	v := manifestVersion{at: time.Now(), raw: raw, m: m}
	dir := path.Dir(mon.manRel)
	for _, s := range m.Segments {
		if msg := fileMismatch(mon.hlsDir, path.Join(dir, s.URI), s.Size, s.SHA256); msg != "" {
			v.mismatches = append(v.mismatches, msg)
		}
	}
	if m.Init != nil {
		if msg := fileMismatch(mon.hlsDir, path.Join(dir, m.Init.URI), m.Init.Size, m.Init.SHA256); msg != "" {
			v.mismatches = append(v.mismatches, msg)
		}
	}
	mon.manifests = append(mon.manifests, v)
	return raw
}

// fileMismatch hashes <hlsDir>/<rel> and describes how it differs from the
// manifest's size and sum; "" when it matches or is gone (deleted since).
func fileMismatch(hlsDir, rel string, size int64, sum string) string {
	gotSize, gotSum, err := hashFile(filepath.Join(hlsDir, filepath.FromSlash(rel)))
	if errors.Is(err, fs.ErrNotExist) {
		return ""
	}
	if err != nil {
		return fmt.Sprintf("%s: %v", rel, err)
	}
	if gotSize != size || gotSum != sum {
		return fmt.Sprintf("%s: manifest size %d sha256 %s, file size %d sha256 %s", rel, size, sum, gotSize, gotSum)
	}
	return ""
}

func hashFile(name string) (int64, string, error) {
	f, err := os.Open(name)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", err
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

func truncate(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// snapshot returns copies of what was recorded so far.
func (mon *monitor) snapshot() (pls []playlistVersion, mans []manifestVersion) {
	mon.mu.Lock()
	defer mon.mu.Unlock()
	return append([]playlistVersion(nil), mon.playlists...), append([]manifestVersion(nil), mon.manifests...)
}

// latestManifest is the last valid manifest read, or nil.
func (mon *monitor) latestManifest() *manifestVersion {
	mon.mu.Lock()
	defer mon.mu.Unlock()
	if len(mon.manifests) == 0 {
		return nil
	}
	v := mon.manifests[len(mon.manifests)-1]
	return &v
}

// latestPlaylist is the last playlist version read, or nil.
func (mon *monitor) latestPlaylist() *playlistVersion {
	mon.mu.Lock()
	defer mon.mu.Unlock()
	if len(mon.playlists) == 0 {
		return nil
	}
	v := mon.playlists[len(mon.playlists)-1]
	return &v
}

func (mon *monitor) playlistCount() int {
	mon.mu.Lock()
	defer mon.mu.Unlock()
	return len(mon.playlists)
}

// checkNoParseFailures requires that every read of the manifest saw a whole,
// valid manifest (atomic replacement) and that it never vanished once seen.
func (mon *monitor) checkNoParseFailures(allowMissing bool) {
	mon.t.Helper()
	mon.mu.Lock()
	defer mon.mu.Unlock()
	if mon.reads < 100 {
		mon.t.Errorf("monitor read the manifest only %d times: the torn-read check is meaningless", mon.reads)
	}
	if n := len(mon.parseFailures); n > 0 {
		mon.t.Errorf("%d of %d manifest reads failed to parse; first: %s", n, mon.reads, mon.parseFailures[0])
	}
	if !allowMissing && mon.missingAfterSeen > 0 {
		mon.t.Errorf("manifest vanished %d times after it first existed", mon.missingAfterSeen)
	}
}
