package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// minNodeMajor is the oldest node the baseline runs on (its package.json
// engines field says the same).
const minNodeMajor = 20

// maxPackageJSON bounds what is read of a package.json: bittorrent-tracker's
// is about 3 KB.
const maxPackageJSON = 256 << 10

var errPackageJSON = errors.New("trackerload: bad package.json")

// nodeMajor reads the major version out of `node --version` ("v20.20.2\n").
func nodeMajor(s string) (int, bool) {
	s, ok := strings.CutPrefix(strings.TrimSpace(s), "v")
	if !ok {
		return 0, false
	}
	majorText, _, _ := strings.Cut(s, ".")
	if majorText == "" || len(majorText) > 4 {
		return 0, false
	}
	for _, r := range majorText {
		if r < '0' || r > '9' {
			return 0, false
		}
	}
	major, err := strconv.Atoi(majorText)
	return major, err == nil
}

// parsePinned returns the exact bittorrent-tracker version the baseline's
// package.json depends on; a range would make runs incomparable.
func parsePinned(b []byte) (string, error) {
	var p struct {
		Dependencies map[string]string `json:"dependencies"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return "", fmt.Errorf("%w: %v", errPackageJSON, err)
	}
	v := p.Dependencies["bittorrent-tracker"]
	if !isExactVersion(v) {
		return "", fmt.Errorf("%w: dependency bittorrent-tracker is %q, want an exact version like 11.2.3", errPackageJSON, v)
	}
	return v, nil
}

// parseInstalled returns the version of an installed package's package.json.
func parseInstalled(b []byte) (string, error) {
	var p struct {
		Name    string `json:"name"`
		Version string `json:"version"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return "", fmt.Errorf("%w: %v", errPackageJSON, err)
	}
	if p.Name != "bittorrent-tracker" || !isExactVersion(p.Version) {
		return "", fmt.Errorf("%w: name %q version %q", errPackageJSON, p.Name, p.Version)
	}
	return p.Version, nil
}

// isExactVersion accepts MAJOR.MINOR.PATCH, digits only.
func isExactVersion(v string) bool {
	parts := strings.Split(v, ".")
	if len(parts) != 3 {
		return false
	}
	for _, p := range parts {
		if p == "" || len(p) > 6 || strings.Trim(p, "0123456789") != "" {
			return false
		}
	}
	return true
}

func pinnedVersion(path string) (string, error) {
	b, err := readBounded(path)
	if err != nil {
		return "", err
	}
	return parsePinned(b)
}

func installedVersion(path string) (string, error) {
	b, err := readBounded(path)
	if err != nil {
		return "", err
	}
	return parseInstalled(b)
}

func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxPackageJSON+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxPackageJSON {
		return nil, fmt.Errorf("%w: %s is over %d bytes", errPackageJSON, path, maxPackageJSON)
	}
	return b, nil
}
