package deploy

import (
	"context"
	"net"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/compose-spec/compose-go/v2/loader"
	"github.com/compose-spec/compose-go/v2/types"
)

const (
	composeFile  = "docker-compose.yml"
	hooksPort    = "8085"
	srsWorkDir   = "/usr/local/srs" // ossrs/srs's WORKDIR: relative paths in SRS's command start here
	edgeConfPath = "/etc/nginx/nginx.conf"
)

// loadCompose parses docker-compose.yml the way `docker compose` does, with
// env as the shell environment (for ${PUBLIC_HOST} and the like).
func loadCompose(t *testing.T, env map[string]string) *types.Project {
	t.Helper()
	root, err := filepath.Abs(repoRoot)
	if err != nil {
		t.Fatal(err)
	}
	details := types.ConfigDetails{
		WorkingDir:  root,
		ConfigFiles: []types.ConfigFile{{Filename: filepath.Join(root, composeFile)}},
		Environment: env,
	}
	p, err := loader.LoadWithContext(context.Background(), details, func(o *loader.Options) {
		o.SetProjectName("srs-p2p", true)
	})
	if err != nil {
		t.Fatalf("load %s: %v", composeFile, err)
	}
	return p
}

func service(t *testing.T, p *types.Project, name string) types.ServiceConfig {
	t.Helper()
	s, ok := p.Services[name]
	if !ok {
		t.Fatalf("%s: no service %q", composeFile, name)
	}
	return s
}

// volumeTarget is where service s mounts the named volume vol.
func volumeTarget(t *testing.T, s types.ServiceConfig, vol string) string {
	t.Helper()
	for _, v := range s.Volumes {
		if v.Type == types.VolumeTypeVolume && v.Source == vol {
			return v.Target
		}
	}
	t.Fatalf("%s: service %s does not mount volume %q", composeFile, s.Name, vol)
	return ""
}

// bindTarget is where service s mounts the repository file rel.
func bindTarget(t *testing.T, s types.ServiceConfig, rel string) string {
	t.Helper()
	want, err := filepath.Abs(filepath.Join(repoRoot, rel))
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range s.Volumes {
		if v.Type == types.VolumeTypeBind && v.Source == want {
			if !v.ReadOnly {
				t.Errorf("%s: service %s mounts %s writable, want :ro", composeFile, s.Name, rel)
			}
			return v.Target
		}
	}
	t.Fatalf("%s: service %s does not mount %s", composeFile, s.Name, rel)
	return ""
}

// published lists "published:target/protocol" for every port of s.
func published(s types.ServiceConfig) []string {
	var out []string
	for _, p := range s.Ports {
		out = append(out, p.Published+":"+strconv.FormatUint(uint64(p.Target), 10)+"/"+p.Protocol)
	}
	slices.Sort(out)
	return out
}

func env(t *testing.T, s types.ServiceConfig, key string) string {
	t.Helper()
	v, ok := s.Environment[key]
	if !ok || v == nil {
		t.Fatalf("%s: service %s has no environment %s", composeFile, s.Name, key)
	}
	return *v
}

func TestComposeServices(t *testing.T) {
	p := loadCompose(t, nil)
	names := p.ServiceNames()
	slices.Sort(names)
	if want := []string{"edge", "srs", "srs-p2p"}; !slices.Equal(names, want) {
		t.Fatalf("services %v, want %v", names, want)
	}
	if img := service(t, p, "srs").Image; img != "ossrs/srs:6" {
		t.Errorf("srs image %q, want ossrs/srs:6", img)
	}
	if img := service(t, p, "edge").Image; !strings.HasPrefix(img, "nginx:") {
		t.Errorf("edge image %q, want nginx", img)
	}
	sp := service(t, p, "srs-p2p")
	if sp.Build == nil {
		t.Fatal("srs-p2p is not built")
	}
	root, _ := filepath.Abs(repoRoot)
	if sp.Build.Context != root || sp.Build.Dockerfile != "Dockerfile" {
		t.Errorf("srs-p2p build context %q dockerfile %q, want the repository root and Dockerfile", sp.Build.Context, sp.Build.Dockerfile)
	}
	hc := sp.HealthCheck
	if hc == nil || len(hc.Test) == 0 || !strings.Contains(strings.Join(hc.Test, " "), "127.0.0.1:"+hooksPort+"/healthz") {
		t.Errorf("srs-p2p healthcheck %v, want a probe of /healthz on port %s", hc, hooksPort)
	}
	if u := sp.User; u == "" || strings.HasPrefix(u, "0:") || u == "0" || u == "root" {
		t.Errorf("srs-p2p user %q, want a non-root uid", u)
	}
	// SRS refuses publishes while its on_publish hook fails: srs-p2p first.
	dep, ok := service(t, p, "srs").DependsOn["srs-p2p"]
	if !ok || dep.Condition != types.ServiceConditionHealthy {
		t.Errorf("srs depends_on srs-p2p %+v, want condition service_healthy", dep)
	}
}

