package dashboard

import (
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

func newRouter(t testing.TB) http.Handler {
	t.Helper()
	d, err := New(Config{})
	if err != nil {
		t.Fatal(err)
	}
	r := chi.NewRouter()
	d.Mount(r)
	return r
}

func do(t testing.TB, h http.Handler, method, path string, hdr map[string]string) (*http.Response, string) {
	t.Helper()
	req := httptest.NewRequest(method, "/", nil)
	req.URL.Path = path
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	resp := rec.Result()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func requireSecurityHeaders(t *testing.T, resp *http.Response) {
	t.Helper()
	want := "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
	if got := resp.Header.Get("Content-Security-Policy"); got != want {
		t.Errorf("Content-Security-Policy = %q, want %q", got, want)
	}
	if got := resp.Header.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q, want nosniff", got)
	}
}

func TestIndex(t *testing.T) {
	h := newRouter(t)
	resp, body := do(t, h, http.MethodGet, "/", nil)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET / = %d", resp.StatusCode)
	}
	requireSecurityHeaders(t, resp)
	for k, want := range map[string]string{"Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"} {
		if got := resp.Header.Get(k); got != want {
			t.Errorf("%s = %q, want %q", k, got, want)
		}
	}
	if !strings.Contains(body, `<script type="module" src="/dashboard/assets/app.js"></script>`) {
		t.Errorf("index does not load app.js as a module:\n%s", body)
	}
}

// assetRefs lists the assets the page loads: src/href in index.html and
// the relative imports of every script.
func assetRefs(t *testing.T, h http.Handler) []string {
	t.Helper()
	_, index := do(t, h, http.MethodGet, "/", nil)
	seen := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?:src|href)="/dashboard/assets/([^"]+)"`).FindAllStringSubmatch(index, -1) {
		seen[m[1]] = true
	}
	imports := regexp.MustCompile(`from "\./([^"]+)"`)
	for changed := true; changed; {
		changed = false
		for name := range seen {
			if !strings.HasSuffix(name, ".js") {
				continue
			}
			_, js := do(t, h, http.MethodGet, AssetPrefix+name, nil)
			for _, m := range imports.FindAllStringSubmatch(js, -1) {
				if !seen[m[1]] {
					seen[m[1]], changed = true, true
				}
			}
		}
	}
	var out []string
	for name := range seen {
		out = append(out, name)
	}
	sort.Strings(out)
	return out
}

func TestEveryAssetThePageLoadsIsServed(t *testing.T) {
	h := newRouter(t)
	refs := assetRefs(t, h)
	want := []string{"api.js", "app.js", "chart.js", "charts.js", "favicon.svg", "format.js", "style.css", "table.js"}
	if strings.Join(refs, " ") != strings.Join(want, " ") {
		t.Fatalf("page loads %v, want %v", refs, want)
	}
	types := map[string]string{".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".svg": "image/svg+xml"}
	for _, name := range refs {
		t.Run(name, func(t *testing.T) {
			resp, body := do(t, h, http.MethodGet, AssetPrefix+name, nil)
			if resp.StatusCode != http.StatusOK || body == "" {
				t.Fatalf("GET %s = %d, %d bytes", name, resp.StatusCode, len(body))
			}
			requireSecurityHeaders(t, resp)
			ext := name[strings.LastIndex(name, "."):]
			if got := resp.Header.Get("Content-Type"); got != types[ext] {
				t.Errorf("Content-Type = %q, want %q", got, types[ext])
			}
			if resp.Header.Get("Cache-Control") != "no-cache" || !strings.HasPrefix(resp.Header.Get("ETag"), `"`) {
				t.Errorf("Cache-Control %q ETag %q, want no-cache and a strong ETag",
					resp.Header.Get("Cache-Control"), resp.Header.Get("ETag"))
			}
		})
	}
}

func TestRevalidationAndHead(t *testing.T) {
	h := newRouter(t)
	for _, path := range []string{"/", AssetPrefix + "app.js"} {
		resp, body := do(t, h, http.MethodGet, path, nil)
		etag := resp.Header.Get("ETag")
		resp, got := do(t, h, http.MethodGet, path, map[string]string{"If-None-Match": etag})
		if resp.StatusCode != http.StatusNotModified || got != "" {
			t.Errorf("GET %s If-None-Match %s = %d with %d bytes, want 304 empty", path, etag, resp.StatusCode, len(got))
		}
		resp, got = do(t, h, http.MethodHead, path, nil)
		if resp.StatusCode != http.StatusOK || got != "" || resp.Header.Get("Content-Length") != strconv.Itoa(len(body)) {
			t.Errorf("HEAD %s = %d, %d bytes, Content-Length %q, want 200, empty, %d",
				path, resp.StatusCode, len(got), resp.Header.Get("Content-Length"), len(body))
		}
		requireSecurityHeaders(t, resp)
	}
}

func TestUnknownPathsAreNotFound(t *testing.T) {
	h := newRouter(t)
	for _, path := range []string{
		AssetPrefix + "nope.js",
		AssetPrefix + "index.html", // the page is served only at /
		AssetPrefix,
		AssetPrefix + "../dashboard.go",
		AssetPrefix + "assets/app.js",
		"/dashboard/",
		"/index.html",
		"/api/v1/streams", // not ours
	} {
		resp, _ := do(t, h, http.MethodGet, path, nil)
		if resp.StatusCode != http.StatusNotFound {
			t.Errorf("GET %q = %d, want 404", path, resp.StatusCode)
		}
		if strings.HasPrefix(path, AssetPrefix) {
			requireSecurityHeaders(t, resp)
		}
	}
}
