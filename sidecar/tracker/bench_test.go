package tracker

import (
	"bytes"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gobwas/ws"
)

// BenchmarkAnnounceRelay measures one announce with 5 offers relayed into a
// 100-peer swarm, without sockets: decoding, peer choice, encoding,
// queueing.
func BenchmarkAnnounceRelay(b *testing.B) {
	src := &fakeStreams{}
	src.Set(liveStream(testSwarmID))
	s, err := newServer(Config{SendQueue: 1 << 20}, src, time.Now)
	if err != nil {
		b.Fatal(err)
	}
	s.tick()
	ih := InfoHashFor(testSwarmID)
	conns := make([]*conn, 100)
	for i := range conns {
		conns[i] = &conn{writing: true} // writing: flushes leave the frames queued
		s.announce(conns[i], &frame{action: actionAnnounce, infoHashes: []string{ih}, peerID: peerIDFor(i), numwant: -1}, time.Now())
		s.releaseBatch(conns[i])
	}
	msg := []byte(mustJSON(announceMsg(ih, peerIDFor(0), "", id20(1), id20(2), id20(3), id20(4), id20(5))))
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.handle(conns[0], msg, time.Now())
		s.releaseBatch(conns[0])
		if i%1000 == 999 {
			for _, c := range conns {
				putOutbox(c.out)
				c.out = nil
			}
		}
	}
}

// BenchmarkRelay relays b.N offers through real sockets on 127.0.0.1: one
// peer announces with 5 offers (a window of 4 announces in flight), 8
// peers receive them. ns/op and allocs/op are per relayed offer and
// include the announce and its reply; the clients allocate nothing.
func BenchmarkRelay(b *testing.B) {
	const receivers, window = 8, 4
	s, _, _, addr := startTracker(b, Config{MessagesPerSecond: 1e9, SendQueue: 1024})
	ih := InfoHashFor(testSwarmID)
	dial := func(i int) *rawClient {
		c, err := dialRaw(addr)
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(c.close)
		if err := c.write(ws.OpText, []byte(mustJSON(announceMsg(ih, peerIDFor(i), "started")))); err != nil {
			b.Fatal(err)
		}
		if _, err := c.readUntil(`"interval"`); err != nil {
			b.Fatal(err)
		}
		return c
	}
	offerer := dial(0)
	var offers atomic.Int64
	done := make(chan struct{})
	var once sync.Once
	for i := 1; i <= receivers; i++ {
		c := dial(i)
		go func() {
			for {
				if _, p, err := c.read(); err != nil {
					return
				} else if bytes.Contains(p, []byte(`"offer":`)) && offers.Add(1) >= int64(b.N) {
					once.Do(func() { close(done) })
				}
			}
		}()
	}
	replies := make(chan struct{}, window)
	go func() {
		for {
			if _, _, err := offerer.read(); err != nil {
				return
			}
			replies <- struct{}{}
		}
	}()
	msg := []byte(mustJSON(announceMsg(ih, peerIDFor(0), "", id20(1), id20(2), id20(3), id20(4), id20(5))))
	b.ReportAllocs()
	b.ResetTimer()
	inFlight := 0
	for sent := 0; sent < b.N; sent += 5 {
		if inFlight == window {
			<-replies
			inFlight--
		}
		if err := offerer.write(ws.OpText, msg); err != nil {
			b.Fatal(err)
		}
		inFlight++
	}
	<-done
	b.StopTimer()
	if dropped := s.m.dropped.Get(); dropped > 0 {
		b.Fatalf("%d frames dropped", dropped)
	}
}
