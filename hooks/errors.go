package hooks

import (
	"errors"
	"net/http"
)

// Every failure reply carries one of these codes in `{"code":N,"data":"reason"}`.
// SRS only logs a failed hook (and refuses the client for on_publish/on_play),
// so the code tells the operator reading SRS's log which check failed:
//
//	code  status  metric result             meaning
//	4001  400     malformed                 body is not exactly one JSON object, or could not be read
//	4002  413     too_large                 body larger than Config.MaxBodyBytes
//	4003  400     unknown_action            action (in body or URL path) is not an SRS hook action
//	4004  400     invalid_field             a known field has the wrong type, is missing, out of range,
//	                                        or the body action differs from the URL path action
//	4005  405     method_not_allowed        not POST (not GET for on_hls_notify)
//	4006  415     unsupported_content_type  Content-Type is not application/json
//	4011  403     caller_not_allowed        caller IP not in Config.Allow
//	4012  403     bad_secret                ?secret= on the hook URL missing or wrong
//	4013  403     publish_not_authorized    on_publish param lacks the right secret=
//	4014  400     path_outside              url/m3u8_url not a clean relative path inside the HLS dir
const (
	CodeMalformed              = 4001
	CodeTooLarge               = 4002
	CodeUnknownAction          = 4003
	CodeInvalidField           = 4004
	CodeMethodNotAllowed       = 4005
	CodeUnsupportedContentType = 4006
	CodeCallerNotAllowed       = 4011
	CodeBadSecret              = 4012
	CodePublishNotAuthorized   = 4013
	CodePathOutside            = 4014
)

// Sentinel errors, one per code; errors returned by this package wrap one of
// them (test with errors.Is).
var (
	ErrMalformed              = errors.New("hooks: malformed body")
	ErrTooLarge               = errors.New("hooks: body too large")
	ErrUnknownAction          = errors.New("hooks: unknown action")
	ErrInvalidField           = errors.New("hooks: invalid field")
	ErrMethodNotAllowed       = errors.New("hooks: method not allowed")
	ErrUnsupportedContentType = errors.New("hooks: unsupported content type")
	ErrCallerNotAllowed       = errors.New("hooks: caller not allowed")
	ErrBadSecret              = errors.New("hooks: bad or missing secret")
	ErrPublishNotAuthorized   = errors.New("hooks: publish not authorized")
	ErrPathOutside            = errors.New("hooks: path outside the HLS dir")

	// ErrConfig is wrapped by New and Update when the Config is invalid.
	ErrConfig = errors.New("hooks: invalid config")
)

// failure is one row of the table above.
type failure struct {
	err    error
	code   int
	status int
	result string // the metric's result label
}

// failures is the whole table; its order fixes the metric result indexes.
var failures = [...]failure{
	{ErrMalformed, CodeMalformed, http.StatusBadRequest, "malformed"},
	{ErrTooLarge, CodeTooLarge, http.StatusRequestEntityTooLarge, "too_large"},
	{ErrUnknownAction, CodeUnknownAction, http.StatusBadRequest, "unknown_action"},
	{ErrInvalidField, CodeInvalidField, http.StatusBadRequest, "invalid_field"},
	{ErrMethodNotAllowed, CodeMethodNotAllowed, http.StatusMethodNotAllowed, "method_not_allowed"},
	{ErrUnsupportedContentType, CodeUnsupportedContentType, http.StatusUnsupportedMediaType, "unsupported_content_type"},
	{ErrCallerNotAllowed, CodeCallerNotAllowed, http.StatusForbidden, "caller_not_allowed"},
	{ErrBadSecret, CodeBadSecret, http.StatusForbidden, "bad_secret"},
	{ErrPublishNotAuthorized, CodePublishNotAuthorized, http.StatusForbidden, "publish_not_authorized"},
	{ErrPathOutside, CodePathOutside, http.StatusBadRequest, "path_outside"},
}

// failureOf finds err's row. An error wrapping none of the sentinels is a
// bug in this package; it is reported as malformed rather than as a 5xx,
// because SRS treats every failure the same and 4001 is the least surprising.
func failureOf(err error) (int, failure) {
	for i, f := range failures {
		if errors.Is(err, f.err) {
			return i, f
		}
	}
	return 0, failures[0]
}
