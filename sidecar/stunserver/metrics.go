package stunserver

import (
	"github.com/VictoriaMetrics/metrics"
)

// serverMetrics are one Server's metrics, registered once in its own Set.
// Every label value is a constant from this file or outcomeLabels.
type serverMetrics struct {
	set *metrics.Set

	// requests_total counts every datagram or TCP frame received.
	requestsMainUDP *metrics.Counter
	requestsAltUDP  *metrics.Counter
	requestsTCP     *metrics.Counter

	// outcomes[o] is responses_total{result} for replies and
	// drops_total{reason} for drops.
	outcomes [numOutcomes]*metrics.Counter

	receivedBytes *metrics.Counter
	sentBytes     *metrics.Counter

	limitedSources *metrics.Counter
	evictions      *metrics.Counter

	// batches counts recvmmsg calls that returned datagrams: requests
	// over batches is the mean batch, which shows how busy a socket is.
	batches *metrics.Counter

	readErrors   *metrics.Counter
	writeErrors  *metrics.Counter
	acceptErrors *metrics.Counter
	tcpRejected  *metrics.Counter
}

func newServerMetrics(tcpConns func() float64) *serverMetrics {
	s := metrics.NewSet()
	m := &serverMetrics{
		set:             s,
		requestsMainUDP: s.NewCounter(`srs_p2p_stun_requests_total{listener="main",transport="udp"}`),
		requestsAltUDP:  s.NewCounter(`srs_p2p_stun_requests_total{listener="alt",transport="udp"}`),
		requestsTCP:     s.NewCounter(`srs_p2p_stun_requests_total{listener="main",transport="tcp"}`),
		receivedBytes:   s.NewCounter(`srs_p2p_stun_received_bytes_total`),
		sentBytes:       s.NewCounter(`srs_p2p_stun_sent_bytes_total`),
		limitedSources:  s.NewCounter(`srs_p2p_stun_ratelimited_sources_total`),
		evictions:       s.NewCounter(`srs_p2p_stun_ratelimit_evictions_total`),
		batches:         s.NewCounter(`srs_p2p_stun_read_batches_total`),
		readErrors:      s.NewCounter(`srs_p2p_stun_socket_errors_total{op="read"}`),
		writeErrors:     s.NewCounter(`srs_p2p_stun_socket_errors_total{op="write"}`),
		acceptErrors:    s.NewCounter(`srs_p2p_stun_socket_errors_total{op="accept"}`),
		tcpRejected:     s.NewCounter(`srs_p2p_stun_tcp_rejected_total`),
	}
	for o := range numOutcomes {
		if o.replied() {
			m.outcomes[o] = s.NewCounter(`srs_p2p_stun_responses_total{result="` + o.String() + `"}`)
		} else {
			m.outcomes[o] = s.NewCounter(`srs_p2p_stun_drops_total{reason="` + o.String() + `"}`)
		}
	}
	s.NewGauge(`srs_p2p_stun_tcp_connections`, tcpConns)
	return m
}

// tally gathers a read loop's counts over one batch, so the shared atomic
// counters are touched once per batch rather than once per packet.
type tally struct {
	requests    uint64
	bytesIn     uint64
	bytesOut    uint64
	writeErrors uint64
	outcomes    [numOutcomes]uint64
}

// flush adds t to the metrics (requests to the listener's counter) and
// zeroes it.
func (m *serverMetrics) flush(t *tally, requests *metrics.Counter) {
	addIf(requests, t.requests)
	addIf(m.receivedBytes, t.bytesIn)
	addIf(m.sentBytes, t.bytesOut)
	addIf(m.writeErrors, t.writeErrors)
	for o, n := range t.outcomes {
		addIf(m.outcomes[o], n)
	}
	*t = tally{}
}

func addIf(c *metrics.Counter, n uint64) {
	if n > 0 {
		c.AddInt64(int64(n))
	}
}
