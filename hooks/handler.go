package hooks

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/go-chi/chi/v5"

	"github.com/webp2p/srs-p2p/internal/srslog"
)

// Handler serves SRS's HTTP hooks. It is safe for concurrent use and owns
// no goroutines, so it has nothing to close.
type Handler struct {
	state   atomic.Pointer[state]
	sink    Sink
	log     *slog.Logger
	metrics *hookMetrics
}

// New validates cfg and returns a handler delivering hooks to sink. A nil
// log discards.
func New(cfg Config, sink Sink, log *slog.Logger) (*Handler, error) {
	if sink == nil {
		return nil, fmt.Errorf("%w: nil Sink", ErrConfig)
	}
	if log == nil {
		log = srslog.Discard()
	}
	st, err := newState(cfg)
	if err != nil {
		return nil, err
	}
	h := &Handler{sink: sink, log: log, metrics: newHookMetrics()}
	h.state.Store(st)
	h.logConfig("hooks: ready", st)
	return h, nil
}

// Update swaps in a new configuration (Allow, Secret, PublishSecret,
// MaxBodyBytes) for the requests that start after it returns. An invalid cfg
// is returned as an error and the running configuration stays.
func (h *Handler) Update(cfg Config) error {
	st, err := newState(cfg)
	if err != nil {
		return err
	}
	h.state.Store(st)
	h.logConfig("hooks: config updated", st)
	return nil
}

func (h *Handler) logConfig(msg string, st *state) {
	h.log.Info(msg, "hls_dir", st.cfg.HLSDir, "allow", st.allowReported,
		"secret_len", len(st.cfg.Secret), "publish_secret_len", len(st.cfg.PublishSecret),
		"max_body_bytes", st.cfg.MaxBodyBytes)
}

// Metrics returns the handler's own metric Set, for the caller to register.
func (h *Handler) Metrics() *metrics.Set { return h.metrics.set }

// Mount adds the hook routes to r. Every method is routed here so that a
// wrong one gets SRS's error shape (4005) rather than the router's.
func (h *Handler) Mount(r chi.Router) {
	r.HandleFunc("/api/v1/hooks", h.serveHook)
	r.HandleFunc("/api/v1/hooks/{action}", h.serveHook)
	r.HandleFunc("/api/v1/hooks/on_hls_notify", h.serveNotify)
	r.HandleFunc("/api/v1/hooks/on_hls_notify/*", h.serveNotify)
}

// serveHook handles the POSTed actions; the URL's {action}, if any, must
// match the body's.
func (h *Handler) serveHook(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ctx := srslog.NewContext(r.Context())
	st := h.state.Load()
	pathAction := chi.URLParam(r, "action")
	req, err := h.accept(ctx, w, r, st, pathAction)
	label := pathAction
	if label == "" && req != nil {
		label = req.Action
	}
	h.finish(ctx, w, r, label, req, err, http.MethodPost)
	h.metrics.observe(start)
}

// serveNotify acknowledges on_hls_notify, a GET to an operator-templated URL
// (e.g. .../on_hls_notify/[app]/[stream]/[ts_url][param]). It carries
// nothing on_hls did not, so only the caller, the secret and the method are
// checked; the URL is not logged because [param] may hold a publisher's
// secret. A body, which SRS never sends, is not read.
func (h *Handler) serveNotify(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	ctx := srslog.NewContext(r.Context())
	st := h.state.Load()
	err := checkCaller(st, r)
	if err == nil {
		err = st.checkSecret(r.URL.RawQuery)
	}
	if err == nil && r.Method != http.MethodGet {
		err = fmt.Errorf("%w: on_hls_notify needs GET, not %s", ErrMethodNotAllowed, quote(r.Method))
	}
	h.finish(ctx, w, r, actionHLSNotify, nil, err, http.MethodGet)
	h.metrics.observe(start)
}

// accept runs the checks in order (caller, secret, method, content type,
// body size, decode and validate, publish auth) and hands an accepted hook
// to the Sink. It returns the decoded request whenever decoding succeeded.
func (h *Handler) accept(ctx context.Context, w http.ResponseWriter, r *http.Request, st *state, pathAction string) (*Request, error) {
	if err := checkCaller(st, r); err != nil {
		return nil, err
	}
	if err := st.checkSecret(r.URL.RawQuery); err != nil {
		return nil, err
	}
	if pathAction != "" && actionIndex(pathAction) == unknownActionIndex {
		return nil, fmt.Errorf("%w: %s in URL path", ErrUnknownAction, quote(pathAction))
	}
	if r.Method != http.MethodPost {
		return nil, fmt.Errorf("%w: hooks need POST, not %s", ErrMethodNotAllowed, quote(r.Method))
	}
	if err := checkContentType(r.Header.Get("Content-Type")); err != nil {
		return nil, err
	}
	body, err := readBody(w, r, st.cfg.MaxBodyBytes)
	if err != nil {
		return nil, err
	}
	// Decode's two steps, so that a body refused by validation still names
	// its action in the metrics.
	req, seen, err := decodeObject(body)
	if err != nil {
		return nil, err
	}
	if err := validate(req, seen); err != nil {
		return req, err
	}
	if pathAction != "" && req.Action != pathAction {
		return req, fmt.Errorf("%w: body action %s does not match URL action %s", ErrInvalidField, quote(req.Action), quote(pathAction))
	}
	sinkCtx := context.WithoutCancel(ctx)
	switch req.Action {
	case actionPublish:
		if err := st.checkPublish(req.Param); err != nil {
			return req, err
		}
		h.sink.Publish(sinkCtx, publishEvent(req))
	case actionUnpublish:
		h.sink.Unpublish(sinkCtx, publishEvent(req))
	case actionHLS:
		ev, err := hlsEvent(req)
		if err != nil {
			return req, err
		}
		h.sink.HLS(sinkCtx, ev)
	}
	return req, nil
}

