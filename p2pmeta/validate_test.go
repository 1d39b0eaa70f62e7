package p2pmeta

import (
	"errors"
	"math"
	"strings"
	"testing"
)

func TestValidateAcceptsGoldens(t *testing.T) {
	for _, g := range goldens {
		if err := g.make().Validate(); err != nil {
			t.Errorf("%s: %v", g.file, err)
		}
	}
}

// TestValidateRejects breaks one rule per case and checks the error names the field.
func TestValidateRejects(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(m *Manifest)
		want   string // the error text starts with this
	}{
		{"version 2", func(m *Manifest) { m.Version = 2 }, "version: unsupported 2"},
		{"version 0", func(m *Manifest) { m.Version = 0 }, "version: unsupported 0"},
		{"empty vhost", func(m *Manifest) { m.Stream.Vhost = "" }, "stream.vhost: empty"},
		{"app with empty level", func(m *Manifest) { m.Stream.App = "live/" }, "stream.app: empty"},
		{"app dot dot", func(m *Manifest) { m.Stream.App = ".." }, "stream.app: is .."},
		{"name with slash", func(m *Manifest) { m.Stream.Name = "a/b" }, "stream.name: character '/'"},
		{"name with space", func(m *Manifest) { m.Stream.Name = "live stream" }, "stream.name: character ' '"},
		{"name too long", func(m *Manifest) { m.Stream.Name = strings.Repeat("a", 256) }, "stream.name: longer than 255"},
		{"empty epoch", func(m *Manifest) { m.Epoch = "" }, "epoch: not 1..128"},
		{"epoch with space", func(m *Manifest) { m.Epoch = "vid 1" }, "epoch: not 1..128"},
		{"epoch with slash", func(m *Manifest) { m.Epoch = "vid/1" }, "epoch: not 1..128"},
		{"epoch too long", func(m *Manifest) { m.Epoch = strings.Repeat("e", 129) }, "epoch: not 1..128"},
		{"swarm id prefix", func(m *Manifest) { m.SwarmID = strings.TrimPrefix(m.SwarmID, "srs-p2p:") }, "swarm_id: does not start"},
		{"swarm id other epoch", func(m *Manifest) { m.Epoch = "vid-other" }, "swarm_id: does not end"},
		{"swarm id other stream", func(m *Manifest) { m.Stream.Name = "other" }, "swarm_id: does not end"},
		{"swarm id empty origin", func(m *Manifest) { m.SwarmID = SwarmID("", "__defaultVhost__", "live", "livestream", m.Epoch) }, "swarm_id: origin id"},
		{"swarm id origin with slash", func(m *Manifest) { m.SwarmID = SwarmID("a/b", "__defaultVhost__", "live", "livestream", m.Epoch) }, "swarm_id: origin id"},
		{"updated_at two digits", func(m *Manifest) { m.UpdatedAt = "2026-11-24T12:27:36.93Z" }, "updated_at: not UTC"},
		{"updated_at offset", func(m *Manifest) { m.UpdatedAt = "2026-11-24T12:27:36.938+08:00" }, "updated_at: not UTC"},
		{"updated_at bad day", func(m *Manifest) { m.UpdatedAt = "2026-02-30T12:27:36.938Z" }, "updated_at: not UTC"},
		{"updated_at empty", func(m *Manifest) { m.UpdatedAt = "" }, "updated_at: not UTC"},
		{"playlist empty", func(m *Manifest) { m.Playlist = "" }, "playlist: empty"},
		{"playlist in a subdirectory", func(m *Manifest) { m.Playlist = "live/livestream.m3u8" }, "playlist: not a file name"},
		{"playlist not m3u8", func(m *Manifest) { m.Playlist = "livestream.mpd" }, "playlist: not a file name"},
		{"target_duration 0", func(m *Manifest) { m.TargetDuration = 0 }, "target_duration: 0 outside"},
		{"target_duration huge", func(m *Manifest) { m.TargetDuration = 86401 }, "target_duration: 86401 outside"},
		{"bad hex", func(m *Manifest) { m.Segments[3].SHA256 = strings.Repeat("g", 64) }, "segments[3].sha256: not 64 lowercase hex"},
		{"uppercase hex", func(m *Manifest) { m.Segments[3].SHA256 = strings.ToUpper(m.Segments[3].SHA256) }, "segments[3].sha256: not 64 lowercase hex"},
		{"short hex", func(m *Manifest) { m.Segments[3].SHA256 = m.Segments[3].SHA256[:63] }, "segments[3].sha256: not 64 lowercase hex"},
		{"uri parent", func(m *Manifest) { m.Segments[1].URI = "../x.ts" }, `segments[1].uri: path segment "..": is ..`},
		{"uri absolute", func(m *Manifest) { m.Segments[1].URI = "/x.ts" }, "segments[1].uri: absolute path"},
		{"uri query", func(m *Manifest) { m.Segments[1].URI = "x.ts?y" }, "segments[1].uri: has a ?query"},
		{"uri fragment", func(m *Manifest) { m.Segments[1].URI = "x.ts#y" }, "segments[1].uri: has a ?query"},
		{"uri empty", func(m *Manifest) { m.Segments[1].URI = "" }, "segments[1].uri: empty"},
		{"uri percent", func(m *Manifest) { m.Segments[1].URI = "x%20y.ts" }, "segments[1].uri: path segment"},
		{"uri backslash", func(m *Manifest) { m.Segments[1].URI = `..\x.ts` }, "segments[1].uri: path segment"},
		{"uri scheme-like", func(m *Manifest) { m.Segments[1].URI = "http:x.ts" }, "segments[1].uri: path segment"},
		{"uri double slash", func(m *Manifest) { m.Segments[1].URI = "a//x.ts" }, `segments[1].uri: path segment "": empty`},
		{"uri too long", func(m *Manifest) { m.Segments[1].URI = strings.Repeat("a/", 600) + "x.ts" }, "segments[1].uri: longer than 1024"},
		{"duplicate basename", func(m *Manifest) { m.Segments[2].URI = "old/livestream-1.ts" }, "segments[2].uri: basename also used by segments[1].uri"},
		{"negative size", func(m *Manifest) { m.Segments[2].Size = -1 }, "segments[2].size: negative -1"},
		{"NaN duration", func(m *Manifest) { m.Segments[2].Duration = Seconds(math.NaN()) }, "segments[2].duration: NaN outside"},
		{"Inf duration", func(m *Manifest) { m.Segments[2].Duration = Seconds(math.Inf(1)) }, "segments[2].duration: +Inf outside"},
		{"negative duration", func(m *Manifest) { m.Segments[2].Duration = -0.5 }, "segments[2].duration: -0.5 outside"},
		{"seq not increasing", func(m *Manifest) { m.Segments[3].Seq = 2 }, "segments[3].seq: 2 not above the previous 2"},
		{"seq repeated", func(m *Manifest) { m.Segments[4].Seq = 3 }, "segments[4].seq: 3 not above the previous 3"},
		{"playlist seq below media_sequence", func(m *Manifest) { m.MediaSequence = 2 }, "segments[1].seq: 1 below media_sequence 2"},
		{"retained at media_sequence", func(m *Manifest) { m.MediaSequence = 0; m.Segments[0].Seq = 0 }, "segments[0].seq: retained 0 not below media_sequence 0"},
		{"retained after playlist segment", func(m *Manifest) { m.Segments[2].Retained = true }, "segments[2].retained: retained segment after a playlist segment"},
		{"init bad hash", func(m *Manifest) { m.Init = &Init{URI: "init.mp4", Size: 1, SHA256: "x"} }, "init.sha256: not 64 lowercase hex"},
		{"init bad uri", func(m *Manifest) { m.Init = &Init{URI: "/init.mp4", SHA256: fakeSum("i")} }, "init.uri: absolute path"},
		{"init basename reused", func(m *Manifest) { m.Init = &Init{URI: "x/livestream-3.ts", SHA256: fakeSum("i")} }, "segments[3].uri: basename also used by init.uri"},
		{"tracker scheme", func(m *Manifest) { m.P2P.Trackers = []string{"https://t.example.com/"} }, "p2p.trackers[0]: scheme not ws or wss"},
		{"tracker no host", func(m *Manifest) { m.P2P.Trackers = []string{"wss:///tracker"} }, "p2p.trackers[0]: no valid host"},
		{"tracker space", func(m *Manifest) { m.P2P.Trackers = []string{"wss://a b/"} }, "p2p.trackers[0]: character ' '"},
		{"tracker port 0", func(m *Manifest) { m.P2P.Trackers = []string{"wss://t.example.com:0/"} }, "p2p.trackers[0]: port not"},
		{"tracker user", func(m *Manifest) { m.P2P.Trackers = []string{"wss://u:p@t.example.com/"} }, "p2p.trackers[0]: has user info"},
		{"too many trackers", func(m *Manifest) { m.P2P.Trackers = make([]string, 17) }, "p2p.trackers: more than 16"},
		{"stun scheme", func(m *Manifest) { m.P2P.STUN = []string{"turn:s.example.com"} }, "p2p.stun[0]: scheme not stun"},
		{"stun path", func(m *Manifest) { m.P2P.STUN = []string{"stun://s.example.com:3478"} }, "p2p.stun[0]: not host[:port]"},
		{"stun port", func(m *Manifest) { m.P2P.STUN = []string{"stun:s.example.com:70000"} }, "p2p.stun[0]: port not"},
		{"stun empty host", func(m *Manifest) { m.P2P.STUN = []string{"stun::3478"} }, "p2p.stun[0]: no valid host"},
		{"pingback scheme", func(m *Manifest) { m.P2P.Pingback = "ftp://p.example.com/" }, "p2p.pingback: scheme not http or https"},
		{"pingback relative", func(m *Manifest) { m.P2P.Pingback = "/p2p/v1/pingback" }, "p2p.pingback: scheme not"},
		{"pingback fragment", func(m *Manifest) { m.P2P.Pingback = "https://p.example.com/#x" }, "p2p.pingback: has a #fragment"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := srs6TS()
			c.mutate(m)
			err := m.Validate()
			if err == nil {
				t.Fatal("Validate accepted it")
			}
			if !strings.HasPrefix(err.Error(), c.want) {
				t.Errorf("error %q, want prefix %q", err, c.want)
			}
			var fe *FieldError
			if !errors.As(err, &fe) || !errors.Is(err, ErrInvalid) {
				t.Errorf("error %v is not a *FieldError matching ErrInvalid", err)
			}
			if _, err := Marshal(m); err == nil {
				t.Error("Marshal accepted it")
			}
		})
	}
}

