package pingback

// Version is the report format this package reads.
const Version = 1

// Limits of a request and of every report field (see the package doc).
const (
	MaxBodyBytes      = 64 << 10
	MaxReports        = 16
	MaxSwarmIDBytes   = 512
	MinSessionLen     = 8
	MaxSessionLen     = 64
	MaxSDKLen         = 64
	MaxHashFailures   = 32
	MaxIntervalMS     = 120_000
	MaxStartupMS      = 120_000
	MaxBytesDelta     = 10_000_000_000
	MaxCountDelta     = 10_000
	MaxBufferSeconds  = 3600
	MaxPeersConnected = 1000
	MaxSeq            = 1<<32 - 1
)

// NAT mapping classes a viewer may report.
const (
	NATUnknown             = "unknown"
	NATEndpointIndependent = "endpoint_independent"
	NATEndpointDependent   = "endpoint_dependent"
	NATNoUDP               = "no_udp"
)

// Device classes a viewer may report.
const (
	DeviceDesktop = "desktop"
	DeviceMobile  = "mobile"
	DeviceTV      = "tv"
	DeviceOther   = "other"
)

// natClasses and deviceClasses fix the order of the classes, which are
// stored per session as their index.
var (
	natClasses    = [...]string{NATUnknown, NATEndpointIndependent, NATEndpointDependent, NATNoUDP}
	deviceClasses = [...]string{DeviceDesktop, DeviceMobile, DeviceTV, DeviceOther}
)

// Batch is one request body. json.Marshal of a Batch is a valid body:
// empty optional strings and lists are omitted.
type Batch struct {
	Version int      `json:"version"`
	Reports []Report `json:"reports"`
}

// Report is one viewer's report. Counters are deltas since the viewer's
// previous report; PeersConnected and BufferS are values at send time.
type Report struct {
	SwarmID        string        `json:"swarm_id"`
	PeerID         string        `json:"peer_id,omitempty"` // as sent: 20 latin1 characters, or ""
	Session        string        `json:"session"`
	Seq            int64         `json:"seq"`
	IntervalMS     int64         `json:"interval_ms"`
	CDNBytes       int64         `json:"cdn_bytes"`
	P2PDownBytes   int64         `json:"p2p_down_bytes"`
	P2PUpBytes     int64         `json:"p2p_up_bytes"`
	SegmentsCDN    int64         `json:"segments_cdn"`
	SegmentsP2P    int64         `json:"segments_p2p"`
	Stalls         int64         `json:"stalls"`
	StallMS        int64         `json:"stall_ms"`
	StartupMS      int64         `json:"startup_ms"`
	BufferS        float64       `json:"buffer_s"`
	WatchMS        int64         `json:"watch_ms"`
	PeersConnected int64         `json:"peers_connected"`
	ConnOK         int64         `json:"conn_ok"`
	ConnFail       int64         `json:"conn_fail"`
	HashFailures   []HashFailure `json:"hash_failures,omitempty"`
	NAT            string        `json:"nat,omitempty"`
	SDK            string        `json:"sdk,omitempty"`
	Device         string        `json:"device,omitempty"`
	Final          bool          `json:"final"`

	// peerKey is PeerID decoded to the tracker's 20-byte key ("" if none).
	peerKey string
	nat     uint8
	device  uint8
}

// HashFailure blames a peer for segments that failed verification.
type HashFailure struct {
	PeerID string `json:"peer_id"` // as sent, or "" when unknown
	Count  int64  `json:"count"`

	peerKey string
}

// hashFailureSum is the report's total of failed verifications.
func (r *Report) hashFailureSum() int64 {
	var n int64
	for _, h := range r.HashFailures {
		n += h.Count
	}
	return n
}
