package conf

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestEnvOverrides(t *testing.T) {
	tests := []struct {
		name    string
		environ []string
		want    func(*Config)
	}{
		{"string", []string{"SRS_P2P_HLS_DIR=/srv/hls"}, func(c *Config) { c.HLS.Dir = "/srv/hls" }},
		{"string kept verbatim", []string{"SRS_P2P_ORIGIN_ID=edge-1"}, func(c *Config) { c.OriginID = "edge-1" }},
		{"top-level", []string{"SRS_P2P_LISTEN=127.0.0.1:0"}, func(c *Config) { c.Listen = "127.0.0.1:0" }},
		{"secret", []string{"SRS_P2P_HOOKS_PUBLISH_SECRET=s3cr3t"}, func(c *Config) { c.Hooks.PublishSecret = "s3cr3t" }},
		{"bool off", []string{"SRS_P2P_HLS_WATCH=off"}, func(c *Config) { c.HLS.Watch = false }},
		{"bool NO", []string{"SRS_P2P_HOOKS_ENABLED=NO", "SRS_P2P_HOOKS_ALLOW="}, func(c *Config) {
			c.Hooks.Enabled = false
			c.Hooks.Allow = []string{}
		}},
		{"bool 0 then on", []string{"SRS_P2P_HLS_WATCH=0", "SRS_P2P_HLS_WATCH=on"}, func(c *Config) { c.HLS.Watch = true }},
		{"int", []string{"SRS_P2P_HLS_RETAIN= 5 "}, func(c *Config) { c.HLS.Retain = 5 }},
		{"int64", []string{"SRS_P2P_HLS_MAX_SEGMENT_BYTES=1073741824"}, func(c *Config) { c.HLS.MaxSegmentBytes = 1 << 30 }},
		{"duration", []string{"SRS_P2P_HLS_RECONCILE_INTERVAL=1m30s"}, func(c *Config) {
			c.HLS.ReconcileInterval = Duration(90 * time.Second)
		}},
		{"list trimmed", []string{"SRS_P2P_P2P_TRACKERS=wss://a.example/t, ws://b.example:8000/t"}, func(c *Config) {
			c.P2P.Trackers = []string{"wss://a.example/t", "ws://b.example:8000/t"}
		}},
		{"list one item", []string{"SRS_P2P_HOOKS_ALLOW=192.0.2.1"}, func(c *Config) { c.Hooks.Allow = []string{"192.0.2.1"} }},
		{"empty list", []string{"SRS_P2P_P2P_STUN="}, func(c *Config) { c.P2P.STUN = []string{} }},
		{"other variables ignored", []string{"HOME=/x", "SRS_P2P", "SRS_P2=1", "NOEQUALS"}, func(*Config) {}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := LoadEnv("", tt.environ)
			if err != nil {
				t.Fatal(err)
			}
			want := Default()
			tt.want(&want)
			if !reflect.DeepEqual(*got, want) {
				t.Fatalf("got  %s\nwant %s", got.Summary(), want.Summary())
			}
		})
	}
}

func TestEnvWinsOverFile(t *testing.T) {
	path := writeConf(t, `{"hls": {"retain": 3, "dir": "from-file"}}`)
	got, err := LoadEnv(path, []string{"SRS_P2P_HLS_RETAIN=9"})
	if err != nil {
		t.Fatal(err)
	}
	if got.HLS.Retain != 9 || got.HLS.Dir != "from-file" {
		t.Fatalf("retain=%d dir=%q, want 9 from env and dir from file", got.HLS.Retain, got.HLS.Dir)
	}
}

func TestEnvErrors(t *testing.T) {
	tests := []struct {
		env      string
		sentinel error
		msg      string
	}{
		{"SRS_P2P_HLS_RETAN=1", ErrUnknownKey, "unknown environment variable SRS_P2P_HLS_RETAN"},
		{"SRS_P2P_=1", ErrUnknownKey, "unknown environment variable SRS_P2P_:"},
		{"SRS_P2P_HLS=1", ErrUnknownKey, "unknown environment variable SRS_P2P_HLS:"},
		{"SRS_P2P_HLS_RETAIN=abc", ErrWrongType, `SRS_P2P_HLS_RETAIN: "abc" is not an integer`},
		{"SRS_P2P_HLS_RETAIN=1.5", ErrWrongType, `SRS_P2P_HLS_RETAIN: "1.5" is not an integer`},
		{"SRS_P2P_HLS_MAX_SEGMENT_BYTES=99999999999999999999", ErrWrongType, "SRS_P2P_HLS_MAX_SEGMENT_BYTES: \"99999999999999999999\" is out of range"},
		{"SRS_P2P_HLS_WATCH=maybe", ErrWrongType, `SRS_P2P_HLS_WATCH: "maybe" is not a boolean`},
		{"SRS_P2P_HLS_RECONCILE_INTERVAL=10", ErrWrongType, `SRS_P2P_HLS_RECONCILE_INTERVAL: "10" is not a duration`},
		{"SRS_P2P_HOOKS_ALLOW=10.0.0.0/8,,::1", ErrWrongType, `SRS_P2P_HOOKS_ALLOW: "10.0.0.0/8,,::1" has an empty item at position 1`},
		{"SRS_P2P_P2P_TRACKERS=wss://a.example,", ErrWrongType, "has an empty item at position 1"},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			_, err := LoadEnv("", []string{"SRS_P2P_LISTEN=:1", tt.env})
			wantErr(t, err, tt.sentinel, tt.msg)
		})
	}
}

func TestEnvErrorNeverEchoesSecret(t *testing.T) {
	_, err := LoadEnv("", []string{"SRS_P2P_HOOKS_SECRET=top secret\n"})
	wantErr(t, err, ErrInvalid, "SRS_P2P_HOOKS_SECRET: 'hooks.secret'", "(len 11)")
	if err != nil && (strings.Contains(err.Error(), "top") || strings.Contains(err.Error(), "secret\n")) {
		t.Fatalf("error %q leaks the secret", err)
	}
}
