package hooks

import (
	"errors"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestRelPath(t *testing.T) {
	tests := []struct {
		in, want string // want "" means refused
	}{
		{"live/livestream-0.ts", "live/livestream-0.ts"},
		{"live/livestream.m3u8", "live/livestream.m3u8"},
		{"live/livestream/init.mp4", "live/livestream/init.mp4"},
		{"livestream-0.ts", "livestream-0.ts"},
		{"./live//x.ts", "live/x.ts"},
		{"live/./x.ts", "live/x.ts"},
		{"live/x.ts/", "live/x.ts"},
		// Percent escapes are literal name bytes: RelPath never unescapes,
		// so this names a directory called "%2e%2e" inside live/.
		{"live/%2e%2e/x.ts", "live/%2e%2e/x.ts"},
		{"live/..x.ts", "live/..x.ts"},
		{"live/x..ts", "live/x..ts"},
		{"live/...", "live/..."},
		{"直播/流-1.ts", "直播/流-1.ts"},
		{"", ""},
		{".", ""},
		{"./", ""},
		{"..", ""},
		{"../x.ts", ""},
		{"live/../x.ts", ""},
		{"live/../../etc/passwd.ts", ""},
		{"live/..", ""},
		{"/abs.ts", ""},
		{"//host/x.ts", ""},
		{`live\x.ts`, ""},
		{`..\x.ts`, ""},
		{"live/x.ts?hls_ctx=1", ""},
		{"live/x.ts#f", ""},
		{"live/x\x00.ts", ""},
		{"live/x\n.ts", ""},
		{"live/x\u0085.ts", ""},
		{"live/\xff.ts", ""},
		{strings.Repeat("a", 1022) + ".ts", ""}, // 1025 bytes
		{strings.Repeat("a", 1021) + ".ts", strings.Repeat("a", 1021) + ".ts"}, // 1024 bytes
	}
	for _, tc := range tests {
		got, err := RelPath(tc.in)
		if tc.want == "" {
			if err == nil || !errors.Is(err, ErrPathOutside) || got != "" {
				t.Errorf("RelPath(%q) = %q, %v; want ErrPathOutside", tc.in, got, err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("RelPath(%q) = %q, %v; want %q", tc.in, got, err, tc.want)
		}
	}
}

// FuzzRelPath: whatever RelPath accepts is local, has no ".." element, is
// its own path.Clean and is accepted again unchanged.
func FuzzRelPath(f *testing.F) {
	for _, s := range []string{"live/livestream-0.ts", "live/livestream/init.mp4", "../x.ts",
		"live/../../etc/passwd.ts", "/abs.ts", `live\x.ts`, "live/%2e%2e/x.ts", "./a//b/", "a/./../b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, p string) {
		got, err := RelPath(p)
		if err != nil {
			if got != "" || !errors.Is(err, ErrPathOutside) {
				t.Fatalf("RelPath(%q) = %q, %v", p, got, err)
			}
			return
		}
		if !filepath.IsLocal(got) || path.IsAbs(got) || path.Clean(got) != got || got == "." {
			t.Fatalf("RelPath(%q) = %q: not a clean local path", p, got)
		}
		for elem := range strings.SplitSeq(got, "/") {
			if elem == ".." || elem == "" {
				t.Fatalf("RelPath(%q) = %q: element %q", p, got, elem)
			}
		}
		if len(got) > maxRelPathLen || !utf8.ValidString(got) || strings.ContainsAny(got, `\?#`) ||
			strings.IndexFunc(got, unicode.IsControl) >= 0 {
			t.Fatalf("RelPath(%q) = %q: forbidden content", p, got)
		}
		if again, err := RelPath(got); err != nil || again != got {
			t.Fatalf("RelPath(%q) = %q, %v; not idempotent", got, again, err)
		}
	})
}
