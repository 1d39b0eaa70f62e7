package dashboard

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/webp2p/srs-p2p/internal/srslog"
)

// AssetPrefix is where the page's scripts, styles and icon are served.
const AssetPrefix = "/dashboard/assets/"

// ContentSecurityPolicy is sent with every dashboard response: everything
// from the same origin, nothing inline, no frames, no forms.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

// indexName is the embedded page served at GET /.
const indexName = "index.html"

//go:embed assets
var embedded embed.FS

// contentTypes of the files the page is made of. A fixed table rather than
// mime.TypeByExtension, which reads the machine's mime.types and so may
// differ between hosts.
var contentTypes = map[string]string{
	".html": "text/html; charset=utf-8",
	".css":  "text/css; charset=utf-8",
	".js":   "text/javascript; charset=utf-8",
	".svg":  "image/svg+xml",
}

// ErrNoAsset is returned by New when the embedded assets are incomplete
// (a build problem, never a runtime one).
var ErrNoAsset = errors.New("dashboard: embedded asset missing")

// Config of the dashboard.
type Config struct {
	Logger *slog.Logger // nil = discard
}

// Dashboard serves the page and its assets from memory.
type Dashboard struct {
	log    *slog.Logger
	index  asset
	assets map[string]asset // by name below AssetPrefix, index.html excluded
}

// asset is one embedded file with what its response needs, computed once.
type asset struct {
	name        string
	body        []byte
	contentType string
	etag        string
}

// New loads the embedded assets. It fails only if the binary was built
// without them.
func New(cfg Config) (*Dashboard, error) {
	if cfg.Logger == nil {
		cfg.Logger = srslog.Discard()
	}
	d := &Dashboard{log: cfg.Logger, assets: map[string]asset{}}
	sub, err := fs.Sub(embedded, "assets")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoAsset, err)
	}
	entries, err := fs.ReadDir(sub, ".")
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrNoAsset, err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		a, err := loadAsset(sub, e.Name())
		if err != nil {
			return nil, err
		}
		if e.Name() == indexName {
			d.index = a
			continue
		}
		d.assets[e.Name()] = a
	}
	if d.index.body == nil {
		return nil, fmt.Errorf("%w: %s", ErrNoAsset, indexName)
	}
	return d, nil
}

func loadAsset(fsys fs.FS, name string) (asset, error) {
	body, err := fs.ReadFile(fsys, name)
	if err != nil {
		return asset{}, fmt.Errorf("%w: %w", ErrNoAsset, err)
	}
	ctype, ok := contentTypes[path.Ext(name)]
	if !ok {
		return asset{}, fmt.Errorf("%w: no content type for %s", ErrNoAsset, name)
	}
	sum := sha256.Sum256(body)
	return asset{name: name, body: body, contentType: ctype, etag: `"` + hex.EncodeToString(sum[:12]) + `"`}, nil
}

// Mount adds GET/HEAD / (the page) and GET/HEAD /dashboard/assets/* to r.
func (d *Dashboard) Mount(r chi.Router) {
	r.Get("/", d.serveIndex)
	r.Head("/", d.serveIndex)
	r.Get(AssetPrefix+"*", d.serveAsset)
	r.Head(AssetPrefix+"*", d.serveAsset)
}

func (d *Dashboard) serveIndex(w http.ResponseWriter, r *http.Request) {
	d.serve(w, r, d.index)
}

func (d *Dashboard) serveAsset(w http.ResponseWriter, r *http.Request) {
	a, ok := d.assets[chi.URLParam(r, "*")]
	if !ok {
		// The name comes from outside: log only its length.
		d.log.DebugContext(r.Context(), "dashboard: no such asset", "name_len", len(chi.URLParam(r, "*")))
		setSecurityHeaders(w.Header())
		http.Error(w, "dashboard: no such asset", http.StatusNotFound)
		return
	}
	d.serve(w, r, a)
}

// serve writes an asset; http.ServeContent answers If-None-Match with 304
// and HEAD without a body.
func (d *Dashboard) serve(w http.ResponseWriter, r *http.Request, a asset) {
	h := w.Header()
	setSecurityHeaders(h)
	h.Set("Content-Type", a.contentType)
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", a.etag)
	http.ServeContent(w, r, a.name, time.Time{}, bytes.NewReader(a.body))
}

func setSecurityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", ContentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
}
