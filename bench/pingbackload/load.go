package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
)

const (
	// maxSamples bounds the latency samples kept (8 bytes each).
	maxSamples = 1 << 22
	// maxExamples bounds the failed replies quoted.
	maxExamples = 3
	// maxReply bounds what is read of a reply.
	maxReply = 4096
)

// bodies renders the load's report of every session: the bytes before and
// after its seq.
type bodies struct {
	prefix [][]byte // per session
	suffix []byte
}

func newBodies() *bodies {
	b := &bodies{suffix: []byte(`,"interval_ms":10000,"cdn_bytes":1228800,"p2p_down_bytes":2457600,` +
		`"p2p_up_bytes":1843200,"segments_cdn":2,"segments_p2p":3,"stalls":0,"stall_ms":0,"startup_ms":0,` +
		`"buffer_s":12.5,"watch_ms":10000,"peers_connected":4,"conn_ok":1,"conn_fail":0,` +
		`"nat":"endpoint_independent","sdk":"srs-p2p-web/0.1.0","device":"desktop","final":false}]}`)}
	for i := 0; i < streams*sessionsPerStream; i++ {
		b.prefix = append(b.prefix, []byte(fmt.Sprintf(`{"version":1,"reports":[{"swarm_id":%q,"peer_id":"-PM0203-%012d","session":"bench-session-%06d","seq":`,
			swarmIDOf(i%streams), i, i)))
	}
	return b
}

// render appends session's report with seq to dst.
func (b *bodies) render(dst []byte, session int, seq uint64) []byte {
	dst = append(dst, b.prefix[session]...)
	dst = strconv.AppendUint(dst, seq, 10)
	return append(dst, b.suffix...)
}

func (b *bodies) sessions() int { return len(b.prefix) }

// client is a keep-alive HTTP client with conns connections.
func newClient(conns int) *http.Client {
	return &http.Client{Transport: &http.Transport{
		MaxIdleConns:        conns,
		MaxIdleConnsPerHost: conns,
		MaxConnsPerHost:     conns,
		DisableCompression:  true,
	}, Timeout: 10 * time.Second}
}

// failures counts requests that were not accepted, with a few examples.
type failures struct {
	n        atomic.Uint64
	mu       sync.Mutex
	examples []string
}

func (f *failures) add(format string, args ...any) {
	f.n.Add(1)
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.examples) < maxExamples {
		f.examples = append(f.examples, fmt.Sprintf(format, args...))
	}
}

func (f *failures) err() error {
	if n := f.n.Load(); n > 0 {
		return fmt.Errorf("%d requests not accepted, e.g. %q", n, f.examples)
	}
	return nil
}

// send posts one body and reports whether the reply accepted it.
func send(ctx context.Context, c *http.Client, url string, body []byte, fail *failures) bool {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		fail.add("%v", err)
		return false
	}
	req.Header.Set("Content-Type", "text/plain;charset=UTF-8")
	resp, err := c.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			fail.add("%v", err)
		}
		return false
	}
	reply, err := io.ReadAll(io.LimitReader(resp.Body, maxReply))
	resp.Body.Close()
	if err != nil || resp.StatusCode != http.StatusOK || !bytes.Contains(reply, []byte(`"accepted":1,`)) {
		fail.add("%d %s %v", resp.StatusCode, reply, err)
		return false
	}
	return true
}

// cpuTime is this process's user + system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// throughput is one closed-loop run. Rates count the measured window; ok
// counts every accepted report, warm-up included.
type throughput struct {
	kind     serverKind
	window   time.Duration
	measured uint64
	ok       uint64
	cpu      time.Duration // whole process, during the window
}

func (t throughput) perSecond() float64 { return float64(t.measured) / t.window.Seconds() }

func (t throughput) perCPUSecond() float64 {
	if t.cpu <= 0 {
		return 0
	}
	return float64(t.measured) / t.cpu.Seconds()
}

