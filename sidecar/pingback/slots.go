package pingback

import "time"

// Time is cut into 10 s slots aligned to the Unix epoch. Each stream keeps
// one bucket of sums per slot in a ring of an hour: the windows and the
// history are read from it.
const (
	slotSeconds  = 10
	slotStep     = slotSeconds * time.Second
	historySlots = 360 // one hour
)

// A window of W seconds is the current (partial) slot plus the W/10 full
// slots before it, so it spans W to W+10 s; Window.DurationS says exactly
// how long. The longest window decides how long sessions are remembered.
type span struct {
	name string
	prev int64 // full slots before the current one
}

var (
	span10s  = span{"10s", 1}
	span60s  = span{"60s", 6}
	span300s = span{"300s", 30}
)

// keepSlots is how many slots back a session or network still counts in
// the longest window.
const keepSlots = 30 + 1

// slotOf returns the slot that holds t.
func slotOf(t time.Time) int64 {
	sec := t.Unix()
	if sec < 0 {
		return (sec - slotSeconds + 1) / slotSeconds
	}
	return sec / slotSeconds
}

// ringIndex is where slot lives in a ring of n entries.
func ringIndex(slot int64, n int) int {
	i := slot % int64(n)
	if i < 0 {
		i += int64(n)
	}
	return int(i)
}

// slotStart is the first instant of a slot.
func slotStart(slot int64) time.Time {
	return time.Unix(slot*slotSeconds, 0).UTC()
}

// activity records in which of the last 64 slots something happened:
// bit i stands for slot last-i.
type activity struct {
	last int64
	bits uint64
}

// mark records slot and reports whether it was not recorded yet. Slots
// more than 63 before the newest one are too old to record.
func (a *activity) mark(slot int64) bool {
	switch {
	case a.bits == 0:
		a.last, a.bits = slot, 1
		return true
	case slot > a.last:
		if d := slot - a.last; d >= 64 {
			a.bits = 0
		} else {
			a.bits <<= uint(d)
		}
		a.last = slot
		a.bits |= 1
		return true
	}
	d := a.last - slot
	if d >= 64 || a.bits&(1<<uint(d)) != 0 {
		return false
	}
	a.bits |= 1 << uint(d)
	return true
}

// any reports whether some slot in from..to was recorded.
func (a *activity) any(from, to int64) bool {
	if a.bits == 0 || to < from {
		return false
	}
	to = min(to, a.last)
	from = max(from, a.last-63)
	for s := from; s <= to; s++ {
		if a.bits&(1<<uint(a.last-s)) != 0 {
			return true
		}
	}
	return false
}

// bucket is the sums of one slot of one stream.
type bucket struct {
	slot     int64
	reports  int64
	viewers  int64 // sessions present in the slot (see streamStats.apply)
	cdn      int64
	p2pDown  int64
	p2pUp    int64
	segCDN   int64
	segP2P   int64
	stalls   int64
	stallMS  int64
	watchMS  int64
	hashFail int64
	connOK   int64
	connFail int64
	startups *sketch // nil until a report with startup_ms > 0
}
