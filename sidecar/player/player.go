package player

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"

	"github.com/go-chi/chi/v5"

	"github.com/webp2p/srs-p2p/internal/srslog"
)

// dist holds the SDK build (player.js and its map) when it was built before the binary; in a
// fresh checkout it holds only .gitkeep.
//
//go:embed all:dist
var dist embed.FS

//go:embed static
var static embed.FS

// DefaultPlaylistBase is where the page looks for playlists when Config.PlaylistBase is empty:
// the HLS dir served by this package.
const DefaultPlaylistBase = "/hls/"

// Errors of New.
var (
	ErrPlaylistBase = errors.New("player: playlist base must be an absolute path or an http(s) URL ending in /")
	ErrHLSDir       = errors.New("player: hls dir")
)

// Config of the player page.
type Config struct {
	// PlaylistBase is the public URL prefix of the HLS files ("http://cdn.example.com/" or
	// "/hls/"): the page plays PlaylistBase + app + "/" + stream + ".m3u8". Empty means
	// DefaultPlaylistBase.
	PlaylistBase string
	// HLSDir, when not empty, is served read-only at /hls/ (playlists, segments and manifests
	// only), so the demo needs no SRS HTTP server or CDN.
	HLSDir string
	// ServerID is shown on the page.
	ServerID string
	// Logger; nil discards.
	Logger *slog.Logger
}

// Player serves the page, its assets and optionally the HLS dir.
type Player struct {
	page   *pageHandler
	assets *assetHandler
	hls    *hlsHandler // nil without Config.HLSDir
	close  sync.Once
}

// New validates cfg and prepares the handlers; with HLSDir it opens the directory, which Close
// releases.
func New(cfg Config) (*Player, error) {
	bundle, err := fs.Sub(dist, "dist")
	if err != nil {
		return nil, fmt.Errorf("player: embedded dist: %w", err)
	}
	css, err := fs.Sub(static, "static")
	if err != nil {
		return nil, fmt.Errorf("player: embedded static: %w", err)
	}
	return newPlayer(cfg, bundle, css)
}

// newPlayer takes the bundle and static files as parameters so tests can serve a player with and
// without a build.
func newPlayer(cfg Config, bundle, css fs.FS) (*Player, error) {
	log := cfg.Logger
	if log == nil {
		log = srslog.Discard()
	}
	base := cfg.PlaylistBase
	if base == "" {
		base = DefaultPlaylistBase
	}
	if !validPlaylistBase(base) {
		return nil, fmt.Errorf("%w: %q", ErrPlaylistBase, base)
	}
	assets, err := newAssetHandler(bundle, css)
	if err != nil {
		return nil, err
	}
	p := &Player{
		page:   newPageHandler(base, cfg.ServerID, assets.hasBundle(), log),
		assets: assets,
	}
	if cfg.HLSDir != "" {
		root, err := os.OpenRoot(cfg.HLSDir)
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrHLSDir, err)
		}
		p.hls = &hlsHandler{root: root, log: log}
	}
	return p, nil
}

// validPlaylistBase accepts "/path/" or "http(s)://host[:port]/path/", without query or fragment.
func validPlaylistBase(base string) bool {
	if len(base) > 1024 || !strings.HasSuffix(base, "/") || strings.ContainsAny(base, "?#\\\"'<> \t\r\n") {
		return false
	}
	if strings.HasPrefix(base, "/") {
		return !strings.HasPrefix(base, "//")
	}
	u, err := url.Parse(base)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.User == nil && originOf(u) != ""
}

// Mount adds the routes: the page, its assets and, with HLSDir, the HLS files.
func (p *Player) Mount(r chi.Router) {
	r.Method(http.MethodGet, "/play/{app}/{stream}", p.page)
	r.Method(http.MethodHead, "/play/{app}/{stream}", p.page)
	r.Method(http.MethodGet, "/play/assets/*", p.assets)
	r.Method(http.MethodHead, "/play/assets/*", p.assets)
	if p.hls != nil {
		r.Method(http.MethodGet, "/hls/*", p.hls)
		r.Method(http.MethodHead, "/hls/*", p.hls)
	}
}

// Close releases the HLS dir. It is safe to call more than once.
func (p *Player) Close() error {
	var err error
	p.close.Do(func() {
		if p.hls != nil {
			err = p.hls.root.Close()
		}
	})
	return err
}
