package integration

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// buildVersion is stamped into the test binary with -X main.version, so the
// -v test checks a value the build really put there.
const buildVersion = "0.0.0-itest"

var (
	// binPath is the race-enabled srs-p2p built once by TestMain.
	binPath string
	// srsTestdata holds the real SRS captures; the repository is cloned with
	// shared/ beside it, so it is two levels up from this package.
	srsTestdata = filepath.Join("..", "..", "shared", "testdata", "srs")
)

func TestMain(m *testing.M) {
	os.Exit(runMain(m))
}

func runMain(m *testing.M) int {
	if err := checkFFmpeg(); err != nil {
		say("integration: " + err.Error())
		return 1
	}
	root, err := repoRoot()
	if err != nil {
		say("integration: cannot find the repository root: " + err.Error())
		return 1
	}
	dir, err := os.MkdirTemp("", "srs-p2p-itest-")
	if err != nil {
		say("integration: " + err.Error())
		return 1
	}
	defer os.RemoveAll(dir)
	binPath = filepath.Join(dir, "srs-p2p")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, goTool(), "build", "-race",
		"-ldflags", "-X main.version="+buildVersion, "-o", binPath, "./sidecar")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		say("integration: go build -race ./sidecar failed: " + err.Error() + "\n" + string(out))
		return 1
	}
	return m.Run()
}

// say writes a line for the developer before any test runs (no *testing.T yet).
func say(msg string) {
	_, _ = os.Stderr.WriteString(msg + "\n")
}

// checkFFmpeg fails with an actionable message instead of letting every test
// fail later with a confusing one.
func checkFFmpeg() error {
	path, err := exec.LookPath("ffmpeg")
	if err != nil {
		return fmt.Errorf("ffmpeg not found in PATH: run scripts/deps.sh (make test does) or apt-get install -y ffmpeg")
	}
	out, err := exec.Command(path, "-hide_banner", "-encoders").CombinedOutput()
	if err != nil {
		return fmt.Errorf("%s -encoders failed: %v", path, err)
	}
	for _, enc := range []string{"libx264", "aac"} {
		if !bytes.Contains(out, []byte(" "+enc+" ")) {
			return fmt.Errorf("%s lacks the %s encoder the tests use: install Debian's ffmpeg package", path, enc)
		}
	}
	return nil
}

// repoRoot is the directory of go.mod, found the way the go command finds it.
func repoRoot() (string, error) {
	out, err := exec.Command(goTool(), "env", "GOMOD").Output()
	if err == nil {
		if mod := strings.TrimSpace(string(out)); mod != "" && mod != os.DevNull {
			return filepath.Dir(mod), nil
		}
	}
	// Fall back to the parent of this package's directory.
	abs, err := filepath.Abs("..")
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(abs, "go.mod")); err != nil {
		return "", err
	}
	return abs, nil
}

// goTool is the go command; go test puts its own GOROOT/bin first in PATH.
func goTool() string { return "go" }