// One volume, one path: SRS writes HLS at hls_path, which is where the
// volume is mounted in SRS, where it is mounted in srs-p2p, and SRS_P2P_HLS_DIR.
func TestComposeSharedHLSPath(t *testing.T) {
	p := loadCompose(t, nil)
	if _, ok := p.Volumes["hls"]; !ok {
		t.Fatalf("%s: no top-level volume hls", composeFile)
	}
	srs, sp := service(t, p, "srs"), service(t, p, "srs-p2p")
	hlsPath := arg1(t, srsConfFile, parseRepoConf(t, srsConfFile), "vhost", "hls", "hls_path")
	inSRS, inSidecar := volumeTarget(t, srs, "hls"), volumeTarget(t, sp, "hls")
	dir := env(t, sp, "SRS_P2P_HLS_DIR")
	if inSRS != hlsPath || inSidecar != hlsPath || dir != hlsPath {
		t.Errorf("hls volume in srs %q, in srs-p2p %q, SRS_P2P_HLS_DIR %q, hls_path %q: want all equal",
			inSRS, inSidecar, dir, hlsPath)
	}
	// SRS runs the mounted srs.conf.
	target := bindTarget(t, srs, srsConfFile)
	cmd := strings.Join(append(append([]string{}, srs.Entrypoint...), srs.Command...), " ")
	all := regexp.MustCompile(`-c (\S+)`).FindAllStringSubmatch(cmd, -1)
	var m []string
	if len(all) > 0 {
		m = all[len(all)-1] // the last -c: sh's own -c comes first
	}
	if m == nil || (m[1] != target && srsWorkDir+"/"+m[1] != target) {
		t.Errorf("srs runs %q, want -c with the mounted %s at %s", cmd, srsConfFile, target)
	}
	if edge := bindTarget(t, service(t, p, "edge"), "conf/nginx-cdn.conf"); edge != edgeConfPath {
		t.Errorf("edge mounts conf/nginx-cdn.conf at %s, want %s", edge, edgeConfPath)
	}
}

// Hooks go to the srs-p2p service on the port it listens and publishes.
func TestComposeHooksReachSidecar(t *testing.T) {
	p := loadCompose(t, nil)
	conf := parseRepoConf(t, srsConfFile)
	for _, hook := range []string{"on_publish", "on_unpublish", "on_hls"} {
		u, err := url.Parse(arg1(t, srsConfFile, conf, "vhost", "http_hooks", hook))
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := p.Services[u.Hostname()]; !ok || u.Hostname() != "srs-p2p" {
			t.Errorf("%s host %q is not the srs-p2p service", hook, u.Hostname())
		}
		if u.Port() != hooksPort {
			t.Errorf("%s port %q, want srs-p2p's %s", hook, u.Port(), hooksPort)
		}
	}
}

