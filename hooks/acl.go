package hooks

import (
	"crypto/sha256"
	"crypto/subtle"
	"fmt"
	"net/netip"
	"net/url"
	"strings"
)

// Config is the handler's configuration. Everything but HLSDir can be
// changed live with Handler.Update.
type Config struct {
	// HLSDir is SRS's hls_path as this process sees it. Only logged: on_hls
	// paths are mapped lexically (RelPath) and opened by the consumer.
	HLSDir string

	// Allow lists the callers (SRS servers) allowed to call, matched
	// against the connection's remote IP (an IPv4-mapped IPv6 address is
	// unmapped first, a zone dropped). Required: at least one prefix, e.g.
	// 127.0.0.1/32 and ::1/128; 0.0.0.0/0 and ::/0 allow everyone.
	// X-Forwarded-For is not trusted: do not put a RealIP middleware in front.
	Allow []netip.Prefix

	// Secret, when set, must be the value of ?secret= on every hook URL
	// (write it into SRS's http_hooks URLs). Compared in constant time.
	Secret string

	// PublishSecret, when set, must be the value of secret= in on_publish's
	// param, i.e. the publisher's URL (rtmp://host/live/s?secret=...).
	// Compared in constant time; redacted from Publish.Param and logs.
	PublishSecret string

	// MaxBodyBytes bounds a hook body; 0 means DefaultMaxBodyBytes. SRS's
	// bodies are about 520 bytes.
	MaxBodyBytes int64
}

// Body size limits.
const (
	DefaultMaxBodyBytes = 64 << 10
	MinMaxBodyBytes     = 1 << 10
	MaxMaxBodyBytes     = 16 << 20
	maxSecretLen        = 256
)

// state is one validated Config, swapped atomically by Update.
type state struct {
	cfg           Config
	secretSum     [sha256.Size]byte
	publishSum    [sha256.Size]byte
	allowReported string // for logs: the prefixes, never a secret
}

func newState(cfg Config) (*state, error) {
	if len(cfg.Allow) == 0 {
		return nil, fmt.Errorf("%w: 'allow' needs at least one prefix (0.0.0.0/0 and ::/0 allow everyone)", ErrConfig)
	}
	allow := make([]netip.Prefix, len(cfg.Allow))
	names := make([]string, len(cfg.Allow))
	for i, p := range cfg.Allow {
		switch {
		case !p.IsValid():
			return nil, fmt.Errorf("%w: 'allow' entry %d is not a valid prefix", ErrConfig, i)
		case p.Addr().Is4In6():
			return nil, fmt.Errorf("%w: 'allow' entry %s is IPv4-mapped IPv6: write the IPv4 prefix", ErrConfig, p)
		case p.Addr().Zone() != "":
			return nil, fmt.Errorf("%w: 'allow' entry %s has a zone", ErrConfig, p)
		}
		allow[i] = p.Masked()
		names[i] = allow[i].String()
	}
	cfg.Allow = allow
	for _, s := range [...]struct{ key, v string }{{"secret", cfg.Secret}, {"publish_secret", cfg.PublishSecret}} {
		if len(s.v) > maxSecretLen || hasControl(s.v) || strings.ContainsAny(s.v, " \t") {
			return nil, fmt.Errorf("%w: '%s' must be at most %d bytes without spaces or control characters", ErrConfig, s.key, maxSecretLen)
		}
	}
	switch {
	case cfg.MaxBodyBytes == 0:
		cfg.MaxBodyBytes = DefaultMaxBodyBytes
	case cfg.MaxBodyBytes < MinMaxBodyBytes || cfg.MaxBodyBytes > MaxMaxBodyBytes:
		return nil, fmt.Errorf("%w: 'max_body_bytes' must be 0 (default %d) or %d..%d, not %d",
			ErrConfig, DefaultMaxBodyBytes, MinMaxBodyBytes, MaxMaxBodyBytes, cfg.MaxBodyBytes)
	}
	return &state{
		cfg:           cfg,
		secretSum:     sha256.Sum256([]byte(cfg.Secret)),
		publishSum:    sha256.Sum256([]byte(cfg.PublishSecret)),
		allowReported: strings.Join(names, ","),
	}, nil
}

// callerIP parses the connection's remote address; ok is false when it is
// not an IP:port (e.g. a unix socket), which is never allowed.
func callerIP(remoteAddr string) (netip.Addr, bool) {
	ap, err := netip.ParseAddrPort(remoteAddr)
	if err != nil {
		return netip.Addr{}, false
	}
	return ap.Addr().Unmap().WithZone(""), true
}

func (s *state) allowed(ip netip.Addr) bool {
	for _, p := range s.cfg.Allow {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// checkSecret enforces Config.Secret on the hook URL's raw query.
func (s *state) checkSecret(rawQuery string) error {
	if s.cfg.Secret == "" {
		return nil
	}
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return fmt.Errorf("%w: hook URL query is malformed", ErrBadSecret)
	}
	if err := oneSecret(q, s.secretSum); err != "" {
		return fmt.Errorf("%w: hook URL %s", ErrBadSecret, err)
	}
	return nil
}

// checkPublish enforces Config.PublishSecret on on_publish's param, a query
// with or without its leading '?'.
func (s *state) checkPublish(param string) error {
	if s.cfg.PublishSecret == "" {
		return nil
	}
	q, err := url.ParseQuery(strings.TrimPrefix(param, "?"))
	if err != nil {
		return fmt.Errorf("%w: param is not a valid query", ErrPublishNotAuthorized)
	}
	if err := oneSecret(q, s.publishSum); err != "" {
		return fmt.Errorf("%w: param %s", ErrPublishNotAuthorized, err)
	}
	return nil
}

// oneSecret returns "" when q has exactly one secret and it matches want.
// Comparing SHA-256 sums keeps the time independent of the secret's length.
func oneSecret(q url.Values, want [sha256.Size]byte) string {
	v := q["secret"]
	switch {
	case len(v) == 0:
		return "has no secret"
	case len(v) > 1:
		return "has more than one secret"
	}
	got := sha256.Sum256([]byte(v[0]))
	if subtle.ConstantTimeCompare(got[:], want[:]) != 1 {
		return "has a wrong secret"
	}
	return ""
}
