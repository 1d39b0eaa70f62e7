package player

import (
	"errors"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func hlsDir(t *testing.T) (string, string) {
	t.Helper()
	parent := t.TempDir()
	dir := filepath.Join(parent, "hls")
	writeFile(t, dir, "live/s.m3u8", "#EXTM3U\n")
	writeFile(t, dir, "live/s-1.ts", strings.Repeat("T", 1000))
	writeFile(t, dir, "live/s.p2p.json", `{"version":1}`)
	writeFile(t, dir, "live/init.mp4", "mp4")
	writeFile(t, dir, "live/s-2.m4s", "m4s")
	writeFile(t, dir, "live/a.aac", "aac")
	writeFile(t, dir, "live/.s.p2p.json.1234.tmp", "temp")
	writeFile(t, dir, "live/.hidden.ts", "hidden")
	writeFile(t, dir, "live/s-3.ts.tmp", "partial")
	writeFile(t, dir, "live/s.m3u8.temp", "partial")
	writeFile(t, dir, "live/notes.txt", "text")
	writeFile(t, dir, "live/x.json", "{}")
	writeFile(t, parent, "secret.ts", "outside")
	if err := os.Symlink(filepath.Join(parent, "secret.ts"), filepath.Join(dir, "live", "escape.ts")); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "live", "dir.ts"), 0o755); err != nil {
		t.Fatal(err)
	}
	return dir, parent
}

func TestHLSServesMediaFiles(t *testing.T) {
	dir, _ := hlsDir(t)
	h := newTestRouter(t, Config{HLSDir: dir}, testBundle)
	tests := []struct {
		path, ctype, cache, body string
	}{
		{"/hls/live/s.m3u8", "application/vnd.apple.mpegurl", "no-cache", "#EXTM3U\n"},
		{"/hls/live/s.p2p.json", "application/json", "no-cache", `{"version":1}`},
		{"/hls/live/s-1.ts?hls_ctx=abc", "video/mp2t", "public, max-age=60", strings.Repeat("T", 1000)},
		{"/hls/live/init.mp4", "video/mp4", "public, max-age=60", "mp4"},
		{"/hls/live/s-2.m4s", "video/iso.segment", "public, max-age=60", "m4s"},
		{"/hls/live/a.aac", "audio/aac", "public, max-age=60", "aac"},
	}
	for _, tt := range tests {
		rec := get(h, tt.path)
		if rec.Code != http.StatusOK {
			t.Errorf("%s: status %d", tt.path, rec.Code)
			continue
		}
		if got := rec.Header().Get("Content-Type"); got != tt.ctype {
			t.Errorf("%s: Content-Type %q, want %q", tt.path, got, tt.ctype)
		}
		if got := rec.Header().Get("Cache-Control"); got != tt.cache {
			t.Errorf("%s: Cache-Control %q, want %q", tt.path, got, tt.cache)
		}
		if rec.Body.String() != tt.body {
			t.Errorf("%s: body %q", tt.path, rec.Body.String())
		}
	}
	rec := get(h, "/hls/live/s-1.ts", "Range", "bytes=10-19")
	if rec.Code != http.StatusPartialContent || rec.Body.Len() != 10 || rec.Header().Get("Content-Range") != "bytes 10-19/1000" {
		t.Errorf("range: status %d, %d bytes, Content-Range %q", rec.Code, rec.Body.Len(), rec.Header().Get("Content-Range"))
	}
}

func TestHLSRefusesEverythingElse(t *testing.T) {
	dir, _ := hlsDir(t)
	h := newTestRouter(t, Config{HLSDir: dir}, testBundle)
	for _, p := range []string{
		"/hls/",
		"/hls/live/",
		"/hls/live",
		"/hls/../secret.ts",
		"/hls/live/../../secret.ts",
		"/hls/live/%2e%2e/%2e%2e/secret.ts",
		"/hls/live/..%2f..%2fsecret.ts",
		"/hls/live/.s.p2p.json.1234.tmp",
		"/hls/live/.hidden.ts",
		"/hls/live/s-3.ts.tmp",
		"/hls/live/s.m3u8.temp",
		"/hls/live/notes.txt",
		"/hls/live/x.json",
		"/hls/live/escape.ts",
		"/hls/live/dir.ts",
		"/hls/live//s.m3u8",
		"/hls/live/missing.ts",
		"/hls/live/.ts",
		"/hls/live\\s.m3u8",
	} {
		if rec := get(h, p); rec.Code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404 (body %q)", p, rec.Code, rec.Body.String())
		}
	}
}

func TestHLSOffWithoutDir(t *testing.T) {
	dir, _ := hlsDir(t)
	_ = dir
	h := newTestRouter(t, Config{}, testBundle)
	if rec := get(h, "/hls/live/s.m3u8"); rec.Code != http.StatusNotFound {
		t.Errorf("status %d, want 404 without HLSDir", rec.Code)
	}
}

func TestNewValidates(t *testing.T) {
	for _, base := range []string{"hls/", "/hls", "//cdn.example/", "ftp://x/", "http://x/a?b=1/", "http:///x/", "http://u@x/", "http://x y/", `/a"b/`} {
		if _, err := newPlayer(Config{PlaylistBase: base}, testBundle, staticFS(t)); !errors.Is(err, ErrPlaylistBase) {
			t.Errorf("base %q: err %v, want ErrPlaylistBase", base, err)
		}
	}
	for _, base := range []string{"/", "/hls/", "http://127.0.0.1:8080/", "https://cdn.example.com/live-hls/"} {
		p, err := newPlayer(Config{PlaylistBase: base}, testBundle, staticFS(t))
		if err != nil {
			t.Errorf("base %q: %v", base, err)
			continue
		}
		_ = p.Close()
	}
	if _, err := newPlayer(Config{HLSDir: filepath.Join(t.TempDir(), "missing")}, testBundle, staticFS(t)); !errors.Is(err, ErrHLSDir) {
		t.Errorf("missing dir: err %v, want ErrHLSDir", err)
	}
}