func TestComposePorts(t *testing.T) {
	p := loadCompose(t, nil)
	want := map[string][]string{
		"srs":     {"1935:1935/tcp"},
		"edge":    {"8080:8080/tcp"},
		"srs-p2p": {"3478:3478/tcp", "3478:3478/udp", "3479:3479/udp", hooksPort + ":" + hooksPort + "/tcp"},
	}
	for name, ports := range want {
		if got := published(service(t, p, name)); !slices.Equal(got, ports) {
			t.Errorf("%s publishes %v, want %v", name, got, ports)
		}
	}
	srsConf := parseRepoConf(t, srsConfFile)
	if l := arg1(t, srsConfFile, srsConf, "listen"); l != "1935" {
		t.Errorf("srs.conf listen %q, want 1935 (published)", l)
	}
	edgeConf := parseRepoConf(t, nginxConfFile)
	if l := arg1(t, nginxConfFile, edgeConf, "http", "server", "listen"); l != "8080" {
		t.Errorf("nginx-cdn.conf listen %q, want 8080 (published)", l)
	}
	// The image exposes what compose publishes for srs-p2p.
	var exposed []string
	for _, e := range dockerfileFinal(t).expose {
		exposed = append(exposed, e+":"+e)
	}
	var sidecarPorts []string
	for _, pp := range want["srs-p2p"] {
		sidecarPorts = append(sidecarPorts, strings.SplitN(pp, ":", 2)[1]+":"+strings.SplitN(pp, ":", 2)[1])
	}
	slices.Sort(exposed)
	if !slices.Equal(exposed, sidecarPorts) {
		t.Errorf("Dockerfile EXPOSE %v, want %v", exposed, sidecarPorts)
	}
}

// The edge's upstreams are compose services on the ports they listen on.
func TestComposeEdgeUpstreams(t *testing.T) {
	p := loadCompose(t, nil)
	edgeConf := parseRepoConf(t, nginxConfFile)
	srsHTTP := arg1(t, srsConfFile, parseRepoConf(t, srsConfFile), "http_server", "listen")
	wantPort := map[string]string{"srs": srsHTTP, "srs-p2p": hooksPort}
	ups := find(edgeConf, "http", "upstream")
	if len(ups) == 0 {
		t.Fatalf("%s: no upstream blocks", nginxConfFile)
	}
	defined := map[string]bool{}
	for _, up := range ups {
		defined[up.args[0]] = true
		for _, srv := range find(up.block, "server") {
			host, port, err := net.SplitHostPort(srv.args[0])
			if err != nil {
				t.Errorf("%s:%d: server %q: %v", nginxConfFile, srv.line, srv.args[0], err)
				continue
			}
			if _, ok := p.Services[host]; !ok {
				t.Errorf("%s:%d: upstream %s server %q is not a compose service", nginxConfFile, srv.line, up.args[0], host)
			}
			if port != wantPort[host] {
				t.Errorf("%s:%d: upstream %s port %s, want %s's %s", nginxConfFile, srv.line, up.args[0], port, host, wantPort[host])
			}
		}
	}
	for _, pass := range find(edgeConf, "http", "server", "location", "proxy_pass") {
		u, err := url.Parse(pass.args[0])
		if err != nil || !defined[u.Host] {
			t.Errorf("%s:%d: proxy_pass %q is not one of the upstreams %v", nginxConfFile, pass.line, pass.args[0], defined)
		}
	}
}

// PUBLIC_HOST is the one place an operator edits: every public URL uses it,
// and every SRS_P2P_ variable is one srs-p2p knows.
func TestComposePublicURLs(t *testing.T) {
	sp := service(t, loadCompose(t, map[string]string{"PUBLIC_HOST": "stream.example.com"}), "srs-p2p")
	want := map[string]string{
		"SRS_P2P_P2P_TRACKERS": "ws://stream.example.com:8080/p2p/v1/tracker",
		"SRS_P2P_P2P_STUN":     "stun:stream.example.com:3478,stun:stream.example.com:3479",
		"SRS_P2P_P2P_PINGBACK": "http://stream.example.com:8080/p2p/v1/pingback",
	}
	for k, v := range want {
		if got := env(t, sp, k); got != v {
			t.Errorf("%s = %q, want %q", k, got, v)
		}
	}
	if got := env(t, service(t, loadCompose(t, nil), "srs-p2p"), "SRS_P2P_P2P_TRACKERS"); got != "ws://localhost:8080/p2p/v1/tracker" {
		t.Errorf("default SRS_P2P_P2P_TRACKERS = %q, want localhost", got)
	}
	sample := string(readRepoFile(t, "conf/srs-p2p.conf"))
	for k := range sp.Environment {
		if strings.HasPrefix(k, "SRS_P2P_") && !strings.Contains(sample, "Env "+k+".") {
			t.Errorf("environment %s is not a key of conf/srs-p2p.conf (srs-p2p rejects unknown SRS_P2P_ variables)", k)
		}
	}
}
