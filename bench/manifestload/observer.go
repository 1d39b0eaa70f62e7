package main

import (
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/webp2p/srs-p2p/p2pmeta"
)

// observerQueue is fsnotify's channel buffer: 1000 streams make several
// thousand events a second (our own writes included).
const observerQueue = 16384

// observer watches the stream dir for manifests renamed into place, reads
// each, and tells the tracker the newest segment it lists. Its loop runs on
// one goroutine, started by start and ended by stop.
type observer struct {
	live    string
	streams int
	tr      *tracker
	w       *fsnotify.Watcher
	quit    chan struct{}
	done    chan struct{}
	once    sync.Once

	// Written by the loop only; read after stop.
	manifests int   // manifests read and parsed
	overflows int   // inotify queue overflows (events lost, then a sweep)
	bad       int   // manifests that failed p2pmeta.Parse
	firstBad  error // the first such failure
}

// newObserver starts watching live, which must exist; call it before any
// manifest can appear.
func newObserver(live string, streams int, tr *tracker) (*observer, error) {
	w, err := fsnotify.NewBufferedWatcher(observerQueue)
	if err != nil {
		return nil, err
	}
	if err := w.Add(live); err != nil {
		w.Close()
		return nil, err
	}
	return &observer{live: live, streams: streams, tr: tr, w: w, quit: make(chan struct{}), done: make(chan struct{})}, nil
}

func (o *observer) start() { go o.loop() }

// stop ends the loop and the watch; the counters are final afterwards. It
// may be called more than once.
func (o *observer) stop() {
	o.once.Do(func() {
		close(o.quit)
		<-o.done
		o.w.Close()
	})
}

func (o *observer) loop() {
	defer close(o.done)
	for {
		select {
		case <-o.quit:
			return
		case ev, ok := <-o.w.Events:
			if !ok {
				return
			}
			if !ev.Has(fsnotify.Create) {
				continue
			}
			if i, ok := streamOfManifest(filepath.Base(ev.Name), o.streams); ok && filepath.Dir(ev.Name) == o.live {
				o.check(i, time.Now())
			}
		case err, ok := <-o.w.Errors:
			if !ok {
				return
			}
			if errors.Is(err, fsnotify.ErrEventOverflow) {
				o.overflows++
				o.sweep()
			}
		}
	}
}

// sweep reads every manifest after lost events, so no stream waits for its
// next segment to be noticed.
func (o *observer) sweep() {
	at := time.Now()
	for i := range o.streams {
		o.check(i, at)
	}
}

// check reads stream i's manifest and reports its newest segment.
func (o *observer) check(i int, at time.Time) {
	m, err := p2pmeta.ReadFilePath(filepath.Join(o.live, manifestName(i)))
	if errors.Is(err, os.ErrNotExist) {
		return // replaced or not written yet
	}
	if err != nil {
		o.bad++
		if o.firstBad == nil {
			o.firstBad = err
		}
		return
	}
	o.manifests++
	if n := len(m.Segments); n > 0 {
		o.tr.observed(i, m.Segments[n-1].Seq, at)
	}
}

func playlistName(i int) string { return "s" + strconv.Itoa(i) + ".m3u8" }
func manifestName(i int) string { return "s" + strconv.Itoa(i) + p2pmeta.Suffix }

// streamOfManifest returns i for "s<i>.p2p.json" with 0 <= i < streams.
// It accepts only the canonical decimal form, so each stream has one name.
func streamOfManifest(base string, streams int) (int, bool) {
	num, ok := strings.CutSuffix(base, p2pmeta.Suffix)
	if !ok {
		return 0, false
	}
	num, ok = strings.CutPrefix(num, "s")
	if !ok || num == "" || len(num) > 9 {
		return 0, false
	}
	i, err := strconv.Atoi(num)
	if err != nil || i < 0 || i >= streams || strconv.Itoa(i) != num {
		return 0, false
	}
	return i, true
}
