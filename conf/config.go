package conf

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"os"
	"runtime"
	"time"
)

// Config is the whole srs-p2p configuration. The json tags are the keys of
// the config file; nested structs are sections ("hls.dir"). A field tagged
// restart:"true" cannot change on a live reload; secret:"true" is never
// printed, only its length.
type Config struct {
	// Listen is the HTTP listen address (hooks, API, manifests, metrics). Default ":8085".
	Listen string `json:"listen" restart:"true"`
	// OriginID names this origin inside swarm ids; "" means the host name. Default "".
	OriginID string `json:"origin_id" restart:"true"`

	Log       LogConfig       `json:"log"`
	HLS       HLSConfig       `json:"hls"`
	Hooks     HooksConfig     `json:"hooks"`
	P2P       P2PConfig       `json:"p2p"`
	STUN      STUNConfig      `json:"stun"`
	Tracker   TrackerConfig   `json:"tracker"`
	Pingback  PingbackConfig  `json:"pingback"`
	Dashboard DashboardConfig `json:"dashboard"`
	Player    PlayerConfig    `json:"player"`
}

// LogConfig is the "log" section.
type LogConfig struct {
	// Level is the minimum level logged: debug, info, warn or error. Default "info".
	Level string `json:"level"`
}

// HLSConfig is the "hls" section: where SRS writes HLS and how it is indexed.
type HLSConfig struct {
	// Dir is SRS's hls_path as this process sees it. Default "./objs/nginx/html".
	Dir string `json:"dir" restart:"true"`
	// Watch enables inotify on Dir; false relies on hooks and reconcile. Default true.
	Watch bool `json:"watch" restart:"true"`
	// ReconcileInterval is the period of the full rescan safety net, 1s..1h. Default 10s.
	ReconcileInterval Duration `json:"reconcile_interval"`
	// HashWorkers is the number of concurrent segment hashers, 0..256; 0 = number of CPUs. Default 0.
	HashWorkers int `json:"hash_workers" restart:"true"`
	// BuildWorkers is the number of concurrent manifest builders, 0..1024; 0 = 4 x CPUs. Default 0.
	BuildWorkers int `json:"build_workers" restart:"true"`
	// MaxStreams is how many streams are tracked at once, 1..1000000. Default 10000.
	MaxStreams int `json:"max_streams" restart:"true"`
	// MaxPlaylistBytes refuses larger playlists, 1024..67108864. Default 1048576.
	MaxPlaylistBytes int `json:"max_playlist_bytes"`
	// MaxSegmentBytes leaves larger segments unhashed, >= 1024. Default 268435456.
	MaxSegmentBytes int64 `json:"max_segment_bytes"`
	// Retain is how many segments stay in the manifest after leaving the
	// playlist while their files exist, 0..1024. Default 16.
	Retain int `json:"retain"`
}

// HooksConfig is the "hooks" section: the SRS HTTP callback endpoints.
type HooksConfig struct {
	// Enabled serves the SRS HTTP hook endpoints. Default true.
	Enabled bool `json:"enabled" restart:"true"`
	// Allow lists the CIDRs (or bare IPs) allowed to call the hooks.
	// Default loopback and the private ranges (see Default).
	Allow []string `json:"allow"`
	// Secret, if set, must be carried by hook URLs as ?secret=<value>. Default "".
	Secret string `json:"secret" secret:"true"`
	// PublishSecret, if set, must be carried by on_publish's param as secret=<value>. Default "".
	PublishSecret string `json:"publish_secret" secret:"true"`
	// MaxBodyBytes bounds a hook request body, 1024..1048576. Default 65536.
	MaxBodyBytes int64 `json:"max_body_bytes"`
}

// P2PConfig is the "p2p" section: public URLs handed to viewers in manifests.
type P2PConfig struct {
	// Trackers are public ws:// or wss:// tracker URLs. Default [].
	Trackers []string `json:"trackers"`
	// STUN are public STUN URLs, "stun:host" or "stun:host:port". Default [].
	STUN []string `json:"stun"`
	// Pingback is the public pingback URL, "" or http(s)://. Default "".
	Pingback string `json:"pingback"`
}

