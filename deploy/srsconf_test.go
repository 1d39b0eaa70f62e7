package deploy

import (
	"net/url"
	"strconv"
	"testing"
)

const srsConfFile = "conf/srs.conf"

// The HLS settings P2P needs, as the file's comments explain them.
func TestSRSConfHLS(t *testing.T) {
	conf := parseRepoConf(t, srsConfFile)
	hls := []string{"vhost", "hls"}
	at := func(name string) []string { return append(append([]string{}, hls...), name) }

	if v := only(t, srsConfFile, conf, "vhost"); len(v.args) != 1 || v.args[0] != "__defaultVhost__" {
		t.Errorf("vhost = %q, want __defaultVhost__", v.args)
	}
	for name, want := range map[string]string{
		"enabled":       "on",
		"hls_ctx":       "off",
		"hls_ts_ctx":    "off",
		"hls_m3u8_file": "[app]/[stream].m3u8",
	} {
		if got := arg1(t, srsConfFile, conf, at(name)...); got != want {
			t.Errorf("hls %s = %q, want %q", name, got, want)
		}
	}
	// Segment names must never repeat, or the edge's day-long segment cache
	// would serve an older publish's bytes.
	if got := arg1(t, srsConfFile, conf, at("hls_ts_file")...); got != "[app]/[stream]-[seq]-[timestamp].ts" {
		t.Errorf("hls_ts_file = %q, want a unique name with [seq] and [timestamp]", got)
	}
	numbers := []struct {
		name     string
		min, max float64
	}{
		{"hls_fragment", 1.5, 2.5},
		{"hls_window", 20, 30},
		{"hls_dispose", 1, 120},
	}
	for _, n := range numbers {
		raw := arg1(t, srsConfFile, conf, at(n.name)...)
		v, err := strconv.ParseFloat(raw, 64)
		if err != nil || v < n.min || v > n.max {
			t.Errorf("hls %s = %q, want a number in [%v, %v]", n.name, raw, n.min, n.max)
		}
	}
	path := arg1(t, srsConfFile, conf, at("hls_path")...)
	if path == "" || path[0] != '/' {
		t.Errorf("hls_path = %q, want an absolute path (the volume's mount point)", path)
	}
	// SRS's own HTTP server is what the edge pulls HLS from: it must serve hls_path.
	if dir := arg1(t, srsConfFile, conf, "http_server", "dir"); dir != path {
		t.Errorf("http_server dir = %q, want hls_path %q", dir, path)
	}
	if on := arg1(t, srsConfFile, conf, "http_server", "enabled"); on != "on" {
		t.Errorf("http_server enabled = %q, want on", on)
	}
}

func TestSRSConfHooks(t *testing.T) {
	conf := parseRepoConf(t, srsConfFile)
	if on := arg1(t, srsConfFile, conf, "vhost", "http_hooks", "enabled"); on != "on" {
		t.Fatalf("http_hooks enabled = %q, want on", on)
	}
	for _, hook := range []string{"on_publish", "on_unpublish", "on_hls"} {
		raw := arg1(t, srsConfFile, conf, "vhost", "http_hooks", hook)
		u, err := url.Parse(raw)
		if err != nil {
			t.Errorf("%s %q: %v", hook, raw, err)
			continue
		}
		if u.Scheme != "http" || u.Host != "srs-p2p:8085" || u.Path != "/api/v1/hooks" {
			t.Errorf("%s = %q, want http://srs-p2p:8085/api/v1/hooks", hook, raw)
		}
	}
}
