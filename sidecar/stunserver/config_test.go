package stunserver

import (
	"errors"
	"math"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestConfigDefaults(t *testing.T) {
	c := Config{}.withDefaults()
	if c.Listen != ":3478" || c.AltListen != ":3479" {
		t.Errorf("listen %q alt %q, want :3478 and :3479", c.Listen, c.AltListen)
	}
	if want := min(runtime.GOMAXPROCS(0), maxSockets); c.Sockets != want {
		t.Errorf("sockets %d, want %d", c.Sockets, want)
	}
	if c.Rate != 50 || c.Burst != 100 || c.MaxSources != 65536 {
		t.Errorf("rate %v burst %d sources %d, want 50, 100, 65536", c.Rate, c.Burst, c.MaxSources)
	}
	if c.Software != "" {
		t.Errorf("software %q, want none by default", c.Software)
	}
	if c.MaxTCPConns != 1024 || c.TCPIdleTimeout != 30*time.Second || c.Logger == nil {
		t.Errorf("tcp conns %d idle %v logger %v", c.MaxTCPConns, c.TCPIdleTimeout, c.Logger)
	}
	if err := c.validate(); err != nil {
		t.Errorf("defaults do not validate: %v", err)
	}
}

func TestConfigValidate(t *testing.T) {
	tests := []struct {
		name string
		edit func(*Config)
		want error
	}{
		{"host name", func(c *Config) { c.Listen = "localhost:3478" }, ErrBadListen},
		{"no port", func(c *Config) { c.Listen = "127.0.0.1" }, ErrBadListen},
		{"port too big", func(c *Config) { c.Listen = ":65536" }, ErrBadListen},
		{"port with sign", func(c *Config) { c.Listen = ":+3478" }, ErrBadListen},
		{"alt not an address", func(c *Config) { c.AltListen = "stun:3479" }, ErrBadAltListen},
		{"same port", func(c *Config) { c.AltListen = ":3478" }, ErrSamePort},
		{"same port, wildcard and one IP", func(c *Config) { c.AltListen = "192.0.2.1:3478" }, ErrSamePort},
		{"sockets negative", func(c *Config) { c.Sockets = -1 }, ErrBadSockets},
		{"sockets over 64", func(c *Config) { c.Sockets = 65 }, ErrBadSockets},
		{"rate negative", func(c *Config) { c.Rate = -1 }, ErrBadRate},
		{"rate NaN", func(c *Config) { c.Rate = math.NaN() }, ErrBadRate},
		{"rate infinite", func(c *Config) { c.Rate = math.Inf(1) }, ErrBadRate},
		{"burst negative", func(c *Config) { c.Burst = -5 }, ErrBadBurst},
		{"max sources too small", func(c *Config) { c.MaxSources = 7 }, ErrBadMaxSources},
		{"max sources too big", func(c *Config) { c.MaxSources = 1<<24 + 1 }, ErrBadMaxSources},
		{"software of 128 characters", func(c *Config) { c.Software = strings.Repeat("é", 128) }, ErrBadSoftware},
		{"software not UTF-8", func(c *Config) { c.Software = "\xff" }, ErrBadSoftware},
		{"tcp conns negative", func(c *Config) { c.MaxTCPConns = -1 }, ErrBadMaxTCPConns},
		{"tcp idle too short", func(c *Config) { c.TCPIdleTimeout = time.Millisecond }, ErrBadTCPIdleTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Config{}
			tt.edit(&c)
			err := c.withDefaults().validate()
			if !errors.Is(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if _, err := New(c); !errors.Is(err, tt.want) {
				t.Fatalf("New: got %v, want %v", err, tt.want)
			}
		})
	}
	ok := []Config{
		{Listen: "127.0.0.1:0", AltListen: "127.0.0.1:0"},
		{Listen: "[::1]:3478", AltListen: "[::1]:3479", Software: strings.Repeat("é", 127)},
		{Listen: "192.0.2.1:3478", AltListen: "192.0.2.2:3478"},
	}
	for _, c := range ok {
		if err := c.withDefaults().validate(); err != nil {
			t.Errorf("%+v: %v", c, err)
		}
	}
}
