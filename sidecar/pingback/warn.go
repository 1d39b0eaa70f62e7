package pingback

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// warnLimiter lets through at most one WARN line per reason per second, so
// a flood of bad requests cannot flood the log; the line says how many
// were not logged since the previous one.
type warnLimiter struct {
	log *slog.Logger
	now func() time.Time

	mu    sync.Mutex
	state map[string]*warnState // by reason, a fixed set
}

type warnState struct {
	last       time.Time
	suppressed int
}

func newWarnLimiter(log *slog.Logger, now func() time.Time) *warnLimiter {
	return &warnLimiter{log: log, now: now, state: map[string]*warnState{}}
}

// warn logs msg for reason unless one was logged less than a second ago.
func (l *warnLimiter) warn(ctx context.Context, reason, msg string, args ...any) {
	now := l.now()
	l.mu.Lock()
	st := l.state[reason]
	if st == nil {
		st = &warnState{}
		l.state[reason] = st
	}
	if !st.last.IsZero() && now.Sub(st.last) < time.Second && !now.Before(st.last) {
		st.suppressed++
		l.mu.Unlock()
		return
	}
	suppressed := st.suppressed
	st.last, st.suppressed = now, 0
	l.mu.Unlock()
	args = append(args, "reason", reason)
	if suppressed > 0 {
		args = append(args, "suppressed", suppressed)
	}
	l.log.WarnContext(ctx, msg, args...)
}
