package tracker

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/webp2p/srs-p2p/internal/srslog"
)

// Config configures a Server. Zero fields take the defaults noted.
type Config struct {
	// Interval is the announce interval sent to clients. Default 60s.
	// Peers that do not announce for 2 x Interval expire.
	Interval time.Duration
	// MaxFrameBytes bounds one incoming WebSocket message. Default 64 KiB
	// (an announce with 10 offers of ~4 KB SDP each fits).
	MaxFrameBytes int64
	// MaxOffers bounds the offers of one announce; more is a failure. Default 10.
	MaxOffers int
	// MaxSwarmsPerConn bounds the swarms one connection may join. Default 16.
	MaxSwarmsPerConn int
	// MaxPeersPerSwarm bounds a swarm; a new peer evicts the peer that
	// announced least recently. Default 5000.
	MaxPeersPerSwarm int
	// MessagesPerSecond is the sustained per-connection frame rate (a token
	// bucket with a burst of 2 x the rate). Default 20.
	MessagesPerSecond float64
	// ReadTimeout is how long a connection that has no peer yet may stay
	// silent (time to its first announce). Default 15s.
	ReadTimeout time.Duration
	// IdleTimeout is how long a connection with peers may stay silent.
	// Default 2 x Interval + 30s.
	IdleTimeout time.Duration
	// WriteTimeout bounds one write to a client whose socket is full; a
	// client that does not take it in time is closed. Default 10s.
	WriteTimeout time.Duration
	// SendQueue is the per-connection outgoing frame queue; frames for a
	// connection whose queue is full are dropped. Default 64.
	SendQueue int
	// MaxConns bounds concurrent connections; more get HTTP 503. Default 20000.
	MaxConns int
	// AllowUnknownSwarms lets peers announce info_hashes of no live stream
	// (an open tracker). Default false.
	AllowUnknownSwarms bool
	// AllowedOrigins lists the accepted Origin headers ("https://example.com");
	// empty accepts any origin, "*" too.
	AllowedOrigins []string
	// TokenSecret, when not empty, requires ?token= (see the package doc).
	TokenSecret []byte
	// Grace is how long the swarms of a stream that left the source live on.
	// Default 30s.
	Grace time.Duration
	// AnswerTTL is how long a relayed offer may be answered. Default 50s
	// (bittorrent-tracker's client drops unanswered offers after 50 s).
	AnswerTTL time.Duration
	// PollInterval is how often the stream source is polled and expired
	// peers are swept. Default 1s.
	PollInterval time.Duration
	// IPv4PrefixBits and IPv6PrefixBits define "same network" when choosing
	// whom to send an offer. Defaults 24 and 48.
	IPv4PrefixBits int
	IPv6PrefixBits int
	// Scorer adds upload evidence and bad-peer flags (the pingback
	// service); nil means none.
	Scorer PeerScorer
	// Logger; nil discards.
	Logger *slog.Logger
}

// PeerScorer is what the tracker asks about a peer when choosing who gets
// an offer. Implementations must be safe for concurrent use and fast: they
// are called with the swarm lock held.
type PeerScorer interface {
	// Bad reports a peer that must not receive offers.
	Bad(infoHash, peerID string) bool
	// UploadScore is > 0 for peers known to upload; higher is better.
	UploadScore(infoHash, peerID string) float64
}

// Named configuration errors.
var (
	ErrConfig       = errors.New("tracker: invalid config")
	errNoStreamSrc  = fmt.Errorf("%w: stream source is nil", ErrConfig)
	maxPrefixBitsV4 = 32
	maxPrefixBitsV6 = 128
)

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
	setDur(&cfg.Interval, 60*time.Second)
	if cfg.MaxFrameBytes == 0 {
		cfg.MaxFrameBytes = 64 << 10
	}
	setInt(&cfg.MaxOffers, 10)
	setInt(&cfg.MaxSwarmsPerConn, 16)
	setInt(&cfg.MaxPeersPerSwarm, 5000)
	if cfg.MessagesPerSecond == 0 {
		cfg.MessagesPerSecond = 20
	}
	setDur(&cfg.ReadTimeout, 15*time.Second)
	setDur(&cfg.IdleTimeout, 2*cfg.Interval+30*time.Second)
	setDur(&cfg.WriteTimeout, 10*time.Second)
	setInt(&cfg.SendQueue, 64)
	setInt(&cfg.MaxConns, 20000)
	setDur(&cfg.Grace, 30*time.Second)
	setDur(&cfg.AnswerTTL, 50*time.Second)
	setDur(&cfg.PollInterval, time.Second)
	setInt(&cfg.IPv4PrefixBits, 24)
	setInt(&cfg.IPv6PrefixBits, 48)
	if cfg.Logger == nil {
		cfg.Logger = srslog.Discard()
	}
	checks := []struct {
		bad  bool
		name string
	}{
		{cfg.Interval < time.Second, "'interval' must be at least 1s"},
		{cfg.MaxFrameBytes < 1024, "'maxFrameBytes' must be at least 1024"},
		{cfg.MaxOffers < 1 || cfg.MaxOffers > 10, "'maxOffers' must be 1..10"},
		{cfg.MaxSwarmsPerConn < 1, "'maxSwarmsPerConn' must be greater than zero"},
		{cfg.MaxPeersPerSwarm < 2, "'maxPeersPerSwarm' must be at least 2"},
		{cfg.MessagesPerSecond < 0, "'messagesPerSecond' must be greater than zero"},
		{cfg.ReadTimeout < 0, "'readTimeout' must be greater than zero"},
		{cfg.IdleTimeout < cfg.Interval, "'idleTimeout' must be at least 'interval'"},
		{cfg.WriteTimeout < 0, "'writeTimeout' must be greater than zero"},
		{cfg.SendQueue < 1, "'sendQueue' must be greater than zero"},
		{cfg.MaxConns < 1, "'maxConns' must be greater than zero"},
		{cfg.Grace < 0, "'grace' must not be negative"},
		{cfg.AnswerTTL < 0, "'answerTTL' must be greater than zero"},
		{cfg.PollInterval < 0, "'pollInterval' must be greater than zero"},
		{cfg.IPv4PrefixBits < 1 || cfg.IPv4PrefixBits > maxPrefixBitsV4, "'ipv4PrefixBits' must be 1..32"},
		{cfg.IPv6PrefixBits < 1 || cfg.IPv6PrefixBits > maxPrefixBitsV6, "'ipv6PrefixBits' must be 1..128"},
	}
	for _, c := range checks {
		if c.bad {
			return cfg, fmt.Errorf("%w: %s", ErrConfig, c.name)
		}
	}
	return cfg, nil
}
