package player

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"
)

// bundleName is the SDK's page script in dist/.
const bundleName = "player.js"

// asset is one servable file: where it is, its type and a strong ETag of its content.
type asset struct {
	fsys  fs.FS
	name  string
	ctype string
	etag  string
}

// assetHandler serves a fixed set of files: nothing else under /play/assets/ exists.
type assetHandler struct {
	files map[string]asset
}

// newAssetHandler indexes the bundle (player.js, player.js.map, when built) and the static files
// (player.css), hashing each once for its ETag.
func newAssetHandler(bundle, css fs.FS) (*assetHandler, error) {
	h := &assetHandler{files: map[string]asset{}}
	add := func(fsys fs.FS, name, ctype string, required bool) error {
		sum, err := hashFile(fsys, name)
		if errors.Is(err, fs.ErrNotExist) && !required {
			return nil
		}
		if err != nil {
			return fmt.Errorf("player: asset %s: %w", name, err)
		}
		h.files[name] = asset{fsys: fsys, name: name, ctype: ctype, etag: `"` + sum + `"`}
		return nil
	}
	if err := add(bundle, bundleName, "text/javascript; charset=utf-8", false); err != nil {
		return nil, err
	}
	if err := add(bundle, bundleName+".map", "application/json", false); err != nil {
		return nil, err
	}
	if err := add(css, "player.css", "text/css; charset=utf-8", true); err != nil {
		return nil, err
	}
	return h, nil
}

func hashFile(fsys fs.FS, name string) (string, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return "", err
	}
	defer f.Close()
	d := sha256.New()
	if _, err := io.Copy(d, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(d.Sum(nil)[:16]), nil
}

func (h *assetHandler) hasBundle() bool {
	_, ok := h.files[bundleName]
	return ok
}

func (h *assetHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	a, ok := h.files[chi.URLParam(r, "*")]
	if !ok {
		http.NotFound(w, r)
		return
	}
	f, err := a.fsys.Open(a.name)
	if err != nil {
		http.Error(w, "asset unavailable", http.StatusInternalServerError)
		return
	}
	defer f.Close()
	rs, ok := f.(io.ReadSeeker)
	if !ok {
		http.Error(w, "asset unavailable", http.StatusInternalServerError)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", a.ctype)
	hdr.Set("X-Content-Type-Options", "nosniff")
	// The names carry no content hash, so browsers revalidate every load; the ETag makes that a 304.
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("ETag", a.etag)
	http.ServeContent(w, r, a.name, time.Time{}, rs)
}
