package conf

import (
	"reflect"
	"slices"
)

// Diff compares two configurations and returns, in schema order, the keys
// whose value differs and the subset of them that only takes effect after
// a restart (listen, origin_id, hls.dir, hls.watch, hls.hash_workers,
// hls.build_workers, hls.max_streams, hooks.enabled, stun.listen,
// stun.alt_listen). Both slices are nil when nothing changed, which makes
// a reload of an unchanged file a no-op. A nil list and an empty list are
// equal. Both configs must be non-nil.
func Diff(old, new *Config) (changed []string, needRestart []string) {
	for _, l := range schema().leaves {
		if equalValues(l.field(old), l.field(new), l.kind) {
			continue
		}
		changed = append(changed, l.key)
		if l.restart {
			needRestart = append(needRestart, l.key)
		}
	}
	return changed, needRestart
}

func equalValues(a, b reflect.Value, k kind) bool {
	if k == kindList {
		return slices.Equal(a.Interface().([]string), b.Interface().([]string))
	}
	return a.Equal(b)
}

// KeepRestartValues copies into next the values of running for every key
// that only a restart applies. After a reload next then describes what
// really runs, so the following reload compares against it and a key still
// waiting for a restart is reported again rather than forgotten.
func KeepRestartValues(next, running *Config) {
	for _, l := range schema().leaves {
		if l.restart {
			v := l.field(running)
			if l.kind == kindList {
				v = reflect.ValueOf(slices.Clone(v.Interface().([]string)))
			}
			l.field(next).Set(v)
		}
	}
}
