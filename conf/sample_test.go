package conf

import (
	"os"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// samplePath is the shipped sample, beside this package's sources.
const samplePath = "srs-p2p.conf"

func TestSampleEqualsDefaults(t *testing.T) {
	got, err := LoadEnv(samplePath, nil)
	if err != nil {
		t.Fatalf("LoadEnv(sample): %v", err)
	}
	want := Default()
	if !reflect.DeepEqual(*got, want) {
		t.Fatalf("sample differs from Default():\n got  %s\n want %s", got.Summary(), want.Summary())
	}
}

// TestSampleDocumentsEveryKey checks every key's comment line names its env
// var and says whether a change needs a restart, and that the key itself
// is written in the file.
func TestSampleDocumentsEveryKey(t *testing.T) {
	data, err := os.ReadFile(samplePath)
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	for _, key := range Keys() {
		leafName := key[strings.LastIndex(key, ".")+1:]
		if !strings.Contains(text, `"`+leafName+`":`) {
			t.Errorf("sample has no %q member for key %s", leafName, key)
		}
		line := regexp.MustCompile(`(?m)^.*\bEnv ` + regexp.QuoteMeta(EnvVar(key)) + `\..*$`).FindString(text)
		if line == "" {
			t.Errorf("sample has no comment line naming %s (key %s)", EnvVar(key), key)
			continue
		}
		want := "Applies live."
		if NeedsRestart(key) {
			want = "Needs a restart."
		}
		if !strings.Contains(line, want) {
			t.Errorf("key %s: comment line %q should say %q", key, strings.TrimSpace(line), want)
		}
	}
}

func TestKeysSchema(t *testing.T) {
	want := []string{
		"listen", "origin_id", "log.level",
		"hls.dir", "hls.watch", "hls.reconcile_interval", "hls.hash_workers", "hls.build_workers",
		"hls.max_streams", "hls.max_playlist_bytes", "hls.max_segment_bytes", "hls.retain",
		"hooks.enabled", "hooks.allow", "hooks.secret", "hooks.publish_secret", "hooks.max_body_bytes",
		"p2p.trackers", "p2p.stun", "p2p.pingback",
		"stun.enabled", "stun.listen", "stun.alt_listen", "stun.sockets", "stun.rate", "stun.burst", "stun.software",
		"tracker.enabled", "tracker.interval", "tracker.allow_unknown_swarms", "tracker.allowed_origins",
		"tracker.token_secret", "tracker.max_conns", "tracker.max_peers_per_swarm",
		"pingback.enabled", "pingback.interval", "pingback.rate", "pingback.burst", "pingback.trust_proxy",
		"pingback.max_viewers", "pingback.bad_peer_reporters", "pingback.bad_peer_cooldown",
		"dashboard.enabled", "player.enabled", "player.playlist_base", "player.serve_hls",
	}
	if got := Keys(); !slices.Equal(got, want) {
		t.Fatalf("Keys() =\n %q\nwant\n %q", got, want)
	}
	envs := map[string]string{
		"listen":                 "SRS_P2P_LISTEN",
		"hls.dir":                "SRS_P2P_HLS_DIR",
		"hooks.publish_secret":   "SRS_P2P_HOOKS_PUBLISH_SECRET",
		"stun.listen":            "SRS_P2P_STUN_LISTEN",
		"hls.reconcile_interval": "SRS_P2P_HLS_RECONCILE_INTERVAL",
		"p2p.stun":               "SRS_P2P_P2P_STUN",
		"nope":                   "",
	}
	for key, env := range envs {
		if got := EnvVar(key); got != env {
			t.Errorf("EnvVar(%q) = %q, want %q", key, got, env)
		}
	}
	restart := []string{"listen", "origin_id", "hls.dir", "hls.watch", "hls.hash_workers", "hls.build_workers",
		"hls.max_streams", "hooks.enabled",
		"stun.enabled", "stun.listen", "stun.alt_listen", "stun.sockets", "stun.rate", "stun.burst", "stun.software",
		"tracker.enabled", "tracker.interval", "tracker.allow_unknown_swarms", "tracker.allowed_origins",
		"tracker.token_secret", "tracker.max_conns", "tracker.max_peers_per_swarm",
		"pingback.enabled", "pingback.interval", "pingback.rate", "pingback.burst", "pingback.trust_proxy",
		"pingback.max_viewers", "pingback.bad_peer_reporters", "pingback.bad_peer_cooldown",
		"dashboard.enabled", "player.enabled", "player.playlist_base", "player.serve_hls"}
	var gotRestart, gotSecret []string
	for _, key := range Keys() {
		if NeedsRestart(key) {
			gotRestart = append(gotRestart, key)
		}
		if IsSecret(key) {
			gotSecret = append(gotSecret, key)
		}
	}
	if !slices.Equal(gotRestart, restart) {
		t.Errorf("restart keys = %q, want %q", gotRestart, restart)
	}
	if want := []string{"hooks.secret", "hooks.publish_secret", "tracker.token_secret"}; !slices.Equal(gotSecret, want) {
		t.Errorf("secret keys = %q, want %q", gotSecret, want)
	}
}

func TestDefaultReturnsFreshSlices(t *testing.T) {
	a := Default()
	a.Hooks.Allow[0] = "changed"
	a.P2P.Trackers = append(a.P2P.Trackers, "wss://x")
	b := Default()
	if b.Hooks.Allow[0] != "127.0.0.0/8" || len(b.P2P.Trackers) != 0 {
		t.Fatalf("Default() shares slices between calls: %s", b.Summary())
	}
	if err := b.Validate(); err != nil {
		t.Fatalf("Default().Validate() = %v", err)
	}
}
