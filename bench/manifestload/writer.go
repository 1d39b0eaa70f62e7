package main

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// writerQueue is each writer's backlog before the scheduler waits (and the
// lateness it then measures shows the generator fell behind).
const writerQueue = 64

// job is one segment of one stream, due at a time.
type job struct {
	stream int
	seq    uint64
	due    time.Time
}

// generator plays N SRS streams. One scheduler goroutine walks the global
// timeline (stream i's phase is i/N of a segment duration) and hands each
// segment to writer i%W, so a stream's segments stay in order on one writer
// and 1000 streams need only W busy goroutines.
type generator struct {
	live     string
	streams  int
	writers  int
	segDur   time.Duration
	window   int
	payload  []byte // shared random content; bytes 0..15 are stamped per segment
	tracker  *tracker
	extinf   string // "#EXTINF:2.000, no desc"
	targetHd string // "#EXT-X-TARGETDURATION:2"

	mu       sync.Mutex
	lateness []time.Duration // how late each segment started
	written  int
	err      error
}

func newGenerator(live string, o *options, streams int, payload []byte, tr *tracker) *generator {
	return &generator{
		live:     live,
		streams:  streams,
		writers:  o.writers,
		segDur:   o.segDur,
		window:   o.window,
		payload:  payload,
		tracker:  tr,
		extinf:   fmt.Sprintf("#EXTINF:%.3f, no desc", o.segDur.Seconds()),
		targetHd: fmt.Sprintf("#EXT-X-TARGETDURATION:%d", int(math.Ceil(o.segDur.Seconds()))),
	}
}

// run publishes every segment due in [start, end) and returns once all are
// written, or at the first write error, or when ctx ends.
func (g *generator) run(ctx context.Context, start, end time.Time) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	queues := make([]chan job, g.writers)
	var wg sync.WaitGroup
	for w := range queues {
		queues[w] = make(chan job, writerQueue)
		wg.Add(1)
		go func() {
			defer wg.Done()
			g.write(queues[w], cancel)
		}()
	}
	g.schedule(ctx, start, end, queues)
	for _, q := range queues {
		close(q)
	}
	wg.Wait()
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.err != nil {
		return g.err
	}
	return ctx.Err()
}

func (g *generator) schedule(ctx context.Context, start, end time.Time, queues []chan job) {
	timer := time.NewTimer(0)
	defer timer.Stop()
	<-timer.C
	for j := int64(0); ; j++ {
		due := start.Add(time.Duration(j * int64(g.segDur) / int64(g.streams)))
		if !due.Before(end) {
			return
		}
		if wait := time.Until(due); wait > 0 {
			timer.Reset(wait)
			select {
			case <-timer.C:
			case <-ctx.Done():
				return
			}
		}
		i := int(j % int64(g.streams))
		select {
		case queues[i%len(queues)] <- job{stream: i, seq: uint64(j / int64(g.streams)), due: due}:
		case <-ctx.Done():
			return
		}
	}
}

// write runs one writer: it publishes its jobs in order and stops the
// whole generator on the first error (a full disk, say).
func (g *generator) write(q <-chan job, cancel context.CancelFunc) {
	var b strings.Builder
	var late []time.Duration
	n := 0
	defer func() {
		g.mu.Lock()
		g.lateness = append(g.lateness, late...)
		g.written += n
		g.mu.Unlock()
	}()
	for jb := range q {
		late = append(late, max(time.Since(jb.due), 0))
		if err := g.publish(jb, &b); err != nil {
			g.mu.Lock()
			if g.err == nil {
				g.err = err
			}
			g.mu.Unlock()
			cancel()
			for range q { // drain so the scheduler never blocks
			}
			return
		}
		n++
	}
}

// publish does what SRS does for a new segment (see the inotify timeline
// in the SRS captures): write and close x.ts.tmp, rename it to x.ts, write
// the playlist to x.m3u8.temp and rename it over x.m3u8, then delete the
// segment that left the window.
func (g *generator) publish(jb job, b *strings.Builder) error {
	seg := filepath.Join(g.live, segName(jb.stream, jb.seq))
	if err := g.writeSegment(seg+".tmp", jb); err != nil {
		return err
	}
	if err := os.Rename(seg+".tmp", seg); err != nil {
		return err
	}
	pl := filepath.Join(g.live, playlistName(jb.stream))
	if err := os.WriteFile(pl+".temp", g.playlist(b, jb), 0o644); err != nil {
		return err
	}
	if err := os.Rename(pl+".temp", pl); err != nil {
		return err
	}
	g.tracker.published(jb.stream, jb.seq, jb.due, time.Now())
	if jb.seq >= uint64(g.window) {
		old := filepath.Join(g.live, segName(jb.stream, jb.seq-uint64(g.window)))
		if err := os.Remove(old); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// writeSegment writes the shared payload with (stream, seq) stamped into
// its first 16 bytes, so every segment has its own hash, without copying
// the payload (the stamp is written first, the rest from the shared slice).
func (g *generator) writeSegment(name string, jb job) error {
	var stamp [16]byte
	binary.BigEndian.PutUint64(stamp[:8], uint64(jb.stream))
	binary.BigEndian.PutUint64(stamp[8:], jb.seq)
	f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	n := min(len(stamp), len(g.payload))
	_, err = f.Write(stamp[:n])
	if err == nil {
		_, err = f.Write(g.payload[n:])
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// playlist renders stream's playlist once seq is its newest segment: the
// last window segments, like SRS's hls_window.
func (g *generator) playlist(b *strings.Builder, jb job) []byte {
	first := uint64(0)
	if jb.seq >= uint64(g.window) {
		first = jb.seq - uint64(g.window) + 1
	}
	b.Reset()
	b.WriteString("#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:")
	b.WriteString(strconv.FormatUint(first, 10))
	b.WriteString("\n")
	b.WriteString(g.targetHd)
	b.WriteString("\n")
	for s := first; s <= jb.seq; s++ {
		b.WriteString(g.extinf)
		b.WriteString("\n")
		b.WriteString(segName(jb.stream, s))
		b.WriteString("\n")
	}
	return []byte(b.String())
}

func segName(stream int, seq uint64) string {
	return "s" + strconv.Itoa(stream) + "-" + strconv.FormatUint(seq, 10) + ".ts"
}

// stats returns the scheduling lateness of every segment and how many were
// written; call after run.
func (g *generator) stats() ([]time.Duration, int) {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.lateness, g.written
}
