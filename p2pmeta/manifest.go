package p2pmeta

import (
	"errors"
	"strings"
	"time"
)

// Format constants. See the package documentation for what each limit protects.
const (
	// Version is the only manifest format version this package reads and writes.
	Version = 1
	// MaxSize bounds a manifest file: Parse refuses larger input and Marshal refuses to produce it.
	MaxSize = 16 << 20
	// Suffix replaces ".m3u8" in the playlist's file name to give the manifest's file name.
	Suffix = ".p2p.json"
	// TimeLayout is the layout of updated_at: UTC, exactly three fractional digits.
	TimeLayout = "2006-01-02T15:04:05.000Z"
)

// Limits that keep every field bounded. They are part of the format (doc.go lists them).
const (
	maxIDLen      = 128     // epoch and origin id
	maxNameLen    = 255     // vhost, app, name and one path segment: a file name on common filesystems
	maxURILen     = 1024    // init and segment uri, playlist
	maxURLLen     = 2048    // tracker, STUN and pingback URLs
	maxURLs       = 16      // entries in p2p.trackers and in p2p.stun
	maxSegments   = 100_000 // far above any live window; MaxSize is the real bound
	maxSeconds    = 86_400  // one day: durations and target_duration
	swarmIDPrefix = "srs-p2p:"
)

// Errors. Every validation or parse failure is a *FieldError or wraps one of these.
var (
	// ErrInvalid matches every error of Parse and Validate except ErrTooLarge.
	ErrInvalid = errors.New("p2pmeta: invalid manifest")
	// ErrVersion matches a manifest whose version this package does not know. A reader that gets it
	// must not use the manifest (play from the CDN without P2P).
	ErrVersion = errors.New("p2pmeta: unsupported manifest version")
	// ErrTooLarge is returned for input or output larger than MaxSize.
	ErrTooLarge = errors.New("p2pmeta: manifest larger than MaxSize")
	// ErrName is returned for a file name that is not a clean slash path inside the root.
	ErrName = errors.New("p2pmeta: not a local slash path")
)

// FieldError names the field that broke a rule, e.g. "segments[3].sha256: not 64 lowercase hex".
type FieldError struct {
	Field  string // JSON path of the field: "epoch", "segments[3].sha256", "p2p.trackers[0]"
	Reason string // what is wrong with it
	// version marks an unsupported version number, so that errors.Is(err, ErrVersion) holds.
	version bool
}

func (e *FieldError) Error() string { return e.Field + ": " + e.Reason }

// Unwrap lets callers match ErrInvalid (always) and ErrVersion (for an unknown version).
func (e *FieldError) Unwrap() []error {
	if e.version {
		return []error{ErrInvalid, ErrVersion}
	}
	return []error{ErrInvalid}
}

// Manifest is one P2P manifest file. Field order is the canonical key order on the wire.
type Manifest struct {
	Version        int       `json:"version"`
	Stream         Stream    `json:"stream"`
	Epoch          string    `json:"epoch"`
	SwarmID        string    `json:"swarm_id"`
	UpdatedAt      string    `json:"updated_at"` // FormatTime(t)
	Playlist       string    `json:"playlist"`
	MediaSequence  uint64    `json:"media_sequence"`
	TargetDuration int       `json:"target_duration"`
	Init           *Init     `json:"init,omitempty"`
	Segments       []Segment `json:"segments"`
	P2P            P2P       `json:"p2p"`
}

// Stream names the SRS stream, exactly as SRS's hooks name it.
type Stream struct {
	Vhost string `json:"vhost"` // "__defaultVhost__" unless SRS runs vhosts
	App   string `json:"app"`   // "live"
	Name  string `json:"name"`  // "livestream"
}

// Init is the playlist's EXT-X-MAP file (fMP4 init segment).
type Init struct {
	URI    string `json:"uri"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

// Segment is one media segment, in the playlist or retained after it left.
type Segment struct {
	URI           string  `json:"uri"`
	Seq           uint64  `json:"seq"`
	Duration      Seconds `json:"duration"`
	Size          int64   `json:"size"`
	SHA256        string  `json:"sha256"`
	Discontinuity bool    `json:"discontinuity,omitempty"`
	Retained      bool    `json:"retained,omitempty"`
}

// P2P holds the public endpoints viewers use. Nil slices are encoded as [].
type P2P struct {
	Trackers []string `json:"trackers"`
	STUN     []string `json:"stun"`
	Pingback string   `json:"pingback"`
}

// Seconds is a duration in seconds, encoded with at most three decimals and never an exponent.
type Seconds float64

// SwarmID returns the swarm id of one publish session. It does not validate: Validate checks the
// result inside a manifest.
func SwarmID(originID, vhost, app, name, epoch string) string {
	return swarmIDPrefix + originID + "/" + vhost + "/" + app + "/" + name + "/" + epoch
}

// ValidEpoch reports whether s may be an epoch: 1..128 bytes of [A-Za-z0-9._:-].
func ValidEpoch(s string) bool { return validID(s) }

// validID is the rule shared by epochs and origin ids. It has no "/", which keeps the swarm id
// unambiguous, and nothing a URL or JSON string would need to escape.
func validID(s string) bool {
	if len(s) == 0 || len(s) > maxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isAlnum(c) && c != '.' && c != '_' && c != ':' && c != '-' {
			return false
		}
	}
	return true
}

// NameFor returns the manifest name for a playlist name ("live/livestream.m3u8" ->
// "live/livestream.p2p.json"), keeping any directory prefix. It returns "" unless the name ends in
// ".m3u8" after a non-empty base name.
func NameFor(playlist string) string {
	stem, ok := strings.CutSuffix(playlist, ".m3u8")
	if !ok || stem == "" || strings.HasSuffix(stem, "/") || strings.HasSuffix(stem, `\`) {
		return ""
	}
	return stem + Suffix
}

// FormatTime formats t for updated_at: converted to UTC, truncated to the millisecond.
func FormatTime(t time.Time) string { return t.UTC().Format(TimeLayout) }

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