func TestValidateAccepts(t *testing.T) {
	cases := []struct {
		name   string
		mutate func(m *Manifest)
	}{
		{"no segments", func(m *Manifest) { m.Segments = nil }},
		{"only retained", func(m *Manifest) { m.Segments = m.Segments[:1] }},
		{"retained with a gap", func(m *Manifest) { m.Segments[0].Seq = 0; m.MediaSequence = 5; renumber(m, 5) }},
		{"uri in a subdirectory", func(m *Manifest) { m.Segments[1].URI = "livestream/1.ts" }},
		{"multi-level app", func(m *Manifest) {
			m.Stream.App = "live/sub"
			m.SwarmID = SwarmID("origin-a", m.Stream.Vhost, m.Stream.App, m.Stream.Name, m.Epoch)
		}},
		{"zero duration and size", func(m *Manifest) { m.Segments[1].Duration, m.Segments[1].Size = 0, 0 }},
		{"max uint64 sequence", func(m *Manifest) {
			m.Segments = m.Segments[1:2]
			m.MediaSequence = math.MaxUint64
			m.Segments[0].Seq = math.MaxUint64
		}},
		{"stun forms", func(m *Manifest) { m.P2P.STUN = []string{"stun:1.2.3.4", "stuns:s.example.com:5349", "stun:[::1]"} }},
		{"tracker ipv6 with query", func(m *Manifest) { m.P2P.Trackers = []string{"ws://[::1]:8085/tracker?token=a&b=c"} }},
		{"empty pingback", func(m *Manifest) { m.P2P.Pingback = "" }},
		{"colon in epoch", func(m *Manifest) {
			m.Epoch = "srs-p2p:1a2b"
			m.SwarmID = SwarmID("origin-a", m.Stream.Vhost, m.Stream.App, m.Stream.Name, m.Epoch)
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := srs6TS()
			c.mutate(m)
			if err := m.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
		})
	}
}

// renumber gives the playlist segments (all but the first, retained one) seq first, first+1, ...
func renumber(m *Manifest, first uint64) {
	for i := range m.Segments[1:] {
		m.Segments[i+1].Seq = first + uint64(i)
	}
}

func TestSeqMaySkipLeftOutEntries(t *testing.T) {
	// A playlist entry whose file is gone is left out: numbers may skip.
	m := srs6TS()
	m.Segments = append(m.Segments[:2], m.Segments[3:]...)
	if err := m.Validate(); err != nil {
		t.Fatalf("Validate = %v", err)
	}
}

func TestValidateNil(t *testing.T) {
	var m *Manifest
	if err := m.Validate(); !errors.Is(err, ErrInvalid) {
		t.Errorf("nil manifest: %v", err)
	}
}
