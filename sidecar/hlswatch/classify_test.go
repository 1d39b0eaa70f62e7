package hlswatch

import (
	"path"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestClassify(t *testing.T) {
	tests := []struct {
		name string
		want kind
	}{
		{"livestream.m3u8", kindPlaylist},
		{"livestream-0.ts", kindSegment},
		{"livestream-12.m4s", kindSegment},
		{"init.mp4", kindSegment},
		{"livestream-init.mp4", kindSegment},
		{"livestream-0.ts.tmp", kindIgnored},
		{"livestream-0.m4s.tmp", kindIgnored},
		{"init.mp4.tmp", kindIgnored},
		{"livestream.m3u8.temp", kindIgnored},
		{"livestream.m3u8.tmp", kindIgnored}, // ffmpeg temp_file
		{"livestream.p2p.json", kindIgnored},
		{".livestream.p2p.json.abc.tmp", kindIgnored},
		{".hidden.ts", kindIgnored},
		{".m3u8", kindIgnored},
		{"LIVE.TS", kindIgnored},
		{"a.M3U8", kindIgnored},
		{"x.ts.p2p.json", kindIgnored},
		{"notes.txt", kindIgnored},
		{"noext", kindIgnored},
		{"", kindIgnored},
		{"bad\nname.ts", kindIgnored},
		{"bad\x7fname.ts", kindIgnored},
		{"back\\slash.ts", kindIgnored},
		{"a/b.ts", kindIgnored},
		{"\xff.ts", kindIgnored},
		{strings.Repeat("a", 253) + ".ts", kindIgnored}, // 256 bytes: past NAME_MAX
		{strings.Repeat("a", 252) + ".ts", kindSegment},
		{"直播-1.ts", kindSegment},
	}
	for _, tt := range tests {
		if got := classify(tt.name); got != tt.want {
			t.Errorf("classify(%q) = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestRelPath(t *testing.T) {
	tests := []struct {
		root, name string
		want       string
		ok         bool
	}{
		{"/data/hls", "/data/hls", "", true},
		{"/data/hls", "/data/hls/live", "live", true},
		{"/data/hls", "/data/hls/live/livestream-3.ts", "live/livestream-3.ts", true},
		{"/data/hls", "/data/hlsx/live", "", false},
		{"/data/hls", "/data/other", "", false},
		{"/data/hls", "/data/hls/", "", false},
		{"/data/hls", "/data/hls/live//x.ts", "", false},
		{"/data/hls", "/data/hls/../etc/passwd", "", false},
		{"/data/hls", "/data/hls/live/../../x", "", false},
		{"/data/hls", "/data/hls/./x.ts", "", false},
		{"/data/hls", "/data/hls/live/x.ts/", "", false},
		{"/data/hls", "/data/hls/a\x00b", "", false},
		{"/data/hls", "/data/hls/" + strings.Repeat("a/", 600) + "x.ts", "", false},
		{"/", "/live/x.ts", "live/x.ts", true},
	}
	for _, tt := range tests {
		got, ok := relPath(tt.root, tt.name)
		if got != tt.want || ok != tt.ok {
			t.Errorf("relPath(%q, %q) = %q, %v; want %q, %v", tt.root, tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParentAndBase(t *testing.T) {
	tests := []struct{ rel, parent, base string }{
		{"x.ts", "", "x.ts"},
		{"live/x.ts", "live", "x.ts"},
		{"a/b/c", "a/b", "c"},
	}
	for _, tt := range tests {
		if p, b := parentRel(tt.rel), baseName(tt.rel); p != tt.parent || b != tt.base {
			t.Errorf("%q: parent %q base %q, want %q %q", tt.rel, p, b, tt.parent, tt.base)
		}
	}
}

// FuzzClassify: file names are outside input. Whatever the name, only a
// plain, printable, non-hidden name with a final extension gets through,
// and never one of our own manifests.
func FuzzClassify(f *testing.F) {
	for _, s := range []string{"livestream-0.ts", "livestream.m3u8", "init.mp4", "x.m4s.tmp",
		".x.p2p.json.abc.tmp", "x.p2p.json", "a\x00.ts", "\xff.m3u8", ".ts", "..", "a/b.ts"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, name string) {
		k := classify(name)
		if k == kindIgnored {
			return
		}
		if !utf8.ValidString(name) || name[0] == '.' || len(name) > maxNameLen ||
			strings.ContainsAny(name, "/\\\x00\n\r") || strings.HasSuffix(name, manifestSuffix) {
			t.Fatalf("classify(%q) = %d, want ignored", name, k)
		}
		ext := path.Ext(name)
		if (k == kindPlaylist) != (ext == ".m3u8") {
			t.Fatalf("classify(%q) = %d with extension %q", name, k, ext)
		}
		if k == kindSegment && ext != ".ts" && ext != ".m4s" && ext != ".mp4" {
			t.Fatalf("classify(%q) = segment with extension %q", name, ext)
		}
	})
}

// FuzzRelPath: event names are outside input. Whatever comes back is a
// clean relative path under root that rebuilds the name.
func FuzzRelPath(f *testing.F) {
	f.Add("/data/hls", "/data/hls/live/livestream-3.ts")
	f.Add("/data/hls", "/data/hls/../x")
	f.Add("/data/hls", "/data/hlsx/live")
	f.Add("/", "/live/x.ts")
	f.Add("/data/hls", "/data/hls/a//b")
	f.Fuzz(func(t *testing.T, root, name string) {
		rel, ok := relPath(root, name)
		if !ok {
			if rel != "" {
				t.Fatalf("relPath(%q, %q) failed but returned %q", root, name, rel)
			}
			return
		}
		if rel == "" {
			if name != root {
				t.Fatalf("relPath(%q, %q) = root", root, name)
			}
			return
		}
		if len(rel) > maxRelLen || strings.HasPrefix(rel, "/") || path.Clean(rel) != rel {
			t.Fatalf("relPath(%q, %q) = %q: not a clean relative path", root, name, rel)
		}
		for _, elem := range strings.Split(rel, "/") {
			if elem == ".." || elem == "." || !validName(elem) {
				t.Fatalf("relPath(%q, %q) = %q: bad element %q", root, name, rel, elem)
			}
		}
		if strings.TrimSuffix(root, "/")+"/"+rel != name {
			t.Fatalf("relPath(%q, %q) = %q does not rebuild the name", root, name, rel)
		}
	})
}
