package conf

import (
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Limits of the rules; each is the bound named in the key's documentation.
const (
	minReconcile     = time.Second
	maxReconcile     = time.Hour
	maxHashWorkers   = 256
	maxBuildWorkers  = 1024
	maxMaxStreams    = 1_000_000
	minPlaylistBytes = 1024
	maxPlaylistBytes = 64 << 20
	minSegmentBytes  = 1024
	maxRetain        = 1024
	minBodyBytes     = 1024
	maxBodyBytes     = 1 << 20

	// Bounds this package adds so no value is unbounded. The public URL
	// lists go into every manifest, hence the small count.
	maxAllowItems  = 1024
	maxPublicURLs  = 16
	maxURLBytes    = 2048
	maxSecretBytes = 256
	maxDirBytes    = 4096
	maxOriginBytes = 253 // a DNS name, since the host name is the default
	maxListenBytes = 300
)

// Validate checks every key against its rule and returns the first broken
// one as an error naming the key, e.g. `'hls.retain' must be between 0 and
// 1024 (got 2000)`. Keys are checked in schema order.
func (c *Config) Validate() error {
	for _, check := range []func(*Config) error{validateTop, validateLog, validateHLS, validateHooks, validateP2P, validateSTUN, validateTracker, validatePingback, validatePlayer} {
		if err := check(c); err != nil {
			return err
		}
	}
	return nil
}

func validateTop(c *Config) error {
	if err := checkListen("listen", c.Listen); err != nil {
		return err
	}
	if c.OriginID != "" {
		if err := checkOriginID(c.OriginID); err != nil {
			return invalid("origin_id", "%v (got %s)", err, quote(c.OriginID))
		}
	}
	return nil
}

func validateLog(c *Config) error {
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
		return nil
	}
	return invalid("log.level", "must be one of debug, info, warn, error (got %s)", quote(c.Log.Level))
}

func validateHLS(c *Config) error {
	h := &c.HLS
	switch {
	case h.Dir == "":
		return invalid("hls.dir", "must not be empty")
	case len(h.Dir) > maxDirBytes:
		return invalid("hls.dir", "must be at most %d bytes (len %d)", maxDirBytes, len(h.Dir))
	case hasNUL(h.Dir):
		return invalid("hls.dir", "must not contain a NUL byte")
	}
	if d := time.Duration(h.ReconcileInterval); d < minReconcile || d > maxReconcile {
		return invalid("hls.reconcile_interval", "must be between 1s and 1h (got %s)", d)
	}
	if err := between("hls.hash_workers", h.HashWorkers, 0, maxHashWorkers); err != nil {
		return err
	}
	if err := between("hls.build_workers", h.BuildWorkers, 0, maxBuildWorkers); err != nil {
		return err
	}
	if err := between("hls.max_streams", h.MaxStreams, 1, maxMaxStreams); err != nil {
		return err
	}
	if err := between("hls.max_playlist_bytes", h.MaxPlaylistBytes, minPlaylistBytes, maxPlaylistBytes); err != nil {
		return err
	}
	if h.MaxSegmentBytes < minSegmentBytes {
		return invalid("hls.max_segment_bytes", "must be at least %d (got %d)", minSegmentBytes, h.MaxSegmentBytes)
	}
	return between("hls.retain", h.Retain, 0, maxRetain)
}

func validateHooks(c *Config) error {
	h := &c.Hooks
	if len(h.Allow) > maxAllowItems {
		return invalid("hooks.allow", "must have at most %d items (got %d)", maxAllowItems, len(h.Allow))
	}
	for i, s := range h.Allow {
		if _, err := parseAllow(s); err != nil {
			return invalidItem("hooks.allow", i, "must be a CIDR like \"10.0.0.0/8\" or an IP address (got %s)", quote(s))
		}
	}
	if h.Enabled && len(h.Allow) == 0 {
		return invalid("hooks.allow", "must not be empty while 'hooks.enabled' is true: no caller could reach the hooks")
	}
	if err := checkSecret("hooks.secret", h.Secret); err != nil {
		return err
	}
	if err := checkSecret("hooks.publish_secret", h.PublishSecret); err != nil {
		return err
	}
	return between("hooks.max_body_bytes", h.MaxBodyBytes, minBodyBytes, maxBodyBytes)
}

func validateP2P(c *Config) error {
	p := &c.P2P
	if len(p.Trackers) > maxPublicURLs {
		return invalid("p2p.trackers", "must have at most %d items (got %d)", maxPublicURLs, len(p.Trackers))
	}
	for i, s := range p.Trackers {
		if err := checkPublicURL(s, "ws", "wss"); err != nil {
			return invalidItem("p2p.trackers", i, "%v (got %s)", err, quote(s))
		}
	}
	if len(p.STUN) > maxPublicURLs {
		return invalid("p2p.stun", "must have at most %d items (got %d)", maxPublicURLs, len(p.STUN))
	}
	for i, s := range p.STUN {
		if err := checkSTUNURL(s); err != nil {
			return invalidItem("p2p.stun", i, "%v (got %s)", err, quote(s))
		}
	}
	if p.Pingback != "" {
		if err := checkPublicURL(p.Pingback, "http", "https"); err != nil {
			return invalid("p2p.pingback", "%v (got %s)", err, quote(p.Pingback))
		}
	}
	return nil
}

