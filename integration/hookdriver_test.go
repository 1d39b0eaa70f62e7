package integration

import (
	"os"
	"path/filepath"
	"sync/atomic"
	"testing"
)

// hookRoute is where SRS would be configured to send on_hls; hookAnyRoute
// dispatches on the body's action.
const (
	hookRoute    = "/api/v1/hooks/on_hls"
	hookAnyRoute = "/api/v1/hooks"
)

// hookDriver plays SRS's on_hls queue: for each segment that appears in a
// new playlist version it POSTs an on_hls built from a captured body. In
// hostile mode it mixes in what DESIGN.md §3 says SRS really does: some
// hooks duplicated, some out of order, some only after the segment was
// deleted, and one for a file that never existed.
type hookDriver struct {
	sc       *sidecar
	hooks    *srsHooks
	mon      *monitor
	hlsDir   string
	streamID string
	hostile  bool
	log      *hookLog

	stop chan struct{}
	done chan struct{}

	lateSent atomic.Int32 // hooks sent after their segment's file was deleted

	// Owned by the driver goroutine until done is closed.
	seen      map[uint64]bool
	count     int
	reordered []playlistSegment // held until the next segment's hook went out
	late      []playlistSegment // held until their file is deleted
	phantom   bool
}

// phantomSegment is never written by the publisher.
const phantomSegment = streamName + "-99999.ts"

func startHookDriver(t *testing.T, sc *sidecar, hooks *srsHooks, mon *monitor, hlsDir, streamID string, hostile bool, log *hookLog) *hookDriver {
	d := &hookDriver{
		sc: sc, hooks: hooks, mon: mon, hlsDir: hlsDir, streamID: streamID, hostile: hostile, log: log,
		stop: make(chan struct{}), done: make(chan struct{}), seen: map[uint64]bool{},
	}
	go d.run()
	t.Cleanup(d.finish)
	return d
}

// finish stops the driver after it sent every held hook (late ones late
// indeed: the publisher has stopped by then). Safe to call twice.
func (d *hookDriver) finish() {
	select {
	case <-d.stop:
	default:
		close(d.stop)
	}
	<-d.done
}

func (d *hookDriver) run() {
	defer close(d.done)
	for {
		select {
		case v := <-d.mon.onChange:
			d.onPlaylist(v.pl)
		case <-d.stop:
			for {
				select {
				case v := <-d.mon.onChange:
					d.onPlaylist(v.pl)
				default:
					for _, s := range append(d.reordered, d.late...) {
						d.send(hookRoute, s)
					}
					return
				}
			}
		}
	}
}

func (d *hookDriver) onPlaylist(pl *playlist) {
	for _, s := range pl.segments {
		if d.seen[s.seq] {
			continue
		}
		d.seen[s.seq] = true
		d.newSegment(s)
	}
	if d.hostile {
		d.sendDeleted()
	}
}

func (d *hookDriver) newSegment(s playlistSegment) {
	k := d.count
	d.count++
	if !d.hostile {
		d.send(hookRoute, s)
		return
	}
	switch k % 5 {
	case 0:
		d.send(hookRoute, s)
	case 1: // duplicated, the copy through the body-dispatch route
		d.send(hookRoute, s)
		d.send(hookAnyRoute, s)
	case 2: // overtaken by the next one
		d.reordered = append(d.reordered, s)
	case 3:
		d.send(hookRoute, s)
		for _, r := range d.reordered {
			d.send(hookAnyRoute, r)
		}
		d.reordered = nil
	case 4: // arrives after the segment was deleted
		d.late = append(d.late, s)
	}
	if !d.phantom && k == 2 {
		d.phantom = true
		d.log.post(d.sc, hookRoute, d.hooks.onHLS(d.streamID, 99999, 1, phantomSegment).bytes())
	}
}

// sendDeleted sends the held late hooks whose segment file is gone.
func (d *hookDriver) sendDeleted() {
	keep := d.late[:0]
	for _, s := range d.late {
		if _, err := os.Stat(filepath.Join(d.hlsDir, streamApp, s.uri)); os.IsNotExist(err) {
			d.send(hookRoute, s)
			d.lateSent.Add(1)
			continue
		}
		keep = append(keep, s)
	}
	d.late = keep
}

func (d *hookDriver) send(route string, s playlistSegment) {
	d.log.post(d.sc, route, d.hooks.onHLS(d.streamID, s.seq, s.duration, s.uri).bytes())
}
