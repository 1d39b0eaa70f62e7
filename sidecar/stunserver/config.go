package stunserver

import (
	"fmt"
	"log/slog"
	"math"
	"net"
	"net/netip"
	"runtime"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/webp2p/srs-p2p/internal/srslog"
)

// Config is the STUN service's configuration. The zero value of every field
// means its default.
type Config struct {
	// Listen is the main STUN address, served on UDP and on TCP (RFC 8489
	// requires both). An empty host listens on every IPv4 and IPv6 address.
	// Port 0 picks a free port, the same for UDP and TCP. Default ":3478".
	Listen string

	// AltListen is the second UDP address, answered exactly like Listen,
	// for the NAT mapping check (see the package doc). Default ":3479".
	AltListen string

	// Sockets is how many UDP sockets share each UDP port through
	// SO_REUSEPORT, each with its own read loop; the kernel spreads
	// clients over them. Default GOMAXPROCS, at most 64.
	Sockets int

	// Rate is how many replies per second one source may get: an IPv4
	// address, or an IPv6 /64 (one subscriber's prefix). It bounds what a
	// spoofed source can make us send to a victim. Default 50.
	Rate float64

	// Burst is how many replies a source may get at once before Rate
	// applies. Default 100.
	Burst int

	// MaxSources bounds the rate limiter's memory: how many sources it
	// remembers (about 40 bytes each). When full, the source seen least
	// recently in the same slot group is forgotten. Default 65536.
	MaxSources int

	// Software is the SOFTWARE attribute added to responses, when the
	// 1.6x amplification bound leaves room for it. Default "" (none):
	// every byte of it is a byte a reflector would gain.
	Software string

	// MaxTCPConns bounds concurrent TCP connections; more are closed at
	// once. Default 1024.
	MaxTCPConns int

	// TCPIdleTimeout closes a TCP connection that sent no complete request
	// for this long. Default 30s.
	TCPIdleTimeout time.Duration

	// Logger gets the startup line and socket errors, never a line per
	// packet (that would let anyone flood the log). Default: discard.
	Logger *slog.Logger
}

// Defaults, as documented on Config.
const (
	DefaultListen         = ":3478"
	DefaultAltListen      = ":3479"
	DefaultRate           = 50
	DefaultBurst          = 100
	DefaultMaxSources     = 65536
	DefaultMaxTCPConns    = 1024
	DefaultTCPIdleTimeout = 30 * time.Second

	maxSockets        = 64
	maxRate           = 1e9
	maxBurst          = 1e9
	minMaxSources     = sourceWays
	maxMaxSources     = 1 << 24
	maxMaxTCPConns    = 1_000_000
	maxSoftwareChars  = 127 // RFC 8489 §14.14: fewer than 128 characters
	minTCPIdleTimeout = time.Second
	maxTCPIdleTimeout = time.Hour
)

// withDefaults returns c with every zero field set to its default.
func (c Config) withDefaults() Config {
	if c.Listen == "" {
		c.Listen = DefaultListen
	}
	if c.AltListen == "" {
		c.AltListen = DefaultAltListen
	}
	if c.Sockets == 0 {
		c.Sockets = min(max(runtime.GOMAXPROCS(0), 1), maxSockets)
	}
	if c.Rate == 0 {
		c.Rate = DefaultRate
	}
	if c.Burst == 0 {
		c.Burst = DefaultBurst
	}
	if c.MaxSources == 0 {
		c.MaxSources = DefaultMaxSources
	}
	if c.MaxTCPConns == 0 {
		c.MaxTCPConns = DefaultMaxTCPConns
	}
	if c.TCPIdleTimeout == 0 {
		c.TCPIdleTimeout = DefaultTCPIdleTimeout
	}
	if c.Logger == nil {
		c.Logger = srslog.Discard()
	}
	return c
}

// validate checks a Config that already has its defaults.
func (c Config) validate() error {
	main, err := parseListen(c.Listen)
	if err != nil {
		return fmt.Errorf("%w: %q: %v", ErrBadListen, c.Listen, err)
	}
	alt, err := parseListen(c.AltListen)
	if err != nil {
		return fmt.Errorf("%w: %q: %v", ErrBadAltListen, c.AltListen, err)
	}
	if overlaps(main, alt) {
		return fmt.Errorf("%w: %q and %q", ErrSamePort, c.Listen, c.AltListen)
	}
	switch {
	case c.Sockets < 1 || c.Sockets > maxSockets:
		return fmt.Errorf("%w: got %d", ErrBadSockets, c.Sockets)
	case math.IsNaN(c.Rate) || c.Rate <= 0 || c.Rate > maxRate:
		return fmt.Errorf("%w: got %v", ErrBadRate, c.Rate)
	case c.Burst < 1 || c.Burst > maxBurst:
		return fmt.Errorf("%w: got %d", ErrBadBurst, c.Burst)
	case c.MaxSources < minMaxSources || c.MaxSources > maxMaxSources:
		return fmt.Errorf("%w: got %d", ErrBadMaxSources, c.MaxSources)
	case !utf8.ValidString(c.Software) || utf8.RuneCountInString(c.Software) > maxSoftwareChars:
		return fmt.Errorf("%w: got %d bytes", ErrBadSoftware, len(c.Software))
	case c.MaxTCPConns < 1 || c.MaxTCPConns > maxMaxTCPConns:
		return fmt.Errorf("%w: got %d", ErrBadMaxTCPConns, c.MaxTCPConns)
	case c.TCPIdleTimeout < minTCPIdleTimeout || c.TCPIdleTimeout > maxTCPIdleTimeout:
		return fmt.Errorf("%w: got %v", ErrBadTCPIdleTimeout, c.TCPIdleTimeout)
	}
	return nil
}

// overlaps reports whether two listen addresses would claim the same
// port: a fixed port on the same or a wildcard host.
func overlaps(a, b netip.AddrPort) bool {
	if a.Port() == 0 || a.Port() != b.Port() {
		return false
	}
	return a.Addr().IsUnspecified() || b.Addr().IsUnspecified() || a.Addr() == b.Addr()
}

// parseListen accepts "host:port" where host is empty (every address) or
// an IP literal. Host names are refused: which addresses they resolve to
// is not something a listener should guess.
func parseListen(s string) (netip.AddrPort, error) {
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		return netip.AddrPort{}, err
	}
	p, err := strconv.ParseUint(port, 10, 16)
	if err != nil || strconv.FormatUint(p, 10) != port {
		return netip.AddrPort{}, fmt.Errorf("port %q is not a number in 0..65535", port)
	}
	if host == "" {
		return netip.AddrPortFrom(netip.IPv6Unspecified(), uint16(p)), nil
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return netip.AddrPort{}, fmt.Errorf("host %q is not an IP address", host)
	}
	return netip.AddrPortFrom(ip, uint16(p)), nil
}
