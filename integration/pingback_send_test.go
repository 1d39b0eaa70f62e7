package integration

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"
)

// Sending the planned reports to srs-p2p and checking every reply.

const (
	simPingbackPath = "/p2p/v1/pingback"
	// simWorkers is how many viewers post at once: enough to overlap
	// requests, few enough for a 2-core machine running a -race binary.
	simWorkers = 8
	// simMaxErrors bounds the errors one run keeps for its failure message.
	simMaxErrors = 5
)

// simReply is pingback's success reply.
type simReply struct {
	Code   int    `json:"code"`
	Server string `json:"server"`
	Data   struct {
		IntervalMS int64 `json:"interval_ms"`
		Accepted   int   `json:"accepted"`
		Duplicates int   `json:"duplicates"`
	} `json:"data"`
}

// feed sends the planned rounds one pingback interval apart: the viewers'
// reports arrive over time, as the browsers' would.
func (f *simFleet) feed(t *testing.T, sc *sidecar) {
	t.Helper()
	tick := time.NewTicker(simIntervalMS * time.Millisecond)
	defer tick.Stop()
	for i, jobs := range f.rounds {
		if i > 0 {
			<-tick.C
		}
		if err := f.run(sc, jobs); err != nil {
			t.Fatalf("round %d of %d (%d viewers): %v", i+1, len(f.rounds), len(jobs), err)
		}
	}
}

// run sends jobs, simWorkers at a time; each job's requests go in order.
// It returns the first errors (a job stops at its first).
func (f *simFleet) run(sc *sidecar, jobs [][]simRequest) error {
	work := make(chan []simRequest)
	errs := make(chan error, len(jobs))
	done := make(chan struct{})
	for range simWorkers {
		go func() {
			defer func() { done <- struct{}{} }()
			for job := range work {
				for _, req := range job {
					if err := f.post(sc, req); err != nil {
						errs <- err
						break
					}
				}
			}
		}()
	}
	for _, job := range jobs {
		work <- job
	}
	close(work)
	for range simWorkers {
		<-done
	}
	close(errs)
	var first []error
	n := 0
	for err := range errs {
		if n++; len(first) < simMaxErrors {
			first = append(first, err)
		}
	}
	if n > 0 {
		return fmt.Errorf("%d requests failed, the first: %w", n, errors.Join(first...))
	}
	return nil
}

// post sends one request and requires the reply it must get: 200, code 0,
// the configured interval and the planned accepted and duplicate counts.
func (f *simFleet) post(sc *sidecar, req simRequest) error {
	body, err := json.Marshal(simBatch{Version: 1, Reports: req.reports})
	if err != nil {
		return err
	}
	status, reply, err := httpTry(http.MethodPost, sc.url(simPingbackPath), req.contentType, body)
	f.mu.Lock()
	f.posts++
	f.accepted += int64(req.accepted)
	f.duplicates += int64(req.duplicates)
	f.mu.Unlock()
	first := req.reports[0]
	who := fmt.Sprintf("%d reports from %s seq %d", len(req.reports), first.Session, first.Seq)
	if err != nil {
		return fmt.Errorf("%s: %v", who, err)
	}
	var r simReply
	if status != http.StatusOK || json.Unmarshal(reply, &r) != nil || r.Code != 0 || r.Server != itestOrigin {
		return fmt.Errorf("%s: status %d %s, want 200 with code 0 and server %q", who, status, truncate(reply, 300), itestOrigin)
	}
	if r.Data.IntervalMS != simIntervalMS || r.Data.Accepted != req.accepted || r.Data.Duplicates != req.duplicates {
		return fmt.Errorf("%s: reply %s, want interval_ms %d, accepted %d, duplicates %d",
			who, reply, simIntervalMS, req.accepted, req.duplicates)
	}
	return nil
}

// Pingback's refusal of a report for a stream that is not live.
const (
	simNotLiveStatus = http.StatusNotFound
	simNotLiveCode   = 4103
)

// postNotLive sends reports, one of them for a stream that is not live:
// the request must be refused whole with 404 and code 4103.
func (f *simFleet) postNotLive(t *testing.T, sc *sidecar, reports []simReport) {
	t.Helper()
	body, err := json.Marshal(simBatch{Version: 1, Reports: reports})
	if err != nil {
		t.Fatal(err)
	}
	got, reply := httpDo(t, http.MethodPost, sc.url(simPingbackPath), "application/json", body)
	f.mu.Lock()
	f.posts++
	f.notLive++
	f.mu.Unlock()
	var r struct {
		Code int    `json:"code"`
		Data string `json:"data"`
	}
	if got != simNotLiveStatus || json.Unmarshal(reply, &r) != nil || r.Code != simNotLiveCode || r.Data == "" {
		t.Fatalf("%d reports, one for no live stream: status %d %s, want %d with code %d and a reason",
			len(reports), got, truncate(reply, 300), simNotLiveStatus, simNotLiveCode)
	}
}

// keepWatching sends a round of heartbeats now and then every interval
// until the returned stop is called (or the test ends), which reports any
// failed request.
func (f *simFleet) keepWatching(t *testing.T, sc *sidecar) (stop func()) {
	t.Helper()
	if err := f.run(sc, f.heartbeats()); err != nil {
		t.Fatalf("heartbeats: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		tick := time.NewTicker(simIntervalMS * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				done <- nil
				return
			case <-tick.C:
			}
			if err := f.run(sc, f.heartbeats()); err != nil {
				done <- err
				return
			}
		}
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("heartbeats: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}
