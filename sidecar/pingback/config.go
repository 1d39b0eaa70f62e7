package pingback

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/webp2p/srs-p2p/internal/srslog"
)

// Config configures a Server. Zero fields take the defaults noted.
type Config struct {
	// ServerID is "server" in every reply, like SRS's server id.
	ServerID string
	// Interval is the report interval the reply tells viewers to use.
	// Default 10s; 1s to 120s.
	Interval time.Duration
	// Grace is how long reports for a stream that left the stream source
	// are still accepted (final beacons come after unpublish); its
	// statistics are freed after it. Default 30s.
	Grace time.Duration
	// Rate is the sustained reports per second one client network (IPv4
	// /24, IPv6 /48) may send; Burst the bucket size, at least MaxReports
	// so a full request can pass. Defaults 5 and 20. Many viewers behind
	// one carrier NAT share a network: raise Rate for such audiences.
	Rate  float64
	Burst int
	// TrustProxy takes the client address from the last X-Forwarded-For
	// entry (the one the proxy in front of srs-p2p added) instead of the
	// connection's address. Enable it only behind such a proxy.
	TrustProxy bool
	// TokenSecret, when not empty, requires ?token= valid for every
	// report's swarm_id (package streamtoken, the tracker's token).
	TokenSecret []byte
	// MaxViewers bounds the sessions tracked per stream (the sessions seen
	// in the last 5 minutes); reports of new sessions beyond it are
	// refused with 4106. Default 100000.
	MaxViewers int
	// BadPeerReporters distinct sessions blaming one peer for hash failures
	// within BadPeerWindow make it Bad for BadPeerCooldown. Defaults 2,
	// 60s, 5m.
	BadPeerReporters int
	BadPeerWindow    time.Duration
	BadPeerCooldown  time.Duration
	// Now is the clock; nil means time.Now. Tests use a fake one.
	Now func() time.Time
	// Logger; nil discards.
	Logger *slog.Logger
}

// ErrConfig is wrapped by every configuration error.
var ErrConfig = errors.New("pingback: invalid config")

var errNoStreamSource = fmt.Errorf("%w: stream source is nil", ErrConfig)

// maxBadPeerReporters bounds BadPeerReporters: it is also how many
// reporters are remembered per blamed peer.
const maxBadPeerReporters = 64

// withDefaults returns cfg with zero fields set to their defaults and
// validates the result.
func (cfg Config) withDefaults() (Config, error) {
	setDur := func(p *time.Duration, d time.Duration) {
		if *p == 0 {
			*p = d
		}
	}
	setInt := func(p *int, d int) {
		if *p == 0 {
			*p = d
		}
	}
	setDur(&cfg.Interval, 10*time.Second)
	setDur(&cfg.Grace, 30*time.Second)
	if cfg.Rate == 0 {
		cfg.Rate = 5
	}
	setInt(&cfg.Burst, 20)
	setInt(&cfg.MaxViewers, 100_000)
	setInt(&cfg.BadPeerReporters, 2)
	setDur(&cfg.BadPeerWindow, 60*time.Second)
	setDur(&cfg.BadPeerCooldown, 5*time.Minute)
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = srslog.Discard()
	}
	cfg.TokenSecret = append([]byte(nil), cfg.TokenSecret...)
	checks := []struct {
		bad bool
		msg string
	}{
		{cfg.Interval < time.Second || cfg.Interval > MaxIntervalMS*time.Millisecond, "'interval' must be 1s to 120s"},
		{cfg.Grace < 0, "'grace' must not be negative"},
		{!(cfg.Rate > 0) || cfg.Rate > 1e9, "'rate' must be greater than zero"},
		{cfg.Burst < MaxReports || cfg.Burst > 1e9, fmt.Sprintf("'burst' must be at least %d (one full request)", MaxReports)},
		{cfg.MaxViewers < 1 || cfg.MaxViewers > 10_000_000, "'maxViewers' must be 1 to 10000000"},
		{cfg.BadPeerReporters < 1 || cfg.BadPeerReporters > maxBadPeerReporters, fmt.Sprintf("'badPeerReporters' must be 1 to %d", maxBadPeerReporters)},
		{cfg.BadPeerWindow < time.Second, "'badPeerWindow' must be at least 1s"},
		{cfg.BadPeerCooldown < time.Second, "'badPeerCooldown' must be at least 1s"},
	}
	for _, c := range checks {
		if c.bad {
			return cfg, fmt.Errorf("%w: %s", ErrConfig, c.msg)
		}
	}
	return cfg, nil
}
