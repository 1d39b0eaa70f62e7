package conf

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// applyEnv sets every key named by an SRS_P2P_ variable of environ and
// returns which keys it set, keyed by dotted key, valued by env var name.
// Later entries win, as with os/exec. An SRS_P2P_ variable that matches no
// key is an error: a typo must not silently leave the default in place.
func applyEnv(c *Config, environ []string) (map[string]string, error) {
	set := map[string]string{}
	for _, kv := range environ {
		name, val, ok := strings.Cut(kv, "=")
		if !ok || !strings.HasPrefix(name, envPrefix) {
			continue
		}
		l := schema().byEnv[name]
		if l == nil {
			return nil, newKeyError("", ErrUnknownKey,
				"unknown environment variable %s: no config key matches it", keyText(name))
		}
		if err := setFromEnv(c, l, val); err != nil {
			return nil, err
		}
		set[l.key] = name
	}
	return set, nil
}

// setFromEnv parses val as l's kind and stores it in c. Strings are taken
// verbatim (a secret may hold any byte); everything else is trimmed.
func setFromEnv(c *Config, l *leaf, val string) error {
	f := l.field(c)
	trimmed := strings.TrimSpace(val)
	switch l.kind {
	case kindString:
		f.SetString(val)
	case kindBool:
		b, ok := parseBool(trimmed)
		if !ok {
			return envError(l, val, "is not a boolean (true/false, on/off, yes/no, 1/0)")
		}
		f.SetBool(b)
	case kindInt, kindInt64:
		bits := 64
		if l.kind == kindInt {
			bits = strconv.IntSize
		}
		n, err := strconv.ParseInt(trimmed, 10, bits)
		if errors.Is(err, strconv.ErrRange) {
			return envError(l, val, "is out of range")
		}
		if err != nil {
			return envError(l, val, "is not an integer")
		}
		f.SetInt(n)
	case kindDuration:
		d, err := time.ParseDuration(trimmed)
		if err != nil {
			return envError(l, val, `is not a duration like "10s" or "1m30s"`)
		}
		f.SetInt(int64(d))
	case kindList:
		items, err := parseList(l, val)
		if err != nil {
			return err
		}
		f.Set(reflect.ValueOf(items))
	}
	return nil
}

// parseBool accepts JSON's words and the ones SRS users write in srs.conf.
func parseBool(s string) (value, ok bool) {
	switch strings.ToLower(s) {
	case "true", "on", "yes", "1":
		return true, true
	case "false", "off", "no", "0":
		return false, true
	}
	return false, false
}

// parseList splits a comma-separated list and trims its items. An empty
// value is the empty list; an empty item ("a,,b", "a,") is an error
// because it is almost always a slip.
func parseList(l *leaf, val string) ([]string, error) {
	if strings.TrimSpace(val) == "" {
		return []string{}, nil
	}
	parts := strings.Split(val, ",")
	items := make([]string, 0, len(parts))
	for i, p := range parts {
		p = strings.TrimSpace(p)
		if p == "" {
			return nil, envError(l, val, "has an empty item at position "+strconv.Itoa(i))
		}
		items = append(items, p)
	}
	return items, nil
}

// envError reads `SRS_P2P_HLS_RETAIN: "abc" is not an integer`. Secret
// values are never echoed; none of their parsers can fail today, but the
// guard keeps it so if one is added.
func envError(l *leaf, val, what string) error {
	shown := quote(val)
	if l.secret {
		shown = "(len " + strconv.Itoa(len(val)) + ")"
	}
	return newKeyError(l.key, ErrWrongType, "%s: %s %s", l.env, shown, what)
}
