package hlswatch

import (
	"github.com/VictoriaMetrics/metrics"
)

// watcherMetrics are the counters of one Watcher. Every name is registered
// once, up front, in the Watcher's own Set; label values are constants.
type watcherMetrics struct {
	set *metrics.Set

	// events_total counts every fsnotify event and every file found by a
	// walk of a new directory, by what it turned into.
	playlist   *metrics.Counter
	segment    *metrics.Counter
	removed    *metrics.Counter
	dirAdded   *metrics.Counter // every watch added, the startup walk included
	dirRemoved *metrics.Counter // every watch dropped, so dirs == added - removed
	ignored    *metrics.Counter

	rescanOverflow *metrics.Counter
	rescanError    *metrics.Counter

	// dirs_skipped_total counts directories left unwatched: over the limit,
	// or refused by the kernel (fs.inotify.max_user_watches).
	skippedLimit    *metrics.Counter
	skippedAddError *metrics.Counter
}

func newWatcherMetrics(dirs func() float64) *watcherMetrics {
	s := metrics.NewSet()
	event := func(kind string) *metrics.Counter {
		return s.NewCounter(`srs_p2p_watcher_events_total{kind="` + kind + `"}`)
	}
	m := &watcherMetrics{
		set:             s,
		playlist:        event("playlist"),
		segment:         event("segment"),
		removed:         event("removed"),
		dirAdded:        event("dir_added"),
		dirRemoved:      event("dir_removed"),
		ignored:         event("ignored"),
		rescanOverflow:  s.NewCounter(`srs_p2p_watcher_rescans_total{reason="overflow"}`),
		rescanError:     s.NewCounter(`srs_p2p_watcher_rescans_total{reason="error"}`),
		skippedLimit:    s.NewCounter(`srs_p2p_watcher_dirs_skipped_total{reason="limit"}`),
		skippedAddError: s.NewCounter(`srs_p2p_watcher_dirs_skipped_total{reason="add_error"}`),
	}
	s.NewGauge(`srs_p2p_watcher_dirs`, dirs)
	return m
}
