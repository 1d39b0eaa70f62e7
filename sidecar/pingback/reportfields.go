package pingback

import "github.com/webp2p/srs-p2p/internal/srslog"

// reportField decodes one field of a report into r.
type reportField struct {
	name string
	set  func(s *scanner, r *Report) error
}

// Indexes into reportFields of the fields checkReport needs.
const (
	fieldSwarmID = 0
	fieldSession = 2
	fieldSeq     = 3
	fieldNAT     = 19
	fieldDevice  = 21
)

// uintField decodes an integer field in 0..max into the int64 at(r).
func uintField(name string, max int64, at func(r *Report) *int64) reportField {
	return reportField{name, func(s *scanner, r *Report) error {
		v, err := s.uint(max)
		*at(r) = v
		return err
	}}
}

var reportFields = [...]reportField{
	fieldSwarmID: {"swarm_id", func(s *scanner, r *Report) (err error) {
		r.SwarmID, err = s.str(MaxSwarmIDBytes)
		if err == nil && r.SwarmID == "" {
			err = s.errorf("must not be empty")
		}
		return err
	}},
	{"peer_id", func(s *scanner, r *Report) (err error) {
		r.PeerID, r.peerKey, err = decodePeerID(s)
		return err
	}},
	fieldSession: {"session", func(s *scanner, r *Report) (err error) {
		r.Session, err = s.str(MaxSessionLen)
		if err == nil && !validSession(r.Session) {
			err = s.errorf("want %d to %d characters of [A-Za-z0-9_-]", MinSessionLen, MaxSessionLen)
		}
		return err
	}},
	fieldSeq: uintField("seq", MaxSeq, func(r *Report) *int64 { return &r.Seq }),
	uintField("interval_ms", MaxIntervalMS, func(r *Report) *int64 { return &r.IntervalMS }),
	uintField("cdn_bytes", MaxBytesDelta, func(r *Report) *int64 { return &r.CDNBytes }),
	uintField("p2p_down_bytes", MaxBytesDelta, func(r *Report) *int64 { return &r.P2PDownBytes }),
	uintField("p2p_up_bytes", MaxBytesDelta, func(r *Report) *int64 { return &r.P2PUpBytes }),
	uintField("segments_cdn", MaxCountDelta, func(r *Report) *int64 { return &r.SegmentsCDN }),
	uintField("segments_p2p", MaxCountDelta, func(r *Report) *int64 { return &r.SegmentsP2P }),
	uintField("stalls", MaxCountDelta, func(r *Report) *int64 { return &r.Stalls }),
	uintField("stall_ms", MaxIntervalMS, func(r *Report) *int64 { return &r.StallMS }),
	uintField("startup_ms", MaxStartupMS, func(r *Report) *int64 { return &r.StartupMS }),
	{"buffer_s", func(s *scanner, r *Report) (err error) {
		r.BufferS, err = s.float(MaxBufferSeconds)
		return err
	}},
	uintField("watch_ms", MaxIntervalMS, func(r *Report) *int64 { return &r.WatchMS }),
	uintField("peers_connected", MaxPeersConnected, func(r *Report) *int64 { return &r.PeersConnected }),
	uintField("conn_ok", MaxCountDelta, func(r *Report) *int64 { return &r.ConnOK }),
	uintField("conn_fail", MaxCountDelta, func(r *Report) *int64 { return &r.ConnFail }),
	{"hash_failures", decodeHashFailures},
	fieldNAT: {"nat", func(s *scanner, r *Report) (err error) {
		r.NAT, r.nat, err = enumField(s, natClasses[:])
		return err
	}},
	{"sdk", func(s *scanner, r *Report) (err error) {
		r.SDK, err = s.str(MaxSDKLen)
		if err == nil && !printableASCII(r.SDK) {
			err = s.errorf("want printable ASCII")
		}
		return err
	}},
	fieldDevice: {"device", func(s *scanner, r *Report) (err error) {
		r.Device, r.device, err = enumField(s, deviceClasses[:])
		return err
	}},
	{"final", func(s *scanner, r *Report) (err error) {
		r.Final, err = s.boolean()
		return err
	}},
}

// reportFieldID finds a field by its exact name. A switch, which the
// compiler turns into a search on length and bytes, costs a third of a map
// lookup here; TestReportFieldsTable checks it matches reportFields.
func reportFieldID(key []byte) (int, bool) {
	switch string(key) {
	case "swarm_id":
		return fieldSwarmID, true
	case "peer_id":
		return 1, true
	case "session":
		return fieldSession, true
	case "seq":
		return fieldSeq, true
	case "interval_ms":
		return 4, true
	case "cdn_bytes":
		return 5, true
	case "p2p_down_bytes":
		return 6, true
	case "p2p_up_bytes":
		return 7, true
	case "segments_cdn":
		return 8, true
	case "segments_p2p":
		return 9, true
	case "stalls":
		return 10, true
	case "stall_ms":
		return 11, true
	case "startup_ms":
		return 12, true
	case "buffer_s":
		return 13, true
	case "watch_ms":
		return 14, true
	case "peers_connected":
		return 15, true
	case "conn_ok":
		return 16, true
	case "conn_fail":
		return 17, true
	case "hash_failures":
		return 18, true
	case "nat":
		return fieldNAT, true
	case "sdk":
		return 20, true
	case "device":
		return fieldDevice, true
	case "final":
		return 22, true
	}
	return 0, false
}

// decodePeerID reads a peer_id: "" or a 20-character latin1 binary string,
// decoded with the tracker's rule into its 20-byte key.
func decodePeerID(s *scanner) (sent, key string, err error) {
	sent, err = s.str(2 * peerIDLen)
	if err != nil || sent == "" {
		return sent, "", err
	}
	key, ok := peerKeyOf(sent)
	if !ok {
		return "", "", s.errorf("want \"\" or a 20-character latin1 peer id")
	}
	return sent, key, nil
}

// enumField reads a string that must be one of classes, and its index.
func enumField(s *scanner, classes []string) (string, uint8, error) {
	v, err := s.strBytes(32)
	if err != nil {
		return "", 0, err
	}
	for i, c := range classes {
		if string(v) == c {
			return c, uint8(i), nil
		}
	}
	return "", 0, s.errorf("%s is not one of %q", srslog.Quote(string(v), 32), classes)
}

func validSession(v string) bool {
	if len(v) < MinSessionLen || len(v) > MaxSessionLen {
		return false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func printableASCII(v string) bool {
	for i := 0; i < len(v); i++ {
		if v[i] < 0x20 || v[i] > 0x7e {
			return false
		}
	}
	return true
}
