package tracker

import (
	"testing"
	"time"
)

// BenchmarkAnnounceRelay measures one announce with 5 offers relayed into a
// 100-peer swarm, without sockets: decoding, peer choice, encoding.
func BenchmarkAnnounceRelay(b *testing.B) {
	src := &fakeStreams{}
	src.set(liveStream(testSwarmID))
	s, err := newServer(Config{SendQueue: 1 << 20}, src, time.Now)
	if err != nil {
		b.Fatal(err)
	}
	s.tick()
	ih := InfoHashFor(testSwarmID)
	conns := make([]*conn, 100)
	for i := range conns {
		conns[i] = &conn{peers: map[string]*peer{}, writing: true} // writing: no writer goroutine
		s.announce(conns[i], &frame{action: actionAnnounce, infoHashes: []string{ih}, peerID: peerIDFor(i), numwant: -1}, time.Now())
	}
	msg := []byte(mustJSON(announceMsg(ih, peerIDFor(0), "", id20(1), id20(2), id20(3), id20(4), id20(5))))
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		s.handle(conns[0], msg, time.Now())
		if b.N%1000 == 0 {
			for _, c := range conns {
				c.queue = c.queue[:0]
			}
		}
	}
}
