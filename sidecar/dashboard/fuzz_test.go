package dashboard

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzAssetPath: the asset name is the only outside input the package
// reads. Any name is either an embedded asset served byte for byte or a
// 404; never a panic, never another file.
func FuzzAssetPath(f *testing.F) {
	for _, seed := range []string{"app.js", "style.css", "", "../dashboard.go", "app.js/", "APP.JS", "%2e%2e/x", "a\x00b", "index.html", strings.Repeat("a/", 300)} {
		f.Add(seed)
	}
	d, err := New(Config{})
	if err != nil {
		f.Fatal(err)
	}
	h := newRouter(f)
	f.Fuzz(func(t *testing.T, name string) {
		resp, body := do(t, h, http.MethodGet, AssetPrefix+name, nil)
		a, known := d.assets[name]
		switch {
		case known && (resp.StatusCode != http.StatusOK || body != string(a.body)):
			t.Fatalf("asset %q: status %d, %d bytes, want 200 and its %d bytes", name, resp.StatusCode, len(body), len(a.body))
		case !known && resp.StatusCode == http.StatusOK:
			t.Fatalf("unknown name %q served with 200", name)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Fatalf("name %q: no nosniff header (status %d)", name, resp.StatusCode)
		}
	})
}
