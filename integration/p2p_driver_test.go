package integration

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestP2PViewersDriver: the browser driver's own unit tests pass (poison
// framing, tracker frame recording, final snapshot, config), and the driver
// refuses a page off this machine with exit status 2 and a JSON error,
// before starting any browser.
func TestP2PViewersDriver(t *testing.T) {
	node := requireE2EBrowser(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, node, "--test", filepath.Join(e2eBrowserDir, "driver.test.mjs")).CombinedOutput()
	if err != nil {
		t.Fatalf("node --test driver.test.mjs: %v\n%s", err, out)
	}

	tests := []struct {
		name, config, want string
	}{
		{"off this machine", `{"url":"http://192.0.2.1:8085/play/live/livestream"}`, "must point at this machine"},
		{"unknown key", `{"url":"http://127.0.0.1:1/","viewerz":2}`, `unknown key "viewerz"`},
		{"poison out of range", `{"url":"http://127.0.0.1:1/","viewers":2,"poison":[2]}`, "poison: 2 is not a viewer index"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.CommandContext(ctx, node, filepath.Join(e2eBrowserDir, "viewers.mjs"), "--json-config", tt.config)
			stdout, err := cmd.Output()
			var exit *exec.ExitError
			if !errors.As(err, &exit) || exit.ExitCode() != 2 {
				t.Fatalf("exit %v, want status 2; stdout %s", err, stdout)
			}
			var res viewersResult
			if err := json.Unmarshal(stdout, &res); err != nil {
				t.Fatalf("stdout %q: %v", stdout, err)
			}
			if res.OK || res.Error == nil || !strings.Contains(*res.Error, tt.want) {
				t.Fatalf("result ok=%v error %s, want an error containing %q", res.OK, strOrNil(res.Error), tt.want)
			}
		})
	}
}