// STUNConfig is the "stun" section: the STUN service (RFC 8489 Binding).
type STUNConfig struct {
	// Enabled runs the STUN service; off when another STUN server (coturn)
	// already owns the ports. Default true.
	Enabled bool `json:"enabled" restart:"true"`
	// Listen is the UDP/TCP listen address of the STUN service. Default ":3478".
	Listen string `json:"listen" restart:"true"`
	// AltListen is the second STUN port for the NAT mapping check. Default ":3479".
	AltListen string `json:"alt_listen" restart:"true"`
	// Sockets is how many UDP sockets share each port (SO_REUSEPORT), 0..64;
	// 0 = one per CPU. Default 0.
	Sockets int `json:"sockets" restart:"true"`
	// Rate is the replies per second one source (IPv4 address or IPv6 /64)
	// may get, 1..1000000. Default 50.
	Rate int `json:"rate" restart:"true"`
	// Burst is how many replies a source may get at once, 1..1000000. Default 100.
	Burst int `json:"burst" restart:"true"`
	// Software is the SOFTWARE attribute of replies, at most 127 printable
	// ASCII characters; "" leaves it out (every byte helps a reflector). Default "".
	Software string `json:"software" restart:"true"`
}

// TrackerConfig is the "tracker" section: the WebTorrent tracker viewers'
// p2p-media-loader announces to, at GET /p2p/v1/tracker on listen.
type TrackerConfig struct {
	// Enabled serves the tracker. Default true.
	Enabled bool `json:"enabled" restart:"true"`
	// Interval is the announce interval given to clients, 10s..10m. Default 60s.
	Interval Duration `json:"interval" restart:"true"`
	// AllowUnknownSwarms lets viewers announce swarms of no live stream
	// (an open tracker). Default false.
	AllowUnknownSwarms bool `json:"allow_unknown_swarms" restart:"true"`
	// AllowedOrigins lists the page origins (https://player.example.com)
	// allowed to connect; [] allows any. Default [].
	AllowedOrigins []string `json:"allowed_origins" restart:"true"`
	// TokenSecret, if set, requires ?token= (HMAC over the swarm id and an
	// expiry, see sidecar/tracker/doc.go) on the tracker URL. Default "".
	TokenSecret string `json:"token_secret" secret:"true" restart:"true"`
	// MaxConns bounds concurrent tracker connections, 1..1000000. Default 20000.
	MaxConns int `json:"max_conns" restart:"true"`
	// MaxPeersPerSwarm bounds one swarm; the least recently active peer is
	// evicted, 2..1000000. Default 5000.
	MaxPeersPerSwarm int `json:"max_peers_per_swarm" restart:"true"`
}

// PingbackConfig is the "pingback" section: viewers' reports at
// POST /p2p/v1/pingback, aggregated per stream for /metrics, the API, the
// dashboard and the tracker's peer choice. Its public URL goes in
// p2p.pingback. When tracker.token_secret is set, reports need the same
// ?token= as the tracker.
type PingbackConfig struct {
	// Enabled serves the pingback endpoint. Default true.
	Enabled bool `json:"enabled" restart:"true"`
	// Interval is the report interval told to viewers, 2s..2m. Default 10s.
	Interval Duration `json:"interval" restart:"true"`
	// Rate is the reports per second one client network (IPv4 /24, IPv6
	// /48) may send, 1..1000000. Viewers behind one NAT share it: 200
	// viewers every 10s send 20/s. Default 20.
	Rate int `json:"rate" restart:"true"`
	// Burst is how many reports a client network may send at once, 16..1000000. Default 200.
	Burst int `json:"burst" restart:"true"`
	// TrustProxy takes the viewer's address from X-Forwarded-For (set it only
	// behind an edge that overwrites the header). Default false.
	TrustProxy bool `json:"trust_proxy" restart:"true"`
	// MaxViewers bounds the sessions tracked per stream, 1..10000000. Default 100000.
	MaxViewers int `json:"max_viewers" restart:"true"`
	// BadPeerReporters is how many distinct viewers must blame a peer for
	// hash failures before the tracker stops offering it, 1..64. Default 2.
	BadPeerReporters int `json:"bad_peer_reporters" restart:"true"`
	// BadPeerCooldown is how long a blamed peer gets no offers, 10s..24h. Default 5m.
	BadPeerCooldown Duration `json:"bad_peer_cooldown" restart:"true"`
}

// DashboardConfig is the "dashboard" section: the live page at GET /.
type DashboardConfig struct {
	// Enabled serves the dashboard at /. Default true.
	Enabled bool `json:"enabled" restart:"true"`
}