// closedLoop has o.conns goroutines send one request at a time each, as
// fast as replies come, for a warm-up and then o.duration measured.
func closedLoop(ctx context.Context, srv *benchServer, b *bodies, o options) (throughput, error) {
	c := newClient(o.conns)
	defer c.CloseIdleConnections()
	var (
		measuring, stop atomic.Bool
		measured, ok    atomic.Uint64
		fail            failures
		wg              sync.WaitGroup
	)
	for g := 0; g < o.conns; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// The goroutine owns the sessions g, g+conns, ...: no two
			// send the same (session, seq).
			var buf []byte
			seqs := map[int]uint64{}
			for session := g; !stop.Load() && ctx.Err() == nil; {
				seqs[session]++
				buf = b.render(buf[:0], session, seqs[session])
				if session += o.conns; session >= b.sessions() {
					session = g
				}
				if send(ctx, c, srv.url, buf, &fail) {
					ok.Add(1)
					if measuring.Load() {
						measured.Add(1)
					}
				}
			}
		}()
	}
	wait(ctx, min(o.duration/10, time.Second))
	cpu0, t0 := cpuTime(), time.Now()
	measuring.Store(true)
	wait(ctx, o.duration)
	measuring.Store(false)
	r := throughput{kind: srv.kind, window: time.Since(t0), cpu: cpuTime() - cpu0, measured: measured.Load()}
	stop.Store(true)
	wg.Wait()
	r.ok = ok.Load()
	if err := ctx.Err(); err != nil {
		return r, err
	}
	return r, fail.err()
}

// latency is the open-loop run.
type latency struct {
	rate   float64 // requests per second scheduled
	sent   uint64
	ok     uint64
	missed uint64 // due while the queue was full: the load fell behind the schedule
	sum    benchutil.Summary
}

type job struct {
	session int
	seq     uint64
	at      time.Time // when it was due
}

// openLoop sends at rate requests per second on a fixed schedule for
// o.duration; each request's latency runs from when it was due.
func openLoop(ctx context.Context, srv *benchServer, b *bodies, o options, rate float64) (latency, error) {
	l := latency{rate: rate}
	if rate <= 0 {
		return l, fmt.Errorf("no rate to run at")
	}
	c := newClient(o.conns)
	defer c.CloseIdleConnections()
	// A short queue: when it is full, the schedule is more than client and
	// server manage together, and the job counts as not sent.
	jobs := make(chan job, 4*o.conns)
	var (
		ok   atomic.Uint64
		fail failures
		mu   sync.Mutex
		all  []time.Duration
		wg   sync.WaitGroup
	)
	for g := 0; g < o.conns; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []byte
			var mine []time.Duration
			for j := range jobs {
				buf = b.render(buf[:0], j.session, j.seq)
				if send(ctx, c, srv.url, buf, &fail) {
					ok.Add(1)
					if len(mine) < maxSamples/o.conns {
						mine = append(mine, time.Since(j.at))
					}
				}
			}
			mu.Lock()
			all = append(all, mine...)
			mu.Unlock()
		}()
	}
	start := time.Now()
	var i uint64
	for ctx.Err() == nil {
		elapsed := time.Since(start)
		if elapsed >= o.duration {
			break
		}
		for due := uint64(elapsed.Seconds() * rate); i < due; i++ {
			j := job{session: int(i % uint64(b.sessions())), seq: i/uint64(b.sessions()) + 1,
				at: start.Add(time.Duration(float64(i) / rate * float64(time.Second)))}
			select {
			case jobs <- j:
				l.sent++
			default:
				l.missed++
			}
		}
		time.Sleep(200 * time.Microsecond)
	}
	close(jobs)
	wg.Wait()
	l.ok = ok.Load()
	l.sum = benchutil.Summarize(all)
	if err := ctx.Err(); err != nil {
		return l, err
	}
	return l, fail.err()
}

// wait sleeps d or until ctx is done.
func wait(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	}
}
