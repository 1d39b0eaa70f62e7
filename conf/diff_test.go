package conf

import (
	"slices"
	"testing"
	"time"
)

func TestDiff(t *testing.T) {
	tests := []struct {
		name        string
		mutate      func(*Config)
		changed     []string
		needRestart []string
	}{
		{"nothing", func(*Config) {}, nil, nil},
		{"nil list equals empty list", func(c *Config) { c.P2P.Trackers = nil }, nil, nil},
		{"live keys", func(c *Config) {
			c.Log.Level = "debug"
			c.HLS.ReconcileInterval = Duration(time.Minute)
			c.HLS.Retain = 1
			c.HLS.MaxPlaylistBytes = 2048
			c.HLS.MaxSegmentBytes = 2048
			c.Hooks.Allow = c.Hooks.Allow[:1]
			c.Hooks.Secret = "x"
			c.Hooks.PublishSecret = "y"
			c.Hooks.MaxBodyBytes = 2048
			c.P2P.Trackers = []string{"wss://a.example"}
			c.P2P.STUN = []string{"stun:a.example"}
			c.P2P.Pingback = "https://a.example"
		}, []string{"log.level", "hls.reconcile_interval", "hls.max_playlist_bytes", "hls.max_segment_bytes",
			"hls.retain", "hooks.allow", "hooks.secret", "hooks.publish_secret", "hooks.max_body_bytes",
			"p2p.trackers", "p2p.stun", "p2p.pingback"}, nil},
		{"restart keys", func(c *Config) {
			c.Listen = ":1"
			c.OriginID = "o"
			c.HLS.Dir = "d"
			c.HLS.Watch = false
			c.HLS.HashWorkers = 1
			c.HLS.BuildWorkers = 1
			c.HLS.MaxStreams = 1
			c.Hooks.Enabled = false
			c.STUN.Listen = ":2"
			c.STUN.AltListen = ":3"
		}, []string{"listen", "origin_id", "hls.dir", "hls.watch", "hls.hash_workers", "hls.build_workers",
			"hls.max_streams", "hooks.enabled", "stun.listen", "stun.alt_listen"},
			[]string{"listen", "origin_id", "hls.dir", "hls.watch", "hls.hash_workers", "hls.build_workers",
				"hls.max_streams", "hooks.enabled", "stun.listen", "stun.alt_listen"}},
		{"mixed", func(c *Config) {
			c.HLS.Retain = 2
			c.STUN.AltListen = ":3"
			c.Hooks.Allow[2] = "10.1.0.0/16" // same length, one item differs
		}, []string{"hls.retain", "hooks.allow", "stun.alt_listen"}, []string{"stun.alt_listen"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			old, new := Default(), Default()
			tt.mutate(&new)
			changed, restart := Diff(&old, &new)
			if !slices.Equal(changed, tt.changed) || !slices.Equal(restart, tt.needRestart) {
				t.Fatalf("Diff() = %q, %q; want %q, %q", changed, restart, tt.changed, tt.needRestart)
			}
			// Symmetric: swapping old and new names the same keys.
			back, backRestart := Diff(&new, &old)
			if !slices.Equal(back, tt.changed) || !slices.Equal(backRestart, tt.needRestart) {
				t.Fatalf("reverse Diff() = %q, %q", back, backRestart)
			}
		})
	}
}

func TestKeepRestartValues(t *testing.T) {
	running := Default()
	next := Default()
	next.Listen = ":9999"
	next.STUN.Listen = ":4000"
	next.Log.Level = "debug"
	next.P2P.Trackers = []string{"wss://t.example.com/t"}
	KeepRestartValues(&next, &running)
	if next.Listen != ":8085" || next.STUN.Listen != ":3478" {
		t.Fatalf("restart keys not kept: listen %q stun %q", next.Listen, next.STUN.Listen)
	}
	if next.Log.Level != "debug" || len(next.P2P.Trackers) != 1 {
		t.Fatalf("live keys lost: %+v", next)
	}
	changed, restart := Diff(&running, &next)
	if len(restart) != 0 || len(changed) != 2 {
		t.Fatalf("changed %v restart %v", changed, restart)
	}
}