func checkCaller(st *state, r *http.Request) error {
	ip, ok := callerIP(r.RemoteAddr)
	if !ok {
		return fmt.Errorf("%w: remote address %s is not an IP", ErrCallerNotAllowed, quote(r.RemoteAddr))
	}
	if !st.allowed(ip) {
		return fmt.Errorf("%w: %s", ErrCallerNotAllowed, ip)
	}
	return nil
}

// checkContentType accepts application/json with any parameters (charset).
func checkContentType(v string) error {
	mt, _, err := mime.ParseMediaType(v)
	if err != nil || mt != "application/json" {
		return fmt.Errorf("%w: %s, want application/json", ErrUnsupportedContentType, quote(v))
	}
	return nil
}

// readBody reads at most limit bytes, refusing a declared larger body
// before reading any of it.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	if r.ContentLength > limit {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrTooLarge, r.ContentLength, limit)
	}
	var buf bytes.Buffer
	if r.ContentLength > 0 {
		buf.Grow(int(r.ContentLength))
	}
	_, err := buf.ReadFrom(http.MaxBytesReader(w, r.Body, limit))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, fmt.Errorf("%w: more than %d bytes", ErrTooLarge, limit)
	case err != nil:
		return nil, fmt.Errorf("%w: reading body: %v", ErrMalformed, err)
	}
	return buf.Bytes(), nil
}

func publishEvent(r *Request) Publish {
	return Publish{
		Vhost: r.Vhost, App: r.App, Stream: r.Stream,
		StreamID: r.StreamID, ClientID: r.ClientID, ServerID: r.ServerID,
		Param: redactParam(r.Param),
	}
}

func hlsEvent(r *Request) (HLS, error) {
	segment, playlist, err := hlsPaths(r)
	if err != nil {
		return HLS{}, err
	}
	return HLS{
		Vhost: r.Vhost, App: r.App, Stream: r.Stream,
		StreamID: r.StreamID, ClientID: r.ClientID,
		Segment: segment, Playlist: playlist,
		SeqNo: r.SeqNo, Duration: r.Duration,
	}, nil
}

// finish replies, counts and logs. Failures are WARN lines with the
// action, caller and reason; reasons never contain a secret or a whole body.
func (h *Handler) finish(ctx context.Context, w http.ResponseWriter, r *http.Request, action string, req *Request, err error, allow string) {
	a := actionIndex(action)
	label := unknownAction
	if a != unknownActionIndex {
		label = actions[a]
	}
	caller := quote(r.RemoteAddr)
	if ip, ok := callerIP(r.RemoteAddr); ok {
		caller = ip.String()
	}
	if err != nil {
		i, f := failureOf(err)
		if f.code == CodeMethodNotAllowed {
			w.Header().Set("Allow", allow)
		}
		writeFailure(w, f, err.Error())
		h.metrics.failed(a, i)
		h.log.WarnContext(ctx, "hooks: refused", "action", label, "caller", caller,
			"code", f.code, "reason", err.Error())
		return
	}
	writeOK(w)
	h.metrics.ok(a)
	h.logAccepted(ctx, label, caller, req)
}

func (h *Handler) logAccepted(ctx context.Context, action, caller string, req *Request) {
	switch {
	case req == nil: // on_hls_notify
		h.log.DebugContext(ctx, "hooks: accepted", "action", action, "caller", caller)
	case action == actionPublish || action == actionUnpublish:
		h.log.InfoContext(ctx, "hooks: "+action, "caller", caller, "vhost", req.Vhost,
			"app", req.App, "stream", req.Stream, "epoch", Epoch(req),
			"client_id", req.ClientID, "param", redactParam(req.Param))
	case action == actionHLS:
		h.log.DebugContext(ctx, "hooks: on_hls", "caller", caller, "app", req.App,
			"stream", req.Stream, "epoch", Epoch(req), "seq_no", req.SeqNo, "url", req.URL)
	default:
		h.log.DebugContext(ctx, "hooks: accepted", "action", action, "caller", caller,
			"client_id", req.ClientID)
	}
}
