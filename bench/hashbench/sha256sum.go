package main

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"path"
	"strings"
	"time"
)

// runSHA256Sum times one sha256sum process over every segment and returns
// the hashes it printed, keyed by segment file name.
func runSHA256Sum(ctx context.Context, w *workDir) (time.Duration, map[string]string, error) {
	args := make([]string, w.files)
	for i := range args {
		args[i] = path.Join(appDir, segmentName(i))
	}
	var out, errOut bytes.Buffer
	cmd := exec.CommandContext(ctx, "sha256sum", args...)
	cmd.Dir = w.base
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return 0, nil, fmt.Errorf("sha256sum: %w: %s", err, bytes.TrimSpace(errOut.Bytes()))
	}
	sums, err := parseSHA256Sum(out.Bytes(), w.files)
	if err != nil {
		return 0, nil, err
	}
	return d, sums, nil
}

// parseSHA256Sum reads sha256sum's output ("<64 hex>  live/bench-0.ts" per
// line, or " *" before the name in binary mode) and requires exactly one
// line for each of the files segments.
func parseSHA256Sum(out []byte, files int) (map[string]string, error) {
	want := make(map[string]bool, files)
	for i := range files {
		want[segmentName(i)] = true
	}
	sums := make(map[string]string, files)
	for line := range strings.SplitSeq(strings.TrimSuffix(string(out), "\n"), "\n") {
		sum, name, ok := strings.Cut(line, " ")
		name, _ = strings.CutPrefix(name, " ")
		if !ok || !isLowerHex64(sum) {
			return nil, fmt.Errorf("sha256sum: unexpected line %q", clip(line))
		}
		name = strings.TrimPrefix(name, "*")
		name = strings.TrimPrefix(name, appDir+"/")
		if !want[name] {
			return nil, fmt.Errorf("sha256sum: unexpected file in %q", clip(line))
		}
		if _, dup := sums[name]; dup {
			return nil, fmt.Errorf("sha256sum: %s listed twice", name)
		}
		sums[name] = sum
	}
	if len(sums) != files {
		return nil, fmt.Errorf("sha256sum: hashed %d of %d files", len(sums), files)
	}
	return sums, nil
}

func isLowerHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := range len(s) {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// clip shortens a quoted line in an error message.
func clip(s string) string {
	const n = 120
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// sha256sumVersion names the baseline in the report, e.g.
// "sha256sum (GNU coreutils) 9.1".
func sha256sumVersion(ctx context.Context) string {
	out, err := exec.CommandContext(ctx, "sha256sum", "--version").Output()
	if err != nil {
		return "sha256sum"
	}
	first, _, _ := strings.Cut(string(out), "\n")
	return clip(strings.TrimSpace(first))
}
