package pingback

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/webp2p/srs-p2p/internal/srslog"
	"github.com/webp2p/srs-p2p/internal/streamtoken"
)

// Path is where reports are POSTed.
const Path = "/p2p/v1/pingback"

// Mount adds POST and OPTIONS Path to r.
func (s *Server) Mount(r chi.Router) {
	r.Post(Path, s.servePost)
	r.Options(Path, s.preflight)
}

// result of an accepted request.
type result struct {
	accepted, duplicates int
}

func (s *Server) servePost(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	setCORS(w.Header())
	s.m.requests.Inc()
	res, err := s.ingest(w, r)
	if err != nil {
		s.reject(w, r, err)
	} else {
		s.m.accepted.Add(res.accepted)
		s.m.duplicates.Add(res.duplicates)
		s.writeOK(w, res)
	}
	s.m.latency.UpdateDuration(start)
}

// ingest checks and counts one request. Nothing is counted unless every
// report of it is good.
func (s *Server) ingest(w http.ResponseWriter, r *http.Request) (result, error) {
	if err := checkContentType(r.Header.Get("Content-Type")); err != nil {
		return result{}, err
	}
	net, _ := clientPrefix(r, s.cfg.TrustProxy) // the zero prefix if none: one shared bucket
	now := s.cfg.Now()
	// A request costs a token before its body is read, so a flood is
	// refused cheaply; its other reports cost theirs once counted.
	if !s.lim.take(net, 1, now) {
		return result{}, fmt.Errorf("%w: more than %g reports/s from your network", ErrRateLimited, s.cfg.Rate)
	}
	buf := s.bufs.Get().(*bytes.Buffer)
	defer s.putBuffer(buf)
	if err := readBody(w, r, buf); err != nil {
		return result{}, err
	}
	s.m.bytes.Add(buf.Len())
	batch, err := Decode(buf.Bytes())
	if err != nil {
		return result{}, err
	}
	if n := len(batch.Reports); n > 1 && !s.lim.take(net, n-1, now) {
		return result{}, fmt.Errorf("%w: more than %g reports/s from your network", ErrRateLimited, s.cfg.Rate)
	}
	if err := s.checkToken(r, batch.Reports, now); err != nil {
		return result{}, err
	}
	targets, err := s.resolve(batch.Reports, now)
	if err != nil {
		return result{}, err
	}
	return s.count(batch.Reports, targets, net, now)
}

// count applies the reports to their streams, all or nothing: the streams
// are locked together (in swarm_id order, so two requests cannot deadlock)
// while the room for new sessions is checked and the reports counted.
func (s *Server) count(reports []Report, targets []*streamStats, net netip.Prefix, now time.Time) (result, error) {
	uniq := slices.Clone(targets)
	slices.SortFunc(uniq, func(a, b *streamStats) int { return cmp.Compare(a.swarmID, b.swarmID) })
	uniq = slices.Compact(uniq)
	for _, st := range uniq {
		st.mu.Lock()
	}
	defer func() {
		for _, st := range uniq {
			st.mu.Unlock()
		}
	}()
	for _, st := range uniq {
		if st.closed {
			return result{}, fmt.Errorf("%w: stream %s ended", ErrNotLive, srslog.Quote(st.key, 128))
		}
		if n := st.newSessions(reports, targets); n > 0 && len(st.sessions)+n > st.maxSessions {
			st.m.refused.Add(n)
			return result{}, fmt.Errorf("%w: stream %s tracks %d sessions already", ErrStreamFull, srslog.Quote(st.key, 128), len(st.sessions))
		}
	}
	var res result
	for i := range reports {
		dup, flagged := targets[i].apply(&reports[i], net, now)
		if dup {
			res.duplicates++
		} else {
			res.accepted++
		}
		if flagged > 0 {
			s.m.flagged.Add(flagged)
			s.log.DebugContext(targets[i].ctx, "pingback: peer flagged bad for hash failures", "stream", targets[i].key, "peers", flagged)
		}
	}
	return res, nil
}

