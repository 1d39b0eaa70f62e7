package player

import (
	"bytes"
	_ "embed"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/go-chi/chi/v5"
)

//go:embed page.html
var pageHTML string

//go:embed missing.html
var missingHTML string

var (
	pageTemplate    = template.Must(template.New("page").Parse(pageHTML))
	missingTemplate = template.Must(template.New("missing").Parse(missingHTML))
)

// maxNameLen bounds app and stream in the page URL.
const maxNameLen = 128

// validName reports whether s may be an app or stream in /play/{app}/{stream}:
// 1..128 bytes of [A-Za-z0-9_.-], not "." and without "..".
func validName(s string) bool {
	if len(s) == 0 || len(s) > maxNameLen || s == "." || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

// hostPort is what an origin's host may be made of: a DNS name, an IPv4 address or a bracketed
// IPv6 address, with an optional port. Anything else never reaches the policy header.
var hostPort = regexp.MustCompile(`^(?:[A-Za-z0-9.-]{1,253}|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?$`)

// originOf returns "scheme://host[:port]" of an http(s) URL, or "" when it has none that is safe
// to put in a Content-Security-Policy.
func originOf(u *url.URL) string {
	if (u.Scheme != "http" && u.Scheme != "https") || !hostPort.MatchString(u.Host) {
		return ""
	}
	return u.Scheme + "://" + strings.ToLower(u.Host)
}

// srcOrigin returns the origin of a ?src= playlist URL, or "" for a relative or unusable one
// (the page's script refuses those itself).
func srcOrigin(src string) string {
	if src == "" || len(src) > 2048 {
		return ""
	}
	u, err := url.Parse(src)
	if err != nil {
		return ""
	}
	return originOf(u)
}

// contentSecurityPolicy allows scripts and styles from srs-p2p only; media from srs-p2p, blob:
// (hls.js feeds the video through a MediaSource URL) and the playlist origins; connections to
// http(s) and ws(s) (the manifest's tracker and pingback URLs are not known here).
func contentSecurityPolicy(origins []string) string {
	media := "'self' blob:"
	for _, o := range origins {
		if o != "" && !strings.Contains(media, " "+o) {
			media += " " + o
		}
	}
	return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
		"media-src " + media + "; connect-src 'self' http: https: ws: wss:; " +
		"base-uri 'none'; form-action 'none'; frame-ancestors 'self'; object-src 'none'"
}

type pageHandler struct {
	base       string // playlist base, ends with "/"
	baseOrigin string // its origin when absolute
	serverID   string
	bundle     bool
	log        *slog.Logger
}

func newPageHandler(base, serverID string, bundle bool, log *slog.Logger) *pageHandler {
	h := &pageHandler{base: base, serverID: serverID, bundle: bundle, log: log}
	if u, err := url.Parse(base); err == nil && u.IsAbs() {
		h.baseOrigin = originOf(u)
	}
	return h
}

type pageData struct {
	App, Stream, Playlist, ServerID string
}

func (h *pageHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	app, stream := chi.URLParam(r, "app"), chi.URLParam(r, "stream")
	if !validName(app) || !validName(stream) {
		http.NotFound(w, r)
		return
	}
	hdr := w.Header()
	hdr.Set("Content-Security-Policy", contentSecurityPolicy([]string{h.baseOrigin, srcOrigin(r.URL.Query().Get("src"))}))
	hdr.Set("X-Content-Type-Options", "nosniff")
	hdr.Set("Referrer-Policy", "no-referrer")
	hdr.Set("Cache-Control", "no-cache")
	hdr.Set("Content-Type", "text/html; charset=utf-8")
	data := pageData{App: app, Stream: stream, Playlist: h.base + app + "/" + stream + ".m3u8", ServerID: h.serverID}
	tmpl, status := pageTemplate, http.StatusOK
	if !h.bundle {
		// Without the bundle the page cannot play: say how to build it.
		tmpl, status = missingTemplate, http.StatusServiceUnavailable
	}
	var b bytes.Buffer
	if err := tmpl.Execute(&b, data); err != nil {
		h.log.ErrorContext(r.Context(), "player: page template", "err", err)
		http.Error(w, "page template failed", http.StatusInternalServerError)
		return
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(b.Bytes())
	}
}
