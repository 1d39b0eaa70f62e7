package conf

import (
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestValidateRules(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Config)
		msg    string // "" = valid
	}{
		{"listen ephemeral", func(c *Config) { c.Listen = "127.0.0.1:0" }, ""},
		{"tracker interval", func(c *Config) { c.Tracker.Interval = Duration(time.Second) }, "'tracker.interval' must be between 10s and 10m"},
		{"tracker origin ok", func(c *Config) { c.Tracker.AllowedOrigins = []string{"https://player.example.com:8443"} }, ""},
		{"tracker origin path", func(c *Config) { c.Tracker.AllowedOrigins = []string{"https://a.example/x"} }, "'tracker.allowed_origins[0]' must be only scheme://host"},
		{"tracker origin scheme", func(c *Config) { c.Tracker.AllowedOrigins = []string{"ftp://a.example"} }, "must be an origin like"},
		{"tracker max conns", func(c *Config) { c.Tracker.MaxConns = 0 }, "'tracker.max_conns' must be between 1 and 1000000"},
		{"tracker max peers", func(c *Config) { c.Tracker.MaxPeersPerSwarm = 1 }, "'tracker.max_peers_per_swarm' must be between 2"},
		{"tracker secret space", func(c *Config) { c.Tracker.TokenSecret = "a b" }, "'tracker.token_secret' must be"},
		{"pingback interval", func(c *Config) { c.Pingback.Interval = Duration(time.Second) }, "'pingback.interval' must be between 2s and 2m"},
		{"pingback cooldown", func(c *Config) { c.Pingback.BadPeerCooldown = Duration(25 * time.Hour) }, "'pingback.bad_peer_cooldown' must be between 10s and 24h"},
		{"pingback rate", func(c *Config) { c.Pingback.Rate = 0 }, "'pingback.rate' must be between 1 and 1000000"},
		{"pingback burst", func(c *Config) { c.Pingback.Burst = 0 }, "'pingback.burst' must be between 16"},
		{"pingback max viewers", func(c *Config) { c.Pingback.MaxViewers = 0 }, "'pingback.max_viewers' must be between 1"},
		{"pingback reporters", func(c *Config) { c.Pingback.BadPeerReporters = 65 }, "'pingback.bad_peer_reporters' must be between 1 and 64"},
		{"player base path", func(c *Config) { c.Player.PlaylistBase = "/hls/" }, ""},
		{"player base url", func(c *Config) { c.Player.PlaylistBase = "https://cdn.example.com/live-hls/" }, ""},
		{"player base no slash", func(c *Config) { c.Player.PlaylistBase = "/hls" }, "'player.playlist_base' must end with /"},
		{"player base scheme", func(c *Config) { c.Player.PlaylistBase = "ftp://cdn.example.com/" }, "'player.playlist_base' must be a path like /hls/"},
		{"player base protocol-relative", func(c *Config) { c.Player.PlaylistBase = "//cdn.example.com/" }, "'player.playlist_base' must be a path"},
		{"player base query", func(c *Config) { c.Player.PlaylistBase = "https://cdn.example.com/?a=/" }, "'player.playlist_base' must be a path"},
		{"stun sockets", func(c *Config) { c.STUN.Sockets = 65 }, "'stun.sockets' must be between 0 and 64"},
		{"stun rate zero", func(c *Config) { c.STUN.Rate = 0 }, "'stun.rate' must be between 1 and 1000000"},
		{"stun burst", func(c *Config) { c.STUN.Burst = 0 }, "'stun.burst' must be between 1 and 1000000"},
		{"stun software ok", func(c *Config) { c.STUN.Software = "srs-p2p/1.0" }, ""},
		{"stun software long", func(c *Config) { c.STUN.Software = strings.Repeat("a", 128) }, "'stun.software' must be at most 127"},
		{"stun software control", func(c *Config) { c.STUN.Software = "a\tb" }, "'stun.software' must be printable ASCII"},
		{"listen ipv6", func(c *Config) { c.Listen = "[::1]:8085" }, ""},
		{"listen no port", func(c *Config) { c.Listen = "8085" }, "'listen' must be host:port"},
		{"listen named port", func(c *Config) { c.Listen = ":http" }, "'listen' must have a numeric port 0..65535"},
		{"listen port too big", func(c *Config) { c.Listen = ":65536" }, "'listen' must have a numeric port"},
		{"listen signed port", func(c *Config) { c.Listen = ":+80" }, "'listen' must have a numeric port"},
		{"listen empty", func(c *Config) { c.Listen = "" }, "'listen' must be host:port"},
		{"origin_id ok", func(c *Config) { c.OriginID = "edge-1.example_a" }, ""},
		{"origin_id slash", func(c *Config) { c.OriginID = "a/b" }, "'origin_id' may only hold letters"},
		{"origin_id colon", func(c *Config) { c.OriginID = "a:b" }, "'origin_id' may only hold"},
		{"origin_id long", func(c *Config) { c.OriginID = strings.Repeat("a", 254) }, "'origin_id' must be 1..253 bytes"},
		{"log level debug", func(c *Config) { c.Log.Level = "debug" }, ""},
		{"log level upper", func(c *Config) { c.Log.Level = "INFO" }, "'log.level' must be one of debug, info, warn, error"},
		{"hls dir empty", func(c *Config) { c.HLS.Dir = "" }, "'hls.dir' must not be empty"},
		{"hls dir NUL", func(c *Config) { c.HLS.Dir = "a\x00b" }, "'hls.dir' must not contain a NUL byte"},
		{"hls dir long", func(c *Config) { c.HLS.Dir = strings.Repeat("d", 4097) }, "'hls.dir' must be at most 4096 bytes"},
		{"reconcile 1s", func(c *Config) { c.HLS.ReconcileInterval = Duration(time.Second) }, ""},
		{"reconcile 1h", func(c *Config) { c.HLS.ReconcileInterval = Duration(time.Hour) }, ""},
		{"reconcile too short", func(c *Config) { c.HLS.ReconcileInterval = Duration(999 * time.Millisecond) },
			"'hls.reconcile_interval' must be between 1s and 1h (got 999ms)"},
		{"reconcile too long", func(c *Config) { c.HLS.ReconcileInterval = Duration(time.Hour + 1) },
			"'hls.reconcile_interval' must be between 1s and 1h"},
		{"hash workers 256", func(c *Config) { c.HLS.HashWorkers = 256 }, ""},
		{"hash workers 257", func(c *Config) { c.HLS.HashWorkers = 257 }, "'hls.hash_workers' must be between 0 and 256 (got 257)"},
		{"hash workers negative", func(c *Config) { c.HLS.HashWorkers = -1 }, "'hls.hash_workers' must be between 0 and 256"},
		{"build workers 1025", func(c *Config) { c.HLS.BuildWorkers = 1025 }, "'hls.build_workers' must be between 0 and 1024"},
		{"max streams 0", func(c *Config) { c.HLS.MaxStreams = 0 }, "'hls.max_streams' must be between 1 and 1000000 (got 0)"},
		{"max streams 1e6", func(c *Config) { c.HLS.MaxStreams = 1_000_000 }, ""},
		{"max streams 1e6+1", func(c *Config) { c.HLS.MaxStreams = 1_000_001 }, "'hls.max_streams' must be between 1 and 1000000"},
		{"playlist bytes low", func(c *Config) { c.HLS.MaxPlaylistBytes = 1023 }, "'hls.max_playlist_bytes' must be between 1024 and 67108864"},
		{"playlist bytes high", func(c *Config) { c.HLS.MaxPlaylistBytes = 64<<20 + 1 }, "'hls.max_playlist_bytes' must be between 1024 and 67108864"},
		{"segment bytes low", func(c *Config) { c.HLS.MaxSegmentBytes = 1023 }, "'hls.max_segment_bytes' must be at least 1024 (got 1023)"},
		{"segment bytes huge", func(c *Config) { c.HLS.MaxSegmentBytes = 1 << 40 }, ""},
		{"retain 0", func(c *Config) { c.HLS.Retain = 0 }, ""},
		{"retain 1025", func(c *Config) { c.HLS.Retain = 1025 }, "'hls.retain' must be between 0 and 1024 (got 1025)"},
		{"allow bare ips", func(c *Config) { c.Hooks.Allow = []string{"192.0.2.1", "2001:db8::1"} }, ""},
		{"allow bad", func(c *Config) { c.Hooks.Allow = []string{"10.0.0.0/8", "localhost"} },
			`'hooks.allow[1]' must be a CIDR like "10.0.0.0/8" or an IP address (got "localhost")`},
		{"allow bad bits", func(c *Config) { c.Hooks.Allow = []string{"10.0.0.0/33"} }, "'hooks.allow[0]' must be a CIDR"},
		{"allow zone", func(c *Config) { c.Hooks.Allow = []string{"fe80::1%eth0"} }, "'hooks.allow[0]' must be a CIDR"},
		{"allow empty while enabled", func(c *Config) { c.Hooks.Allow = nil }, "'hooks.allow' must not be empty while 'hooks.enabled' is true"},
		{"allow empty while disabled", func(c *Config) { c.Hooks.Allow, c.Hooks.Enabled = nil, false }, ""},
		{"allow too many", func(c *Config) { c.Hooks.Allow = slices.Repeat([]string{"::1"}, 1025) }, "'hooks.allow' must have at most 1024 items"},
		{"secret ok", func(c *Config) { c.Hooks.Secret = "Zm9v-bar_baz.1" }, ""},
		{"secret newline", func(c *Config) { c.Hooks.Secret = "abc\n" }, "'hooks.secret' must be UTF-8 without spaces or control characters (len 4)"},
		{"publish secret space", func(c *Config) { c.Hooks.PublishSecret = "a b" }, "'hooks.publish_secret' must be UTF-8 without spaces"},
		{"secret long", func(c *Config) { c.Hooks.Secret = strings.Repeat("s", 257) }, "'hooks.secret' must be at most 256 bytes (len 257)"},
		{"secret bad utf-8", func(c *Config) { c.Hooks.Secret = "\xff" }, "'hooks.secret' must be UTF-8"},
		{"body bytes low", func(c *Config) { c.Hooks.MaxBodyBytes = 1023 }, "'hooks.max_body_bytes' must be between 1024 and 1048576"},
		{"body bytes high", func(c *Config) { c.Hooks.MaxBodyBytes = 1<<20 + 1 }, "'hooks.max_body_bytes' must be between 1024 and 1048576"},
		{"trackers ok", func(c *Config) { c.P2P.Trackers = []string{"wss://a.example/p2p/v1/tracker", "ws://[::1]:8000/t"} }, ""},
		{"tracker http", func(c *Config) { c.P2P.Trackers = []string{"https://a.example/t"} },
			`'p2p.trackers[0]' must start with ws:// or wss:// (got "https://a.example/t")`},
		{"tracker no host", func(c *Config) { c.P2P.Trackers = []string{"wss:///t"} }, "'p2p.trackers[0]' must be wss://host/"},
		{"tracker opaque", func(c *Config) { c.P2P.Trackers = []string{"wss:a.example"} }, "'p2p.trackers[0]' must be wss://host/"},
		{"tracker userinfo", func(c *Config) { c.P2P.Trackers = []string{"wss://u:p@a.example/t"} }, "must not carry a user name or password"},
		{"tracker port 0", func(c *Config) { c.P2P.Trackers = []string{"wss://a.example:0/t"} }, "must have a port 1..65535"},
		{"tracker port big", func(c *Config) { c.P2P.Trackers = []string{"wss://a.example:70000/t"} }, "must have a port 1..65535"},
		{"tracker space", func(c *Config) { c.P2P.Trackers = []string{"wss://a.example/t x"} }, "must not contain spaces"},
		{"too many trackers", func(c *Config) { c.P2P.Trackers = slices.Repeat([]string{"wss://a.example"}, 17) }, "'p2p.trackers' must have at most 16 items"},
		{"stun ok", func(c *Config) {
			c.P2P.STUN = []string{"stun:a.example", "stun:a.example:3478", "stun:192.0.2.1:3478", "stun:[2001:db8::1]", "stun:[::1]:3478"}
		}, ""},
		{"stun scheme", func(c *Config) { c.P2P.STUN = []string{"turn:a.example"} }, `'p2p.stun[0]' must start with "stun:"`},
		{"stun slashes", func(c *Config) { c.P2P.STUN = []string{"stun://a.example:3478"} }, `must be "stun:host" or "stun:host:port"`},
		{"stun query", func(c *Config) { c.P2P.STUN = []string{"stun:a.example?transport=udp"} }, `must be "stun:host"`},
		{"stun empty host", func(c *Config) { c.P2P.STUN = []string{"stun::3478"} }, "must have a host name or IPv4 address"},
		{"stun bare ipv6", func(c *Config) { c.P2P.STUN = []string{"stun:2001:db8::1"} }, "must put an IPv6 address in brackets"},
		{"stun bad ipv6", func(c *Config) { c.P2P.STUN = []string{"stun:[192.0.2.1]"} }, "must hold an IPv6 address inside"},
		{"stun unclosed", func(c *Config) { c.P2P.STUN = []string{"stun:[::1"} }, "unclosed '['"},
		{"stun port 0", func(c *Config) { c.P2P.STUN = []string{"stun:a.example:0"} }, "must have a port 1..65535"},
		{"stun empty port", func(c *Config) { c.P2P.STUN = []string{"stun:a.example:"} }, "must have a port 1..65535"},
		{"stun port junk", func(c *Config) { c.P2P.STUN = []string{"stun:[::1]x"} }, `must be "stun:[ipv6]"`},
		{"too many stun", func(c *Config) { c.P2P.STUN = slices.Repeat([]string{"stun:a.example"}, 17) }, "'p2p.stun' must have at most 16 items"},
		{"pingback ok", func(c *Config) { c.P2P.Pingback = "https://a.example/p2p/v1/pingback" }, ""},
		{"pingback ws", func(c *Config) { c.P2P.Pingback = "wss://a.example/p" }, "'p2p.pingback' must start with http:// or https://"},
		{"pingback relative", func(c *Config) { c.P2P.Pingback = "/p2p/v1/pingback" }, "'p2p.pingback' must start with http://"},
		{"stun listen bad", func(c *Config) { c.STUN.Listen = "3478" }, "'stun.listen' must be host:port"},
		{"stun alt listen bad", func(c *Config) { c.STUN.AltListen = ":99999" }, "'stun.alt_listen' must have a numeric port"},
		{"stun same port", func(c *Config) { c.STUN.AltListen = c.STUN.Listen }, "'stun.alt_listen' must differ from 'stun.listen'"},
		{"stun both ephemeral", func(c *Config) { c.STUN.Listen, c.STUN.AltListen = "127.0.0.1:0", "127.0.0.1:0" }, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Default()
			tt.mutate(&c)
			err := c.Validate()
			if tt.msg == "" {
				if err != nil {
					t.Fatalf("Validate() = %v, want nil", err)
				}
				return
			}
			wantErr(t, err, ErrInvalid, tt.msg)
		})
	}
}

