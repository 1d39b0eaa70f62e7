// Package testfake holds the fakes several packages' tests share: a clock
// that moves only when told, and a stream source the test edits (what the
// tracker and pingback poll the indexer for).
package testfake

import (
	"sync"
	"time"

	"github.com/webp2p/srs-p2p/sidecar/indexer"
)

// Clock is a test's time. Safe for concurrent use.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock standing at t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now is the clock's time; pass it where a func() time.Time is wanted.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Add moves the clock by d.
func (c *Clock) Add(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

// Streams is a stream source (Streams() []indexer.StreamInfo) the test
// edits with Set; it counts how often it was asked. Safe for concurrent use.
type Streams struct {
	mu    sync.Mutex
	list  []indexer.StreamInfo
	calls int
}

// Streams returns a copy of the current list.
func (f *Streams) Streams() []indexer.StreamInfo {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls++
	return append([]indexer.StreamInfo(nil), f.list...)
}

// Set replaces the list: streams started or ended.
func (f *Streams) Set(list ...indexer.StreamInfo) {
	f.mu.Lock()
	f.list = list
	f.mu.Unlock()
}

// Calls is how many times Streams was called.
func (f *Streams) Calls() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.calls
}
