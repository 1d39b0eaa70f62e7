package tracker

import (
	"fmt"
	"sync/atomic"

	"github.com/VictoriaMetrics/metrics"
)

// Failure reasons: the fixed label set of srs_p2p_tracker_failures_total and
// the text the client gets as "failure reason".
const (
	reasonInvalidFrame  = "invalid_frame"
	reasonUnknownAction = "unknown_action"
	reasonUnknownSwarm  = "unknown_swarm"
	reasonPeerIDInUse   = "peer_id_in_use"
	reasonTooManyOffers = "too_many_offers"
	reasonTooManySwarms = "too_many_swarms"
	reasonRateLimited   = "rate_limited"
	reasonUnknownOffer  = "unknown_offer"
	reasonNotInSwarm    = "not_in_swarm"
	reasonBadToken      = "token_not_for_stream"
	reasonOverloaded    = "overloaded"
)

var failureText = map[string]string{
	reasonInvalidFrame:  "invalid request",
	reasonUnknownAction: "unknown action",
	reasonUnknownSwarm:  "unknown info_hash: not a live stream of this tracker",
	reasonPeerIDInUse:   "peer_id is announced by another connection",
	reasonTooManyOffers: "too many offers",
	reasonTooManySwarms: "too many swarms on this connection",
	reasonRateLimited:   "rate limit: too many messages",
	reasonUnknownOffer:  "answer for an offer this tracker did not relay to you, or expired",
	reasonNotInSwarm:    "announce before answering",
	reasonBadToken:      "token is not valid for this stream",
	reasonOverloaded:    "swarm overloaded, retry later",
}

// Connection rejections before the upgrade (HTTP errors, no frame possible).
const (
	rejectMaxConns  = "max_conns"
	rejectOrigin    = "origin"
	rejectToken     = "token"
	rejectHandshake = "handshake"
)

// Why a connection ended.
const (
	closeFrameTooLarge = "frame_too_large"
	closeTimeout       = "timeout"
	closeSlow          = "slow_consumer"
)

// trackerMetrics are the Server's metrics, all in one Set.
type trackerMetrics struct {
	set            *metrics.Set
	conns          atomic.Int64
	swarms         atomic.Int64
	peers          atomic.Int64
	announces      map[string]*metrics.Counter
	scrapes        *metrics.Counter
	offersRelayed  *metrics.Counter
	offersWithheld *metrics.Counter
	answersRelayed *metrics.Counter
	failures       map[string]*metrics.Counter
	rejected       map[string]*metrics.Counter
	closed         map[string]*metrics.Counter
	evicted        *metrics.Counter
	expiredPeers   *metrics.Counter
	dropped        *metrics.Counter
	relayLatency   *metrics.PrometheusHistogram
}

func newTrackerMetrics() *trackerMetrics {
	s := metrics.NewSet()
	m := &trackerMetrics{
		set:            s,
		announces:      map[string]*metrics.Counter{},
		failures:       map[string]*metrics.Counter{},
		rejected:       map[string]*metrics.Counter{},
		closed:         map[string]*metrics.Counter{},
		scrapes:        s.NewCounter("srs_p2p_tracker_scrapes_total"),
		offersRelayed:  s.NewCounter("srs_p2p_tracker_offers_relayed_total"),
		offersWithheld: s.NewCounter(`srs_p2p_tracker_offers_withheld_total{reason="bad_peer"}`),
		answersRelayed: s.NewCounter("srs_p2p_tracker_answers_relayed_total"),
		evicted:        s.NewCounter("srs_p2p_tracker_peers_evicted_total"),
		expiredPeers:   s.NewCounter("srs_p2p_tracker_peers_expired_total"),
		dropped:        s.NewCounter("srs_p2p_tracker_dropped_frames_total"),
		relayLatency:   s.NewPrometheusHistogram("srs_p2p_tracker_relay_latency_seconds"),
	}
	s.NewGauge("srs_p2p_tracker_connections", func() float64 { return float64(m.conns.Load()) })
	s.NewGauge("srs_p2p_tracker_swarms", func() float64 { return float64(m.swarms.Load()) })
	s.NewGauge("srs_p2p_tracker_peers", func() float64 { return float64(m.peers.Load()) })
	for _, ev := range []string{eventStarted, eventStopped, eventCompleted, "periodic", "answer"} {
		m.announces[ev] = s.NewCounter(fmt.Sprintf("srs_p2p_tracker_announces_total{event=%q}", ev))
	}
	for r := range failureText {
		m.failures[r] = s.NewCounter(fmt.Sprintf("srs_p2p_tracker_failures_total{reason=%q}", r))
	}
	for _, r := range []string{rejectMaxConns, rejectOrigin, rejectToken, rejectHandshake} {
		m.rejected[r] = s.NewCounter(fmt.Sprintf("srs_p2p_tracker_rejected_connections_total{reason=%q}", r))
	}
	for _, r := range []string{closeFrameTooLarge, closeTimeout, closeSlow} {
		m.closed[r] = s.NewCounter(fmt.Sprintf("srs_p2p_tracker_closed_connections_total{reason=%q}", r))
	}
	return m
}

func (m *trackerMetrics) announce(event string) {
	switch event {
	case eventStarted, eventStopped, eventCompleted:
		m.announces[event].Inc()
	default:
		m.announces["periodic"].Inc()
	}
}
