// Package deps pins the module's dependencies while the packages using them
// are written in parallel. Removed once every dependency has a real importer.
package deps

import (
	_ "github.com/VictoriaMetrics/metrics"
	_ "github.com/bluenviron/gohlslib/v2/pkg/playlist"
	_ "github.com/fsnotify/fsnotify"
	_ "github.com/go-chi/chi/v5"
	_ "github.com/ossrs/go-oryx-lib/json"
	_ "github.com/pion/stun/v3"
	_ "golang.org/x/net/ipv4"
	_ "golang.org/x/sync/errgroup"
	_ "golang.org/x/sys/unix"
)
