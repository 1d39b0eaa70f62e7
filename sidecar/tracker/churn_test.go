package tracker

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
)

// TestChurnReturnsToBaseline has peers join with offers, answer, and leave
// (half by "stopped", half by closing the socket); afterwards no peer, swarm,
// connection or goroutine is left. The 10,000-peer soak belongs to the
// load generator; this is its fast in-package cousin.
func TestChurnReturnsToBaseline(t *testing.T) {
	e := newEnv(t, Config{MessagesPerSecond: 1000})
	before := runtime.NumGoroutine()
	const n = 60
	cls := make([]*client, n)
	for i := range cls {
		cls[i] = e.dial("")
	}
	var wg sync.WaitGroup
	for i, c := range cls {
		wg.Add(1)
		go func() {
			defer wg.Done()
			id := peerIDFor(i)
			if err := c.trySend(announceMsg(e.ih, id, "started", id20(byte(i)), id20(byte(i+100)))); err != nil {
				t.Error(err)
				return
			}
			// read until our own announce reply; relayed offers may come first
			for {
				m, err := c.tryRecv()
				if err != nil {
					t.Error(err)
					return
				}
				if _, ok := m["interval"]; ok {
					break
				}
			}
			if i%2 == 0 {
				if err := c.trySend(announceMsg(e.ih, id, "stopped")); err != nil {
					t.Error(err)
				}
			} else {
				c.ws.CloseNow()
			}
		}()
	}
	wg.Wait()
	waitFor(t, "every peer gone", func() bool {
		return e.peers() == 0 && e.s.m.peers.Load() == 0 && e.s.m.swarms.Load() == 0
	})
	if got := e.s.m.offersRelayed.Get(); got == 0 {
		t.Fatal("no offer was relayed")
	}
	for _, c := range cls {
		c.ws.CloseNow()
	}
	waitFor(t, "connections closed", func() bool { return e.s.m.conns.Load() == 0 })
	waitFor(t, "goroutines back to baseline", func() bool { return runtime.NumGoroutine() <= before })
}

func peerIDFor(i int) string {
	return fmt.Sprintf("-PM0203-%012d", i)
}
