package conf

import (
	"errors"
	"fmt"
	"github.com/webp2p/srs-p2p/internal/srslog"
)

// Sentinel errors; every error this package returns wraps one of them.
var (
	// ErrTooBig: the config file exceeds maxFileBytes.
	ErrTooBig = errors.New("config file too big")
	// ErrSyntax: the file is not one JSON object (with comments).
	ErrSyntax = errors.New("config syntax error")
	// ErrUnknownKey: a key in the file, or an SRS_P2P_ variable, matches no
	// key, or a key appears twice.
	ErrUnknownKey = errors.New("unknown config key")
	// ErrWrongType: a value has the wrong JSON type or does not parse.
	ErrWrongType = errors.New("config value of the wrong type")
	// ErrInvalid: a value breaks its key's rule.
	ErrInvalid = errors.New("invalid config value")
)

// keyError is an error about one key. Its message is exactly msg, so the
// text reads `'hls.retain' must be a number`; the sentinel is reachable
// with errors.Is, and LoadEnv uses key to say where the value came from.
type keyError struct {
	key  string
	kind error
	msg  string
}

func (e *keyError) Error() string { return e.msg }
func (e *keyError) Unwrap() error { return e.kind }

func newKeyError(key string, kind error, format string, args ...any) error {
	return &keyError{key: key, kind: kind, msg: fmt.Sprintf(format, args...)}
}

// invalid reports a broken rule: `'key' <what>`.
func invalid(key, format string, args ...any) error {
	return newKeyError(key, ErrInvalid, "'"+key+"' "+format, args...)
}

// maxQuoted bounds how much of an outside value an error message repeats.
const maxQuoted = 80

// quote returns s quoted for an error message, cut to maxQuoted bytes so a
// huge value cannot flood a log line.
func quote(s string) string { return srslog.Quote(s, maxQuoted) }
