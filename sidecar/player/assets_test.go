package player

import (
	"net/http"
	"strings"
	"testing"
)

func TestAssetsServedWithTypes(t *testing.T) {
	h := newTestRouter(t, Config{}, testBundle)
	tests := []struct {
		path, ctype, body string
	}{
		{"/play/assets/player.js", "text/javascript; charset=utf-8", "export{}"},
		{"/play/assets/player.js.map", "application/json", `"version":3`},
		{"/play/assets/player.css", "text/css; charset=utf-8", "color-scheme"},
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
		if rec.Header().Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", tt.path)
		}
		if !strings.Contains(rec.Body.String(), tt.body) {
			t.Errorf("%s: body %q lacks %q", tt.path, rec.Body.String(), tt.body)
		}
		etag := rec.Header().Get("ETag")
		if len(etag) != 34 {
			t.Errorf("%s: ETag %q", tt.path, etag)
		}
		if again := get(h, tt.path, "If-None-Match", etag); again.Code != http.StatusNotModified {
			t.Errorf("%s: revalidation status %d, want 304", tt.path, again.Code)
		}
	}
}

func TestAssetsServeNothingElse(t *testing.T) {
	h := newTestRouter(t, Config{}, testBundle)
	for _, p := range []string{
		"/play/assets/",
		"/play/assets/.gitkeep",
		"/play/assets/../assets/player.js.bak",
		"/play/assets/dist/player.js",
		"/play/assets/page.html",
		"/play/assets/player.go",
		"/play/assets/%2e%2e/player.go",
	} {
		if rec := get(h, p); rec.Code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", p, rec.Code)
		}
	}
}

func TestEmbeddedPlayer(t *testing.T) {
	p, err := New(Config{ServerID: "x"})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if err := p.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
}
