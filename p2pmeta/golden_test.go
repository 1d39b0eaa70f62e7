package p2pmeta

import (
	"bytes"
	"crypto/sha256"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// srsCaptures is the shared directory of real SRS captures, relative to this package's directory.
const srsCaptures = "../../shared/testdata/srs"

// fakeSum stands in for a segment's hash: deterministic and distinct per name.
func fakeSum(name string) string { return Hex(sha256.Sum256([]byte(name))) }

func fakeSegment(uri string, seq uint64, dur Seconds, size int64) Segment {
	return Segment{URI: uri, Seq: seq, Duration: dur, Size: size, SHA256: fakeSum(uri)}
}

func exampleP2P() P2P {
	return P2P{
		Trackers: []string{"wss://p2p.example.com/p2p/v1/tracker"},
		STUN:     []string{"stun:p2p.example.com:3478", "stun:[2001:db8::1]:3478"},
		Pingback: "https://p2p.example.com/p2p/v1/pingback?site=a&v=1",
	}
}

// srs6TS is SRS 6.0.183 at 12:27:36.938 in v6.0.183/timeline.txt: livestream-6.ts was just added,
// the playlist moved on to sequence 1, and livestream-0.ts (which had the publish's discontinuity)
// is retained until SRS deletes it a moment later. Durations are those of livestream-during.m3u8.
func srs6TS() *Manifest {
	s0 := fakeSegment("livestream-0.ts", 0, 2.023, 90616)
	s0.Discontinuity, s0.Retained = true, true
	return &Manifest{
		Version:        Version,
		Stream:         Stream{Vhost: "__defaultVhost__", App: "live", Name: "livestream"},
		Epoch:          "vid-0ore7v9",
		SwarmID:        SwarmID("origin-a", "__defaultVhost__", "live", "livestream", "vid-0ore7v9"),
		UpdatedAt:      "2026-11-24T12:27:36.938Z",
		Playlist:       "livestream.m3u8",
		MediaSequence:  1,
		TargetDuration: 3,
		Segments: []Segment{
			s0,
			fakeSegment("livestream-1.ts", 1, 2, 88736),
			fakeSegment("livestream-2.ts", 2, 2, 91180),
			fakeSegment("livestream-3.ts", 3, 2, 87984),
			fakeSegment("livestream-4.ts", 4, 2, 90240),
			fakeSegment("livestream-5.ts", 5, 2, 89488),
			fakeSegment("livestream-6.ts", 6, 2, 88360),
		},
		P2P: exampleP2P(),
	}
}

// srs7FMP4 is SRS 7.0.128 with hls_use_fmp4: v7.0.128-fmp4/livestream-during.m3u8 as written.
func srs7FMP4() *Manifest {
	return &Manifest{
		Version:        Version,
		Stream:         Stream{Vhost: "__defaultVhost__", App: "live", Name: "livestream"},
		Epoch:          "vid-f20t433",
		SwarmID:        SwarmID("origin-a", "__defaultVhost__", "live", "livestream", "vid-f20t433"),
		UpdatedAt:      "2026-11-24T12:36:20.605Z",
		Playlist:       "livestream.m3u8",
		MediaSequence:  0,
		TargetDuration: 3,
		Init:           &Init{URI: "init.mp4", Size: 1110, SHA256: fakeSum("init.mp4")},
		Segments: []Segment{
			fakeSegment("livestream-0.m4s", 0, 2, 312004),
			fakeSegment("livestream-1.m4s", 1, 2.02, 318512),
			fakeSegment("livestream-2.m4s", 2, 2, 309876),
		},
		P2P: exampleP2P(),
	}
}

// emptyP2P is v6.0.183/livestream-after-unpublish.m3u8 on an origin with no public P2P endpoints.
func emptyP2P() *Manifest {
	m := &Manifest{
		Version:        Version,
		Stream:         Stream{Vhost: "__defaultVhost__", App: "live", Name: "livestream"},
		Epoch:          "vid-0ore7v9",
		SwarmID:        SwarmID("origin-a", "__defaultVhost__", "live", "livestream", "vid-0ore7v9"),
		UpdatedAt:      FormatTime(time.Date(2026, 11, 24, 20, 27, 47, 926_999_999, time.FixedZone("CST", 8*3600))),
		Playlist:       "livestream.m3u8",
		MediaSequence:  7,
		TargetDuration: 2,
		P2P:            P2P{Trackers: []string{}, STUN: []string{}},
	}
	for seq := uint64(7); seq <= 12; seq++ {
		dur := Seconds(2)
		if seq == 12 {
			dur = 0.96
		}
		m.Segments = append(m.Segments, fakeSegment("livestream-"+itoa(seq)+".ts", seq, dur, 90000+int64(seq)))
	}
	return m
}

var goldens = []struct {
	file string
	make func() *Manifest
}{
	{"srs6-ts-retained.p2p.json", srs6TS},
	{"srs7-fmp4-init.p2p.json", srs7FMP4},
	{"empty-p2p.p2p.json", emptyP2P},
}

func TestGolden(t *testing.T) {
	for _, g := range goldens {
		t.Run(g.file, func(t *testing.T) {
			m := g.make()
			got, err := Marshal(m)
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			file := filepath.Join("testdata", g.file)
			if *update {
				if err := os.WriteFile(file, got, 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("Marshal differs from %s:\n got %s\nwant %s", file, got, want)
			}
			back, err := Parse(want)
			if err != nil {
				t.Fatalf("Parse(golden): %v", err)
			}
			if !reflect.DeepEqual(back, m) {
				t.Errorf("Parse(golden) = %+v\nwant %+v", back, m)
			}
		})
	}
}

func TestGoldenUpdatedAtTruncatesToUTCMillis(t *testing.T) {
	if got, want := emptyP2P().UpdatedAt, "2026-11-24T12:27:47.926Z"; got != want {
		t.Errorf("UpdatedAt = %q, want %q", got, want)
	}
}

// TestGoldenMatchesSRSPlaylists checks the hand-built manifests against the playlists SRS really
// wrote: the playlist segments must be those of the capture, in order, with the same numbers.
func TestGoldenMatchesSRSPlaylists(t *testing.T) {
	cases := []struct {
		playlist string
		manifest *Manifest
	}{
		{"v6.0.183/livestream-during.m3u8", srs6TS()},
		{"v7.0.128-fmp4/livestream-during.m3u8", srs7FMP4()},
		{"v6.0.183/livestream-after-unpublish.m3u8", emptyP2P()},
	}
	for _, c := range cases {
		t.Run(c.playlist, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(srsCaptures, c.playlist))
			if err != nil {
				t.Fatal(err)
			}
			pl, err := playlist.Unmarshal(raw)
			if err != nil {
				t.Fatalf("playlist.Unmarshal: %v", err)
			}
			media, ok := pl.(*playlist.Media)
			if !ok {
				t.Fatalf("%s is not a media playlist", c.playlist)
			}
			if media.TargetDuration != c.manifest.TargetDuration {
				t.Errorf("target_duration %d, playlist has %d", c.manifest.TargetDuration, media.TargetDuration)
			}
			if (media.Map == nil) != (c.manifest.Init == nil) || media.Map != nil && media.Map.URI != c.manifest.Init.URI {
				t.Errorf("init %+v does not match EXT-X-MAP %+v", c.manifest.Init, media.Map)
			}
			bySeq := map[uint64]Segment{}
			for _, s := range c.manifest.Segments {
				bySeq[s.Seq] = s
			}
			matched := 0
			for i, ps := range media.Segments {
				seq := uint64(media.MediaSequence + i)
				s, ok := bySeq[seq]
				if !ok {
					continue // a later manifest no longer lists it
				}
				matched++
				uri, _, _ := strings.Cut(ps.URI, "?")
				if s.URI != uri || time.Duration(float64(s.Duration)*1e9).Round(time.Millisecond) != ps.Duration || s.Discontinuity != ps.Discontinuity {
					t.Errorf("seq %d: manifest %+v, playlist %+v", seq, s, ps)
				}
			}
			if matched < 3 {
				t.Errorf("only %d playlist segments found in the manifest", matched)
			}
		})
	}
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
