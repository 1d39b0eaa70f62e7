package player

import (
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"testing/fstest"

	"github.com/go-chi/chi/v5"
)

// testBundle stands in for the SDK's build output.
var testBundle = fstest.MapFS{
	"player.js":     {Data: []byte("export{};console.log('srs-p2p')\n")},
	"player.js.map": {Data: []byte(`{"version":3}`)},
	".gitkeep":      {Data: nil},
}

func staticFS(t *testing.T) fs.FS {
	t.Helper()
	css, err := fs.Sub(static, "static")
	if err != nil {
		t.Fatal(err)
	}
	return css
}

// newTestRouter builds a player on bundle and mounts it on a fresh router.
func newTestRouter(t *testing.T, cfg Config, bundle fs.FS) http.Handler {
	t.Helper()
	p, err := newPlayer(cfg, bundle, staticFS(t))
	if err != nil {
		t.Fatalf("newPlayer: %v", err)
	}
	t.Cleanup(func() { _ = p.Close() })
	r := chi.NewRouter()
	p.Mount(r)
	return r
}

// get runs one request through h and returns the recorded response.
func get(h http.Handler, target string, header ...string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// writeFile creates dir/rel with content, making parent directories.
func writeFile(t *testing.T, dir, rel, content string) {
	t.Helper()
	p := filepath.Join(dir, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