// PlayerConfig is the "player" section: the demo and test player page at
// GET /play/{app}/{stream}, built on the web SDK.
type PlayerConfig struct {
	// Enabled serves the player page. Default true.
	Enabled bool `json:"enabled" restart:"true"`
	// PlaylistBase is the public URL prefix the page plays from:
	// PlaylistBase + app/stream.m3u8, e.g. "https://cdn.example.com/".
	// "" means "/hls/": srs-p2p's own files with serve_hls, or a path
	// your edge routes to the HLS files. ?src= on the page overrides it. Default "".
	PlaylistBase string `json:"playlist_base" restart:"true"`
	// ServeHLS serves hls.dir read-only at /hls/ (playlists, segments,
	// manifests), for a demo or a small setup without SRS's http_server or
	// a CDN. Default false.
	ServeHLS bool `json:"serve_hls" restart:"true"`
}

// Default returns the built-in configuration. Every call returns fresh
// slices, so callers may modify the result.
func Default() Config {
	return Config{
		Listen: ":8085",
		Log:    LogConfig{Level: "info"},
		HLS: HLSConfig{
			Dir:               "./objs/nginx/html",
			Watch:             true,
			ReconcileInterval: Duration(10 * time.Second),
			MaxStreams:        10000,
			MaxPlaylistBytes:  1 << 20,
			MaxSegmentBytes:   256 << 20,
			Retain:            16,
		},
		Hooks: HooksConfig{
			Enabled:      true,
			Allow:        []string{"127.0.0.0/8", "::1/128", "10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"},
			MaxBodyBytes: 64 << 10,
		},
		P2P:  P2PConfig{Trackers: []string{}, STUN: []string{}},
		STUN: STUNConfig{Enabled: true, Listen: ":3478", AltListen: ":3479", Rate: 50, Burst: 100},
		Tracker: TrackerConfig{
			Enabled:          true,
			Interval:         Duration(60 * time.Second),
			AllowedOrigins:   []string{},
			MaxConns:         20000,
			MaxPeersPerSwarm: 5000,
		},
		Pingback: PingbackConfig{
			Enabled:          true,
			Interval:         Duration(10 * time.Second),
			Rate:             20,
			Burst:            200,
			MaxViewers:       100000,
			BadPeerReporters: 2,
			BadPeerCooldown:  Duration(5 * time.Minute),
		},
		Dashboard: DashboardConfig{Enabled: true},
		Player:    PlayerConfig{Enabled: true},
	}
}

// HooksAllow returns hooks.allow parsed, bare IPs widened to /32 or /128 and
// prefixes masked. Entries that do not parse are skipped; Validate rejects
// them, so a validated Config loses none. Callers should Unmap an IPv4-mapped
// IPv6 remote address before matching it.
func (c *Config) HooksAllow() []netip.Prefix {
	out := make([]netip.Prefix, 0, len(c.Hooks.Allow))
	for _, s := range c.Hooks.Allow {
		if p, err := parseAllow(s); err == nil {
			out = append(out, p)
		}
	}
	return out
}

// HashWorkerCount resolves hls.hash_workers: 0 means one per CPU.
func (c *Config) HashWorkerCount() int {
	if c.HLS.HashWorkers > 0 {
		return c.HLS.HashWorkers
	}
	return runtime.NumCPU()
}

// BuildWorkerCount resolves hls.build_workers: 0 means 4 per CPU, capped at
// the key's maximum so a huge machine gets what an operator could configure.
func (c *Config) BuildWorkerCount() int {
	if c.HLS.BuildWorkers > 0 {
		return c.HLS.BuildWorkers
	}
	return min(4*runtime.NumCPU(), maxBuildWorkers)
}

// Origin resolves origin_id: the configured value, or the host name when it
// is empty. The host name must pass the same rule as origin_id because it
// ends up inside swarm ids.
func (c *Config) Origin() (string, error) {
	if c.OriginID != "" {
		return c.OriginID, nil
	}
	host, err := os.Hostname()
	if err != nil {
		return "", fmt.Errorf("conf: origin_id is empty and the host name is unknown: %w", err)
	}
	if err := checkOriginID(host); err != nil {
		return "", fmt.Errorf("conf: origin_id is empty and the host name %q cannot be used: set origin_id: %w", host, err)
	}
	return host, nil
}

// SlogLevel maps log.level onto slog; an unknown level is info.
func (l LogConfig) SlogLevel() slog.Level {
	switch l.Level {
	case "debug":
		return slog.LevelDebug
	case "warn":
		return slog.LevelWarn
	case "error":
		return slog.LevelError
	default:
		return slog.LevelInfo
	}
}

// Duration is a time.Duration written in JSON as a Go duration string ("10s").
type Duration time.Duration

// String formats the duration like time.Duration ("10s", "1m30s").
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(d.String()) }

// UnmarshalJSON accepts only a string parsed with time.ParseDuration; a bare
// number is refused because its unit would be a guess.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errors.New(`a duration must be a string like "10s"`)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}