// checkToken requires, when a secret is set, a ?token= valid for every
// report's swarm_id.
func (s *Server) checkToken(r *http.Request, reports []Report, now time.Time) error {
	if len(s.cfg.TokenSecret) == 0 {
		return nil
	}
	raw := r.URL.Query().Get("token")
	if raw == "" {
		return fmt.Errorf("%w: ?token= is required", ErrToken)
	}
	tok, err := streamtoken.Parse(raw, now)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrToken, err)
	}
	checked := ""
	for i := range reports {
		id := reports[i].SwarmID
		if id == checked {
			continue
		}
		if !tok.Allows(s.cfg.TokenSecret, id) {
			return fmt.Errorf("%w: not valid for reports[%d].swarm_id", ErrToken, i)
		}
		checked = id
	}
	return nil
}

// checkContentType accepts application/json, and text/plain because
// navigator.sendBeacon with a string sends that (and needs no preflight).
func checkContentType(v string) error {
	mt, _, _ := strings.Cut(v, ";")
	mt = strings.TrimSpace(mt)
	if strings.EqualFold(mt, "application/json") || strings.EqualFold(mt, "text/plain") {
		return nil
	}
	return fmt.Errorf("%w: %s, want application/json or text/plain", ErrContentType, srslog.Quote(v, 64))
}

// readBody reads at most MaxBodyBytes into buf, refusing a declared
// larger body before reading any of it.
func readBody(w http.ResponseWriter, r *http.Request, buf *bytes.Buffer) error {
	if r.ContentLength > MaxBodyBytes {
		return fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, r.ContentLength, MaxBodyBytes)
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return fmt.Errorf("%w: more than %d bytes", ErrTooLarge, MaxBodyBytes)
	case err != nil:
		return fmt.Errorf("%w: reading body: %v", ErrBadRequest, err)
	}
	return nil
}

func (s *Server) putBuffer(b *bytes.Buffer) {
	if b.Cap() <= 2*MaxBodyBytes {
		b.Reset()
		s.bufs.Put(b)
	}
}

// writeOK writes {"code":0,"server":ID,"data":{"interval_ms":N,"accepted":N,"duplicates":N}}.
func (s *Server) writeOK(w http.ResponseWriter, res result) {
	body := make([]byte, 0, len(s.okPrefix)+48)
	body = append(body, s.okPrefix...)
	body = strconv.AppendInt(body, int64(res.accepted), 10)
	body = append(body, `,"duplicates":`...)
	body = strconv.AppendInt(body, int64(res.duplicates), 10)
	body = append(body, "}}"...)
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

// reject answers a refused request with its code, counts it and logs it
// (rate limited; never the body, the token or the client's address).
func (s *Server) reject(w http.ResponseWriter, r *http.Request, err error) {
	rj := rejectionFor(err)
	s.m.rejected[rj.reason].Inc()
	s.warn.warn(r.Context(), rj.reason, "pingback: request rejected", "err", err.Error())
	body, _ := json.Marshal(struct {
		Code int    `json:"code"`
		Data string `json:"data"`
	}{rj.code, err.Error()})
	h := w.Header()
	switch rj.status {
	case http.StatusTooManyRequests:
		h.Set("Retry-After", "1")
	case http.StatusServiceUnavailable:
		h.Set("Retry-After", itoa(int64(s.cfg.Interval.Seconds())))
	}
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(rj.status)
	_, _ = w.Write(body)
}

// preflight answers CORS preflights: any page may send reports.
func (s *Server) preflight(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	setCORS(h)
	h.Set("Access-Control-Max-Age", "86400")
	w.WriteHeader(http.StatusNoContent)
}

func setCORS(h http.Header) {
	h.Set("Access-Control-Allow-Origin", "*")
	h.Set("Access-Control-Allow-Methods", "POST, OPTIONS")
	h.Set("Access-Control-Allow-Headers", "Content-Type")
}

func itoa(v int64) string { return strconv.FormatInt(v, 10) }
