package deploy

import (
	"slices"
	"strings"
	"testing"
)

const nginxConfFile = "conf/nginx-cdn.conf"

// location returns the block of `location <args...>` in the edge's server.
func location(t *testing.T, conf []*directive, args ...string) []*directive {
	t.Helper()
	for _, l := range find(conf, "http", "server", "location") {
		if slices.Equal(l.args, args) {
			return l.block
		}
	}
	t.Fatalf("%s: no location %v", nginxConfFile, args)
	return nil
}

// values lists the argument strings of every `name` directive in block.
func values(block []*directive, name string) []string {
	var out []string
	for _, d := range find(block, name) {
		out = append(out, strings.Join(d.args, " "))
	}
	return out
}

// The cache policy of the issue, location by location.
func TestNginxCachePolicy(t *testing.T) {
	conf := parseRepoConf(t, nginxConfFile)
	tests := []struct {
		name     string
		loc      []string
		valid200 string
		cc       string
		lock     bool
		cors     bool
	}{
		{"playlist", []string{"~", `\.m3u8$`}, "200 1s", `Cache-Control public, max-age=1 always`, true, true},
		{"segments", []string{"~", `\.(ts|m4s)$`}, "200 24h", `Cache-Control public, max-age=86400, immutable always`, true, true},
		{"manifest", []string{"~", `\.p2p\.json$`}, "200 1s", `Cache-Control public, max-age=1 always`, true, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			block := location(t, conf, tt.loc...)
			if got := values(block, "proxy_cache"); !slices.Equal(got, []string{"hls"}) {
				t.Errorf("proxy_cache %v, want hls", got)
			}
			if got := values(block, "proxy_cache_valid"); !slices.Contains(got, tt.valid200) {
				t.Errorf("proxy_cache_valid %v, want %q", got, tt.valid200)
			}
			if got := values(block, "proxy_cache_lock"); tt.lock && !slices.Equal(got, []string{"on"}) {
				t.Errorf("proxy_cache_lock %v, want on", got)
			}
			headers := values(block, "add_header")
			if !slices.Contains(headers, tt.cc) {
				t.Errorf("add_header %v, want %q", headers, tt.cc)
			}
			if tt.cors && !slices.Contains(headers, "Access-Control-Allow-Origin * always") {
				t.Errorf("add_header %v, want Access-Control-Allow-Origin *", headers)
			}
			// The origin's own Cache-Control must neither disable the edge's
			// cache nor reach the viewer beside the edge's header.
			if ig := strings.Join(values(block, "proxy_ignore_headers"), " "); !strings.Contains(ig, "Cache-Control") {
				t.Errorf("proxy_ignore_headers %q, want Cache-Control", ig)
			}
			if !slices.Contains(values(block, "proxy_hide_header"), "Cache-Control") {
				t.Errorf("origin Cache-Control not hidden")
			}
		})
	}
	if path := values(only(t, nginxConfFile, conf, "http").block, "proxy_cache_path"); len(path) != 1 || !strings.Contains(path[0], "keys_zone=hls:") {
		t.Errorf("proxy_cache_path %v, want one with keys_zone=hls", path)
	}
}

// The tracker's WebSocket upgrade and the pingback go to srs-p2p.
func TestNginxTrackerAndPingback(t *testing.T) {
	conf := parseRepoConf(t, nginxConfFile)
	tracker := location(t, conf, "=", "/p2p/v1/tracker")
	headers := values(tracker, "proxy_set_header")
	for _, want := range []string{"Upgrade $http_upgrade", "Connection $connection_upgrade"} {
		if !slices.Contains(headers, want) {
			t.Errorf("tracker proxy_set_header %v, want %q", headers, want)
		}
	}
	if got := values(tracker, "proxy_read_timeout"); len(got) != 1 || !strings.HasSuffix(got[0], "h") {
		t.Errorf("tracker proxy_read_timeout %v, want hours", got)
	}
	if got := values(only(t, nginxConfFile, conf, "http", "server").block, "proxy_http_version"); !slices.Equal(got, []string{"1.1"}) {
		t.Errorf("proxy_http_version %v, want 1.1 (WebSocket and keepalive need it)", got)
	}
	maps := find(conf, "http", "map")
	if len(maps) != 1 || !slices.Equal(maps[0].args, []string{"$http_upgrade", "$connection_upgrade"}) {
		t.Fatalf("want map $http_upgrade $connection_upgrade")
	}
	if got := values(tracker, "proxy_pass"); !slices.Equal(got, []string{"http://srs_p2p_tracker"}) {
		t.Errorf("tracker proxy_pass %v", got)
	}
	if got := values(location(t, conf, "=", "/p2p/v1/pingback"), "proxy_pass"); !slices.Equal(got, []string{"http://srs_p2p"}) {
		t.Errorf("pingback proxy_pass %v", got)
	}
	// hooks, API and metrics stay private: no location passes /api/ to srs-p2p.
	for _, l := range find(conf, "http", "server", "location") {
		if strings.Contains(strings.Join(l.args, " "), "/api/") || strings.Contains(strings.Join(l.args, " "), "metrics") {
			t.Errorf("%s:%d: location %v exposes srs-p2p's private endpoints", nginxConfFile, l.line, l.args)
		}
	}
}
