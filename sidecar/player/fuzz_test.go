package player

import (
	"regexp"
	"strings"
	"testing"
)

func FuzzClassifyHLSPath(f *testing.F) {
	for _, s := range []string{"live/s.m3u8", "live/s-1.ts", "../x.ts", "live/.s.p2p.json.1.tmp", "a//b.ts", "a\\b.ts", ".ts", "live/s.p2p.json"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		kind, ok := classifyHLSPath(p)
		if !ok {
			return
		}
		if strings.HasPrefix(p, "/") || strings.Contains(p, "\\") || strings.Contains(p, "\x00") || len(p) > maxHLSPath {
			t.Fatalf("accepted %q", p)
		}
		for seg := range strings.SplitSeq(p, "/") {
			if seg == "" || seg == "." || seg == ".." || strings.HasPrefix(seg, ".") {
				t.Fatalf("accepted %q with segment %q", p, seg)
			}
		}
		if kind.ctype == "" || kind.cache == "" {
			t.Fatalf("accepted %q without a type", p)
		}
	})
}

func FuzzValidName(f *testing.F) {
	for _, s := range []string{"live", "livestream", "..", "a..b", ".", "a/b", "s_1.a-b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !validName(s) {
			return
		}
		if strings.Contains(s, "..") || strings.ContainsAny(s, "/\\<>\"' %") || s == "." || len(s) > maxNameLen || s == "" {
			t.Fatalf("accepted %q", s)
		}
	})
}

// An origin that reaches the policy header must not be able to add a directive or a source.
var safeOrigin = regexp.MustCompile(`^https?://[A-Za-z0-9.:\[\]-]+$`)

func FuzzSrcOrigin(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1:9000/live/s.m3u8", "https://cdn.example/x.m3u8?a=1", "javascript:alert(1)", "http://a.example; script-src */x", "/hls/x.m3u8", "http://[::1]:8080/x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		o := srcOrigin(s)
		if o != "" && !safeOrigin.MatchString(o) {
			t.Fatalf("srcOrigin(%q) = %q", s, o)
		}
		csp := contentSecurityPolicy([]string{o})
		if strings.Count(csp, ";") != 9 {
			t.Fatalf("policy for %q has extra directives: %q", s, csp)
		}
	})
}
