package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/webp2p/srs-p2p/internal/srslog"
	"github.com/webp2p/srs-p2p/p2pmeta"
	"github.com/webp2p/srs-p2p/sidecar/indexer"
)

// ManifestPrefix is where manifests are served, followed by the manifest's
// path relative to the HLS dir ("live/livestream.p2p.json").
const ManifestPrefix = "/p2p/v1/manifests/"

// streamView is one stream in /api/v1/streams.
type streamView struct {
	indexer.StreamInfo
	ManifestURL string     `json:"manifest_url"`
	Swarm       *swarmView `json:"swarm,omitempty"`
	// Pingback is the viewers' 10 s and 60 s windows (pingback.Summary).
	Pingback any `json:"pingback,omitempty"`
}

// swarmView is the tracker's swarm of a stream's current epoch.
type swarmView struct {
	InfoHash   string `json:"info_hash"`
	Peers      int    `json:"peers"`
	Complete   int    `json:"complete"`
	Incomplete int    `json:"incomplete"`
}

func (s *server) listStreams(w http.ResponseWriter, r *http.Request) {
	list := s.streams.Streams()
	swarms := s.swarmsByID()
	views := make([]streamView, 0, len(list))
	for _, st := range list {
		views = append(views, s.view(st, swarms))
	}
	s.writeData(w, map[string]any{"streams": views})
}

// defaultVhost is SRS's vhost when a stream names none.
const defaultVhost = "__defaultVhost__"

// streamDetail serves GET /api/v1/streams/{app}/{stream}?vhost=V: the
// stream as in the list, and with pingback on its windows and last hour.
func (s *server) streamDetail(w http.ResponseWriter, r *http.Request) {
	app, name := chi.URLParam(r, "app"), chi.URLParam(r, "stream")
	vhost := r.URL.Query().Get("vhost")
	if vhost == "" {
		vhost = defaultVhost
	}
	for _, st := range s.streams.Streams() {
		if st.Vhost != vhost || st.App != app || st.Name != name {
			continue
		}
		data := map[string]any{"stream": s.view(st, s.swarmsByID())}
		if s.cfg.Stats != nil {
			if d, ok := s.cfg.Stats.Detail(st.SwarmID); ok {
				data["pingback"] = d
			}
		}
		s.writeData(w, data)
		return
	}
	writeError(w, http.StatusNotFound, codeNotFound, "no live stream "+srslog.Quote(vhost+"/"+app+"/"+name, 256))
}

// swarmsByID indexes the tracker's swarms by swarm_id (empty without a
// tracker).
func (s *server) swarmsByID() map[string]swarmView {
	bySwarm := map[string]swarmView{}
	if s.cfg.Swarms != nil {
		for _, sw := range s.cfg.Swarms.Swarms() {
			bySwarm[sw.SwarmID] = swarmView{InfoHash: sw.InfoHash, Peers: sw.Peers, Complete: sw.Complete, Incomplete: sw.Incomplete}
		}
	}
	return bySwarm
}

// view is what the API shows of one stream.
func (s *server) view(st indexer.StreamInfo, swarms map[string]swarmView) streamView {
	v := streamView{StreamInfo: st, ManifestURL: ManifestPrefix + st.Manifest}
	if sw, ok := swarms[st.SwarmID]; ok {
		v.Swarm = &sw
	}
	if s.cfg.Stats != nil {
		if sum, ok := s.cfg.Stats.Summary(st.SwarmID); ok {
			v.Pingback = sum
		}
	}
	return v
}

// manifest serves the bytes of a manifest as last written. Like a live
// playlist it may be cached for about a second; the ETag lets a CDN
// revalidate cheaply. CORS is open: players on any page fetch it.
func (s *server) manifest(w http.ResponseWriter, r *http.Request) {
	rel := chi.URLParam(r, "*")
	setCORS(w)
	if !strings.HasSuffix(rel, p2pmeta.Suffix) || len(rel) > 1024 {
		writeError(w, http.StatusNotFound, codeNotFound, "not a manifest path")
		return
	}
	body, info, ok := s.streams.Manifest(rel)
	if !ok {
		writeError(w, http.StatusNotFound, codeNotFound, "no live manifest at "+rel)
		return
	}
	sum := sha256.Sum256(body)
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "public, max-age=1")
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:16])+`"`)
	http.ServeContent(w, r, "", lastModified(info.UpdatedAt), bytes.NewReader(body))
}

func (s *server) preflight(w http.ResponseWriter, r *http.Request) {
	setCORS(w)
	w.Header().Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

func setCORS(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "GET, HEAD, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "If-None-Match, If-Modified-Since")
	h.Set("Access-Control-Expose-Headers", "ETag, Last-Modified")
}

// lastModified parses a manifest's updated_at for Last-Modified; HTTP dates
// have whole seconds.
func lastModified(updatedAt string) time.Time {
	t, err := time.Parse(p2pmeta.TimeLayout, updatedAt)
	if err != nil {
		return time.Time{}
	}
	return t.Truncate(time.Second)
}
