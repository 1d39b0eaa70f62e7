package pingback

import (
	"errors"
	"net/http"
)

// Codes in the "code" field of a rejected request (see the package doc for
// their HTTP status and meaning); srs_p2p_pingback_rejected_requests_total
// counts them by the reason in rejections.
const (
	CodeTooLarge    = 4101
	CodeBadRequest  = 4102
	CodeNotLive     = 4103
	CodeRateLimited = 4104
	CodeToken       = 4105
	CodeStreamFull  = 4106
	CodeContentType = 4107
)

// Sentinel errors, one per code; errors of this package wrap one of them.
var (
	ErrTooLarge    = errors.New("pingback: body too large")
	ErrBadRequest  = errors.New("pingback: bad request")
	ErrNotLive     = errors.New("pingback: stream not live")
	ErrRateLimited = errors.New("pingback: rate limited")
	ErrToken       = errors.New("pingback: token")
	ErrStreamFull  = errors.New("pingback: stream full")
	ErrContentType = errors.New("pingback: unsupported content type")
)

// rejection is how one sentinel error is answered and counted.
type rejection struct {
	err    error
	status int
	code   int
	reason string // srs_p2p_pingback_rejected_requests_total{reason}
}

var rejections = []rejection{
	{ErrTooLarge, http.StatusRequestEntityTooLarge, CodeTooLarge, "too_large"},
	{ErrBadRequest, http.StatusBadRequest, CodeBadRequest, "bad_request"},
	{ErrNotLive, http.StatusNotFound, CodeNotLive, "not_live"},
	{ErrRateLimited, http.StatusTooManyRequests, CodeRateLimited, "rate_limited"},
	{ErrToken, http.StatusForbidden, CodeToken, "token"},
	{ErrStreamFull, http.StatusServiceUnavailable, CodeStreamFull, "stream_full"},
	{ErrContentType, http.StatusUnsupportedMediaType, CodeContentType, "content_type"},
}

// rejectionFor finds how err is answered; unknown errors are bad requests.
func rejectionFor(err error) rejection {
	for _, r := range rejections {
		if errors.Is(err, r.err) {
			return r
		}
	}
	return rejections[1]
}
