package conf

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// maxFileBytes bounds the config file: a real one is a few KiB, so anything
// near a MiB is a wrong path (a log, a segment), not a config.
const maxFileBytes = 1 << 20

var utf8BOM = []byte("\xEF\xBB\xBF")

// Load is LoadEnv with the process environment.
func Load(path string) (*Config, error) {
	return LoadEnv(path, os.Environ())
}

// LoadEnv builds a Config from the defaults, then the file at path (skipped
// if path is ""), then the SRS_P2P_ variables of environ ("KEY=value"
// strings, as os.Environ returns), then validates it. Errors say where the
// bad value came from: the file name or the env var name.
func LoadEnv(path string, environ []string) (*Config, error) {
	if path == "" {
		return load("", nil, environ)
	}
	data, err := readFile(path)
	if err != nil {
		return nil, err
	}
	return load(path, data, environ)
}

// load is LoadEnv after the file was read; data is ignored if path is "".
func load(path string, data []byte, environ []string) (*Config, error) {
	c := Default()
	if path != "" {
		if err := decodeFile(data, &c); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
	}
	fromEnv, err := applyEnv(&c, environ)
	if err != nil {
		return nil, err
	}
	if err := c.Validate(); err != nil {
		return nil, blame(err, path, fromEnv)
	}
	return &c, nil
}

// blame prefixes a validation error with the env var that set the key, or
// else with the file name, so the operator knows what to edit.
func blame(err error, path string, fromEnv map[string]string) error {
	var ke *keyError
	if errors.As(err, &ke) {
		if env, ok := fromEnv[ke.key]; ok {
			return fmt.Errorf("%s: %w", env, err)
		}
	}
	if path != "" {
		return fmt.Errorf("%s: %w", path, err)
	}
	return err
}

// readFile reads at most maxFileBytes of path.
func readFile(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err // *PathError already names the file
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > maxFileBytes {
		return nil, fmt.Errorf("%s: %w: larger than the limit of %d bytes (1 MiB)", path, ErrTooBig, maxFileBytes)
	}
	return data, nil
}

// decodeFile strips comments from data, checks it strictly against the
// schema and decodes it over the values already in c.
func decodeFile(data []byte, c *Config) error {
	data = bytes.TrimPrefix(data, utf8BOM)
	stripped, err := stripComments(data)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(stripped)) == 0 {
		return fmt.Errorf("%w: the file is empty; write {} to use every default", ErrSyntax)
	}
	if err := checkStrict(data, stripped); err != nil {
		return err
	}
	// checkStrict accepted the document, so this decode cannot meet an
	// unknown key or a wrong type; DisallowUnknownFields stays as a guard.
	dec := json.NewDecoder(bytes.NewReader(stripped))
	dec.DisallowUnknownFields()
	if err := dec.Decode(c); err != nil {
		return fmt.Errorf("%w: %v", ErrSyntax, err)
	}
	return nil
}
