module github.com/webp2p/srs-p2p

go 1.26.0

require (
	github.com/VictoriaMetrics/metrics v1.44.0
	github.com/bluenviron/gohlslib/v2 v2.2.3
	github.com/fsnotify/fsnotify v1.10.1
	github.com/go-chi/chi/v5 v5.5.0
	github.com/ossrs/go-oryx-lib v0.0.10
	golang.org/x/sync v0.25.0
	golang.org/x/sys v0.50.0
)

require (
	github.com/valyala/fastrand v1.1.0 // indirect
	github.com/valyala/histogram v1.2.0 // indirect
)
