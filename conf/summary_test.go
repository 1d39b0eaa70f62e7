package conf

import (
	"strings"
	"testing"
)

func TestSummaryDefaults(t *testing.T) {
	c := Default()
	want := "listen=:8085 origin_id= log.level=info hls.dir=./objs/nginx/html hls.watch=true " +
		"hls.reconcile_interval=10s hls.hash_workers=0 hls.build_workers=0 hls.max_streams=10000 " +
		"hls.max_playlist_bytes=1048576 hls.max_segment_bytes=268435456 hls.retain=16 hooks.enabled=true " +
		"hooks.allow=[127.0.0.0/8,::1/128,10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,fc00::/7] " +
		"hooks.secret=(len 0) hooks.publish_secret=(len 0) hooks.max_body_bytes=65536 " +
		"p2p.trackers=[] p2p.stun=[] p2p.pingback= stun.enabled=true stun.listen=:3478 stun.alt_listen=:3479 " +
		"stun.sockets=0 stun.rate=50 stun.burst=100 stun.software= " +
		"tracker.enabled=true tracker.interval=1m0s tracker.allow_unknown_swarms=false tracker.allowed_origins=[] " +
		"tracker.token_secret=(len 0) tracker.max_conns=20000 tracker.max_peers_per_swarm=5000 " +
		"pingback.enabled=true pingback.interval=10s pingback.rate=20 pingback.burst=200 pingback.trust_proxy=false " +
		"pingback.max_viewers=100000 pingback.bad_peer_reporters=2 pingback.bad_peer_cooldown=5m0s " +
		"dashboard.enabled=true player.enabled=true player.playlist_base= player.serve_hls=false"
	if got := c.Summary(); got != want {
		t.Fatalf("Summary() =\n%s\nwant\n%s", got, want)
	}
}

func TestSummaryHidesSecretsAndQuotesOddValues(t *testing.T) {
	c := Default()
	c.Hooks.Secret = "s3cr3t-value"
	c.Hooks.PublishSecret = "pub"
	c.HLS.Dir = "/srv/my hls"
	c.OriginID = "a=b"
	c.P2P.Trackers = []string{"wss://a.example/t", "wss://b,c"}
	c.P2P.Pingback = "https://p.example/x\nlevel=error"
	got := c.Summary()
	for _, part := range []string{
		"hooks.secret=(len 12)", "hooks.publish_secret=(len 3)", `hls.dir="/srv/my hls"`, `origin_id="a=b"`,
		`p2p.trackers=[wss://a.example/t,"wss://b,c"]`, `p2p.pingback="https://p.example/x\nlevel=error"`,
	} {
		if !strings.Contains(got, part) {
			t.Errorf("Summary() lacks %q:\n%s", part, got)
		}
	}
	if strings.Contains(got, "s3cr3t") || strings.Contains(got, "\n") {
		t.Fatalf("Summary() leaks a secret or breaks the line:\n%s", got)
	}
	// One field per key, plus the space inside the quoted dir and one per
	// secret's "(len N)".
	secrets := 0
	for _, k := range Keys() {
		if IsSecret(k) {
			secrets++
		}
	}
	if n := len(strings.Fields(got)); n != len(Keys())+1+secrets {
		t.Fatalf("Summary() has %d fields, want %d", n, len(Keys())+1+secrets)
	}
}
