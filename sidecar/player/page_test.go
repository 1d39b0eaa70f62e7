package player

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/fstest"
)

func TestPageServedWithStrictPolicy(t *testing.T) {
	tests := []struct {
		name         string
		base         string
		target       string
		wantPlaylist string
		wantMedia    string // must appear in media-src
		notMedia     string // must not appear in the policy
	}{
		{name: "default base", target: "/play/live/livestream", wantPlaylist: `data-playlist="/hls/live/livestream.m3u8"`, wantMedia: "media-src 'self' blob:;"},
		{name: "CDN base", base: "https://cdn.example.com:8443/hls/", target: "/play/live/s_1.a-b", wantPlaylist: `data-playlist="https://cdn.example.com:8443/hls/live/s_1.a-b.m3u8"`, wantMedia: "media-src 'self' blob: https://cdn.example.com:8443;"},
		{name: "src override adds its origin", target: "/play/live/s?src=http%3A%2F%2F127.0.0.1%3A9000%2Flive%2Fs.m3u8", wantPlaylist: `data-playlist="/hls/live/s.m3u8"`, wantMedia: "media-src 'self' blob: http://127.0.0.1:9000;"},
		{name: "src with a script scheme is ignored", target: "/play/live/s?src=javascript%3Aalert(1)", wantPlaylist: `data-playlist="/hls/live/s.m3u8"`, wantMedia: "media-src 'self' blob:;", notMedia: "javascript"},
		{name: "src cannot inject into the policy", target: "/play/live/s?src=http%3A%2F%2Fa.example%3B%20script-src%20*%2Fx.m3u8", wantPlaylist: `data-playlist="/hls/live/s.m3u8"`, wantMedia: "media-src 'self' blob:;", notMedia: "script-src *"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newTestRouter(t, Config{PlaylistBase: tt.base, ServerID: "origin-a"}, testBundle)
			rec := get(h, tt.target)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d, body %q", rec.Code, rec.Body.String())
			}
			csp := rec.Header().Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'none'", "script-src 'self';", "style-src 'self';", "object-src 'none'", "base-uri 'none'", tt.wantMedia} {
				if !strings.Contains(csp, want) {
					t.Errorf("policy %q lacks %q", csp, want)
				}
			}
			if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
				t.Errorf("policy allows inline or eval: %q", csp)
			}
			if tt.notMedia != "" && strings.Contains(csp, tt.notMedia) {
				t.Errorf("policy %q contains %q", csp, tt.notMedia)
			}
			for k, want := range map[string]string{
				"Content-Type":           "text/html; charset=utf-8",
				"Referrer-Policy":        "no-referrer",
				"X-Content-Type-Options": "nosniff",
				"Cache-Control":          "no-cache",
			} {
				if got := rec.Header().Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			body := rec.Body.String()
			for _, want := range []string{tt.wantPlaylist, `<script type="module" src="/play/assets/player.js"></script>`, `id="srs-p2p-video"`, `href="/"`, "origin-a"} {
				if !strings.Contains(body, want) {
					t.Errorf("page lacks %q", want)
				}
			}
			if strings.Contains(body, "<script>") {
				t.Errorf("page has an inline script:\n%s", body)
			}
			if tt.base == "" && (strings.Contains(body, "http://") || strings.Contains(body, "https://")) {
				t.Errorf("page names a foreign URL:\n%s", body)
			}
		})
	}
}

func TestPageRefusesBadNames(t *testing.T) {
	h := newTestRouter(t, Config{}, testBundle)
	for _, target := range []string{
		"/play/live/..",
		"/play/../livestream",
		"/play/live/a..b",
		"/play/./s",
		"/play/live/" + strings.Repeat("a", 129),
		"/play/live/a%20b",
		"/play/live/a%2Fb",
		"/play/live/s%3Cscript%3E",
		"/play/live",
		"/play/live/s/extra",
	} {
		if rec := get(h, target); rec.Code != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", target, rec.Code)
		}
	}
	if rec := get(h, "/play/live/"+strings.Repeat("a", 128)); rec.Code != http.StatusOK {
		t.Errorf("128-byte name: status %d, want 200", rec.Code)
	}
}

func TestPageWithoutBundleSaysHowToBuild(t *testing.T) {
	h := newTestRouter(t, Config{}, fstest.MapFS{".gitkeep": {}})
	rec := get(h, "/play/live/livestream")
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", rec.Code)
	}
	body := rec.Body.String()
	for _, want := range []string{"make build", "npm run build", "/hls/live/livestream.m3u8"} {
		if !strings.Contains(body, want) {
			t.Errorf("503 page lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "player.js\"></script>") {
		t.Error("503 page loads the missing script")
	}
	if rec := get(h, "/play/assets/player.js"); rec.Code != http.StatusNotFound {
		t.Errorf("missing bundle served with status %d", rec.Code)
	}
	if rec := get(h, "/play/assets/player.css"); rec.Code != http.StatusOK {
		t.Errorf("stylesheet: status %d", rec.Code)
	}
}

func TestPageHead(t *testing.T) {
	h := newTestRouter(t, Config{}, testBundle)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, "/play/live/s", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d", rec.Code)
	}
	if rec.Body.Len() != 0 {
		t.Errorf("HEAD has a body of %d bytes", rec.Body.Len())
	}
	if rec.Header().Get("Content-Security-Policy") == "" {
		t.Error("HEAD lacks the policy")
	}
}
