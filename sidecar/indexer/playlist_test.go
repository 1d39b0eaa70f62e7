package indexer

import (
	"os"
	"path/filepath"
	"testing"
)

// srsTestdata is the shared captures of real SRS output, beside the repo.
const srsTestdata = "../../../shared/testdata/srs"

func TestParseCapturedPlaylists(t *testing.T) {
	cases := []struct {
		file     string
		seq      uint64
		uris     []string
		init     string
		firstDur float64
	}{
		{"v6.0.183/livestream-during.m3u8", 0, []string{"livestream-0.ts", "livestream-1.ts", "livestream-2.ts", "livestream-3.ts", "livestream-4.ts", "livestream-5.ts"}, "", 2.023},
		{"v6.0.183/livestream-after-unpublish.m3u8", 7, []string{"livestream-7.ts", "livestream-8.ts", "livestream-9.ts", "livestream-10.ts", "livestream-11.ts", "livestream-12.ts"}, "", 2},
		{"v6.0.183/livestream-after-republish.m3u8", 5, []string{"livestream-5.ts", "livestream-6.ts", "livestream-7.ts"}, "", 2.023},
		{"v6.0.157/livestream-after-republish.m3u8", 0, []string{"livestream-0.ts", "livestream-1.ts", "livestream-2.ts"}, "", 2.023},
		{"v7.0.128-fmp4/livestream-during.m3u8", 0, []string{"livestream-0.m4s", "livestream-1.m4s", "livestream-2.m4s"}, "init.mp4", 2},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join(srsTestdata, c.file))
			if err != nil {
				t.Fatal(err)
			}
			p, err := parsePlaylist(b, "live/livestream.m3u8")
			if err != nil {
				t.Fatal(err)
			}
			if p.mediaSequence != c.seq || len(p.segments) != len(c.uris) || p.initURI != c.init {
				t.Fatalf("seq %d, %d segments, init %q", p.mediaSequence, len(p.segments), p.initURI)
			}
			for i, s := range p.segments {
				if s.uri != c.uris[i] || s.rel != "live/"+c.uris[i] || s.seq != c.seq+uint64(i) {
					t.Fatalf("segment %d = %+v", i, s)
				}
			}
			if p.segments[0].duration != c.firstDur {
				t.Fatalf("duration %v", p.segments[0].duration)
			}
			// SRS marks the start of each publish.
			if c.init == "" && !p.segments[0].discontinuity && c.seq != 7 {
				t.Fatal("discontinuity lost")
			}
		})
	}
}

func TestMapURI(t *testing.T) {
	cases := []struct {
		raw, uri, rel string
		ok            bool
	}{
		{"livestream-7.ts", "livestream-7.ts", "live/livestream-7.ts", true},
		{"livestream-7.ts?hls_ctx=0ab3", "livestream-7.ts", "live/livestream-7.ts", true},
		{"http://cdn.example.com/live/livestream-7.ts?x=1", "livestream-7.ts", "live/livestream-7.ts", true},
		{"/live/livestream-7.ts", "livestream-7.ts", "live/livestream-7.ts", true},
		{"sub/x.ts", "sub/x.ts", "live/sub/x.ts", true},
		{"../other/x.ts", "", "", false},
		{"a/../../x.ts", "", "", false},
		{"x\\y.ts", "", "", false},
		{"", "", "", false},
	}
	for _, c := range cases {
		uri, rel, err := mapURI("live", c.raw)
		if (err == nil) != c.ok || uri != c.uri || rel != c.rel {
			t.Errorf("mapURI(%q) = %q, %q, %v", c.raw, uri, rel, err)
		}
	}
}

func TestParsePlaylistRejects(t *testing.T) {
	for name, body := range map[string]string{
		"not m3u8":     "hello",
		"master":       "#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nlow.m3u8\n",
		"no target":    "#EXTM3U\n#EXTINF:2,\na.ts\n",
		"bad duration": "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:-5,\na.ts\n",
		"nan duration": "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:NaN,\na.ts\n",
	} {
		if _, err := parsePlaylist([]byte(body), "live/x.m3u8"); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func FuzzParsePlaylist(f *testing.F) {
	for _, p := range []string{"v6.0.183/livestream-during.m3u8", "v7.0.128-fmp4/livestream-during.m3u8"} {
		if b, err := os.ReadFile(filepath.Join(srsTestdata, p)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-MAP:URI=\"../x.mp4\"\n#EXTINF:2,\n../../a.ts?q\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := parsePlaylist(b, "live/s.m3u8")
		if err != nil {
			return
		}
		for _, s := range p.segments {
			if !filepath.IsLocal(s.rel) || s.duration < 0 {
				t.Fatalf("unsafe or bad segment %+v", s)
			}
		}
		if p.initRel != "" && !filepath.IsLocal(p.initRel) {
			t.Fatalf("unsafe init %q", p.initRel)
		}
	})
}