func TestValidateNeverEchoesSecrets(t *testing.T) {
	c := Default()
	c.Hooks.PublishSecret = "hunter2 " + strings.Repeat("x", 300)
	err := c.Validate()
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Fatalf("Validate() = %v, want an error without the secret", err)
	}
}

func TestHooksAllow(t *testing.T) {
	c := Default()
	c.Hooks.Allow = []string{"192.0.2.7", "2001:db8::1", "10.1.2.3/8", "::ffff:0:0/96", "junk"}
	want := []netip.Prefix{
		netip.MustParsePrefix("192.0.2.7/32"),
		netip.MustParsePrefix("2001:db8::1/128"),
		netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("::ffff:0:0/96"),
	}
	if got := c.HooksAllow(); !slices.Equal(got, want) {
		t.Fatalf("HooksAllow() = %v, want %v", got, want)
	}
	d := Default()
	if got := d.HooksAllow(); len(got) != 6 || !got[0].Contains(netip.MustParseAddr("127.0.0.1")) ||
		!got[5].Contains(netip.MustParseAddr("fd00::5")) {
		t.Fatalf("default HooksAllow() = %v", got)
	}
}

func TestWorkerCountsAndLevels(t *testing.T) {
	c := Default()
	if c.HashWorkerCount() < 1 || c.BuildWorkerCount() < 4 || c.BuildWorkerCount() > 1024 {
		t.Fatalf("defaults resolve to hash=%d build=%d", c.HashWorkerCount(), c.BuildWorkerCount())
	}
	c.HLS.HashWorkers, c.HLS.BuildWorkers = 3, 5
	if c.HashWorkerCount() != 3 || c.BuildWorkerCount() != 5 {
		t.Fatalf("explicit workers resolve to hash=%d build=%d", c.HashWorkerCount(), c.BuildWorkerCount())
	}
	for level, want := range map[string]string{"debug": "DEBUG", "info": "INFO", "warn": "WARN", "error": "ERROR"} {
		if got := (LogConfig{Level: level}).SlogLevel().String(); got != want {
			t.Errorf("SlogLevel(%s) = %s, want %s", level, got, want)
		}
	}
}

func TestOrigin(t *testing.T) {
	c := Default()
	c.OriginID = "edge-7"
	if got, err := c.Origin(); err != nil || got != "edge-7" {
		t.Fatalf("Origin() = %q, %v; want edge-7", got, err)
	}
	c.OriginID = ""
	got, err := c.Origin()
	if err == nil && checkOriginID(got) != nil {
		t.Fatalf("Origin() = %q, which breaks the origin_id rule", got)
	}
	if err == nil && got == "" {
		t.Fatal("Origin() returned an empty id without an error")
	}
}
