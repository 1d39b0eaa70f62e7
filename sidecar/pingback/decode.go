package pingback

import (
	"strconv"

	"github.com/webp2p/srs-p2p/internal/srslog"
)

// Decode parses one request body strictly and validates every report (see
// the package doc for the format). A returned error wraps ErrBadRequest and
// names the field, e.g. `reports[1].stall_ms: 12000 exceeds interval_ms 10000`.
func Decode(body []byte) (*Batch, error) {
	s := &scanner{b: body}
	s.space()
	if s.i == len(body) {
		return nil, &decodeError{msg: "empty body"}
	}
	b := &Batch{}
	var haveVersion, haveReports bool
	err := s.object(func(key []byte) error {
		switch string(key) {
		case "version":
			if haveVersion {
				return s.errorf("duplicate field \"version\"")
			}
			haveVersion = true
			v, err := s.uint(1 << 30)
			if err == nil && v != Version {
				err = s.errorf("unsupported version %d, this server reads version %d", v, Version)
			}
			return inField("version", err)
		case "reports":
			if haveReports {
				return s.errorf("duplicate field \"reports\"")
			}
			haveReports = true
			return inField("reports", s.array(MaxReports, func(i int) error {
				b.Reports = append(b.Reports, Report{})
				return inField("["+strconv.Itoa(i)+"]", decodeReport(s, &b.Reports[i]))
			}))
		}
		return s.errorf("unknown field %s", srslog.Quote(string(key), maxKeyLen))
	})
	if err != nil {
		return nil, err
	}
	if err := s.end(); err != nil {
		return nil, err
	}
	switch {
	case !haveVersion:
		return nil, &decodeError{path: "version", at: s.i, msg: "missing"}
	case len(b.Reports) == 0:
		return nil, &decodeError{path: "reports", at: s.i, msg: "want 1 to " + strconv.Itoa(MaxReports) + " reports"}
	}
	b.Version = Version
	return b, nil
}

// decodeReport reads one report object and checks it as a whole.
func decodeReport(s *scanner, r *Report) error {
	var seen uint32
	start := s.i
	err := s.object(func(key []byte) error {
		id, ok := reportFieldID(key)
		if !ok {
			return s.errorf("unknown field %s", srslog.Quote(string(key), maxKeyLen))
		}
		if seen&(1<<id) != 0 {
			return s.errorf("duplicate field %s", strconv.Quote(reportFields[id].name))
		}
		seen |= 1 << id
		return inField(reportFields[id].name, reportFields[id].set(s, r))
	})
	if err != nil {
		return err
	}
	return checkReport(r, seen, start)
}

// checkReport applies the rules between fields and the defaults of
// omitted ones.
func checkReport(r *Report, seen uint32, at int) error {
	missing := func(id int) bool { return seen&(1<<id) == 0 }
	switch {
	case missing(fieldSwarmID):
		return &decodeError{path: "swarm_id", at: at, msg: "missing"}
	case missing(fieldSession):
		return &decodeError{path: "session", at: at, msg: "missing"}
	case r.Seq == 0:
		return &decodeError{path: "seq", at: at, msg: "must be at least 1"}
	case r.StallMS > r.IntervalMS:
		return &decodeError{path: "stall_ms", at: at, msg: strconv.FormatInt(r.StallMS, 10) + " exceeds interval_ms " + strconv.FormatInt(r.IntervalMS, 10)}
	case r.WatchMS > r.IntervalMS:
		return &decodeError{path: "watch_ms", at: at, msg: strconv.FormatInt(r.WatchMS, 10) + " exceeds interval_ms " + strconv.FormatInt(r.IntervalMS, 10)}
	}
	if missing(fieldNAT) {
		r.NAT, r.nat = NATUnknown, 0
	}
	if missing(fieldDevice) {
		r.Device, r.device = DeviceOther, uint8(len(deviceClasses)-1)
	}
	return nil
}

func decodeHashFailures(s *scanner, r *Report) error {
	return s.array(MaxHashFailures, func(i int) error {
		r.HashFailures = append(r.HashFailures, HashFailure{})
		h := &r.HashFailures[i]
		var haveCount, havePeer bool
		start := s.i
		err := s.object(func(key []byte) error {
			switch string(key) {
			case "peer_id":
				if havePeer {
					return s.errorf("duplicate field \"peer_id\"")
				}
				havePeer = true
				var err error
				h.PeerID, h.peerKey, err = decodePeerID(s)
				return inField("peer_id", err)
			case "count":
				if haveCount {
					return s.errorf("duplicate field \"count\"")
				}
				haveCount = true
				var err error
				h.Count, err = s.uint(MaxCountDelta)
				return inField("count", err)
			}
			return s.errorf("unknown field %s", srslog.Quote(string(key), maxKeyLen))
		})
		if err == nil && h.Count == 0 {
			err = &decodeError{path: "count", at: start, msg: "must be 1 to " + strconv.Itoa(MaxCountDelta)}
		}
		return inField("["+strconv.Itoa(i)+"]", err)
	})
}