func validateSTUN(c *Config) error {
	if err := checkListen("stun.listen", c.STUN.Listen); err != nil {
		return err
	}
	if err := checkListen("stun.alt_listen", c.STUN.AltListen); err != nil {
		return err
	}
	// The mapping check needs two distinct ports; port 0 picks a fresh one each.
	if c.STUN.AltListen == c.STUN.Listen && portOf(c.STUN.Listen) != 0 {
		return invalid("stun.alt_listen", "must differ from 'stun.listen' (both %s)", quote(c.STUN.Listen))
	}
	if err := between("stun.sockets", c.STUN.Sockets, 0, 64); err != nil {
		return err
	}
	if err := between("stun.rate", c.STUN.Rate, 1, 1_000_000); err != nil {
		return err
	}
	if err := between("stun.burst", c.STUN.Burst, 1, 1_000_000); err != nil {
		return err
	}
	if len(c.STUN.Software) > 127 {
		return invalid("stun.software", "must be at most 127 characters (len %d)", len(c.STUN.Software))
	}
	for _, r := range c.STUN.Software {
		if r < ' ' || r > '~' {
			return invalid("stun.software", "must be printable ASCII")
		}
	}
	return nil
}

// between checks lo <= v <= hi.
func between[T int | int64](key string, v, lo, hi T) error {
	if v < lo || v > hi {
		return invalid(key, "must be between %d and %d (got %d)", lo, hi, v)
	}
	return nil
}

// invalidItem names the item of a list: `'p2p.trackers[1]' must ...`.
func invalidItem(key string, i int, format string, args ...any) error {
	return newKeyError(key, ErrInvalid, "'"+key+"["+strconv.Itoa(i)+"]' "+format, args...)
}

// checkSecret bounds a secret and refuses whitespace and control bytes: a
// trailing newline from `$(cat file)` would otherwise make every hook fail
// with a secret that looks right. The value is never printed.
func checkSecret(key, s string) error {
	if len(s) > maxSecretBytes {
		return invalid(key, "must be at most %d bytes (len %d)", maxSecretBytes, len(s))
	}
	if !utf8.ValidString(s) || hasSpaceOrControl(s) {
		return invalid(key, "must be UTF-8 without spaces or control characters (len %d)", len(s))
	}
	return nil
}

func hasNUL(s string) bool {
	for i := range len(s) {
		if s[i] == 0 {
			return true
		}
	}
	return false
}

func hasSpaceOrControl(s string) bool {
	for i := range len(s) {
		if s[i] <= ' ' || s[i] == 0x7f {
			return true
		}
	}
	return false
}

func validateTracker(c *Config) error {
	t := c.Tracker
	if d := time.Duration(t.Interval); d < 10*time.Second || d > 10*time.Minute {
		return invalid("tracker.interval", "must be between 10s and 10m (got %s)", d)
	}
	if len(t.AllowedOrigins) > maxPublicURLs {
		return invalid("tracker.allowed_origins", "must have at most %d items (got %d)", maxPublicURLs, len(t.AllowedOrigins))
	}
	for i, o := range t.AllowedOrigins {
		if err := checkOrigin(o); err != "" {
			return invalidItem("tracker.allowed_origins", i, "%s (got %s)", err, quote(o))
		}
	}
	if len(t.TokenSecret) > 256 || strings.ContainsFunc(t.TokenSecret, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return invalid("tracker.token_secret", "must be at most 256 bytes without spaces or control characters")
	}
	if err := between("tracker.max_conns", t.MaxConns, 1, 1_000_000); err != nil {
		return err
	}
	return between("tracker.max_peers_per_swarm", t.MaxPeersPerSwarm, 2, 1_000_000)
}

// checkOrigin accepts what browsers send in Origin: scheme://host[:port].
func checkOrigin(s string) string {
	u, err := url.Parse(s)
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return "must be an origin like https://player.example.com"
	case u.Path != "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil:
		return "must be only scheme://host[:port]"
	}
	return ""
}

func validatePingback(c *Config) error {
	p := c.Pingback
	if d := time.Duration(p.Interval); d < 2*time.Second || d > 2*time.Minute {
		return invalid("pingback.interval", "must be between 2s and 2m (got %s)", d)
	}
	if d := time.Duration(p.BadPeerCooldown); d < 10*time.Second || d > 24*time.Hour {
		return invalid("pingback.bad_peer_cooldown", "must be between 10s and 24h (got %s)", d)
	}
	for _, b := range []struct {
		key          string
		v, low, high int
	}{
		{"pingback.rate", p.Rate, 1, 1_000_000},
		{"pingback.burst", p.Burst, 16, 1_000_000}, // a full request holds 16 reports
		{"pingback.max_viewers", p.MaxViewers, 1, 10_000_000},
		{"pingback.bad_peer_reporters", p.BadPeerReporters, 1, 64},
	} {
		if err := between(b.key, b.v, b.low, b.high); err != nil {
			return err
		}
	}
	return nil
}

// validatePlayer accepts a path prefix ("/hls/") or an http(s) URL ending in
// "/": the page appends app/stream.m3u8 to it.
func validatePlayer(c *Config) error {
	base := c.Player.PlaylistBase
	if base == "" {
		return nil
	}
	if len(base) > 1024 || !strings.HasSuffix(base, "/") || hasSpaceOrControl(base) {
		return invalid("player.playlist_base", "must end with / and be at most 1024 bytes (got %s)", quote(base))
	}
	if strings.HasPrefix(base, "/") && !strings.HasPrefix(base, "//") {
		return nil
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil || u.RawQuery != "" || u.Fragment != "" {
		return invalid("player.playlist_base", "must be a path like /hls/ or a URL like https://cdn.example.com/ (got %s)", quote(base))
	}
	return nil
}
