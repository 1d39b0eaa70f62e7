package player

import (
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"strings"

	"github.com/go-chi/chi/v5"
)

// maxHLSPath bounds the path under /hls/.
const maxHLSPath = 1024

// hlsFile says how one kind of HLS file is served.
type hlsFile struct {
	ctype string
	cache string
}

var (
	// Playlists and manifests change every segment: always revalidate.
	liveFile = "no-cache"
	// A segment's content never changes under its name within a publish, but SRS reuses names
	// when a republish restarts the numbering, so a segment is cached for a minute, not for long.
	segmentFile = "public, max-age=60"
)

// hlsSuffixes are the only files served under /hls/, by suffix.
var hlsSuffixes = []struct {
	suffix string
	file   hlsFile
}{
	{".p2p.json", hlsFile{"application/json", liveFile}},
	{".m3u8", hlsFile{"application/vnd.apple.mpegurl", liveFile}},
	{".ts", hlsFile{"video/mp2t", segmentFile}},
	{".m4s", hlsFile{"video/iso.segment", segmentFile}},
	{".mp4", hlsFile{"video/mp4", segmentFile}},
	{".aac", hlsFile{"audio/aac", segmentFile}},
}

// classifyHLSPath checks a path under /hls/ ("live/livestream-7.ts") and says how to serve it.
// It refuses anything but a clean relative slash path of visible names with an allowed suffix:
// no "..", no empty or dot segments, no dotfiles (srs-p2p's temp manifests are dotfiles), no
// backslash or NUL. os.Root keeps symlinks from leaving the dir as well.
func classifyHLSPath(p string) (hlsFile, bool) {
	if p == "" || len(p) > maxHLSPath || strings.ContainsAny(p, "\\\x00") {
		return hlsFile{}, false
	}
	for seg := range strings.SplitSeq(p, "/") {
		if seg == "" || seg[0] == '.' {
			return hlsFile{}, false
		}
	}
	for _, s := range hlsSuffixes {
		if strings.HasSuffix(p, s.suffix) && len(p) > len(s.suffix) && p[len(p)-len(s.suffix)-1] != '/' {
			return s.file, true
		}
	}
	return hlsFile{}, false
}

// hlsHandler serves the HLS dir read-only: GET and HEAD of single files, with Range support (the
// SDK's HTTP loader resumes segments with Range requests).
type hlsHandler struct {
	root *os.Root
	log  *slog.Logger
}

func (h *hlsHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	name := chi.URLParam(r, "*")
	kind, ok := classifyHLSPath(name)
	if !ok {
		http.NotFound(w, r)
		return
	}
	f, err := h.root.Open(name)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			h.log.DebugContext(r.Context(), "player: hls open", "err", err)
		}
		http.NotFound(w, r)
		return
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Type", kind.ctype)
	hdr.Set("Cache-Control", kind.cache)
	hdr.Set("X-Content-Type-Options", "nosniff")
	// Players on other origins (a page of the operator's own) may read the files.
	hdr.Set("Access-Control-Allow-Origin", "*")
	http.ServeContent(w, r, "", st.ModTime(), f)
}
