package p2pmeta

import (
	"fmt"
	"math"
	"path"
	"strconv"
	"strings"
	"time"
)

// Validate checks every rule of the format and returns the first broken one as a *FieldError
// naming the field, e.g. `segments[3].sha256: not 64 lowercase hex`.
func (m *Manifest) Validate() error {
	if m == nil {
		return &FieldError{Field: "manifest", Reason: "nil"}
	}
	if m.Version != Version {
		return &FieldError{Field: "version", Reason: fmt.Sprintf("unsupported %d, this reader knows %d", m.Version, Version), version: true}
	}
	if err := m.Stream.validate(); err != nil {
		return err
	}
	if !ValidEpoch(m.Epoch) {
		return &FieldError{Field: "epoch", Reason: "not 1..128 bytes of [A-Za-z0-9._:-]"}
	}
	if err := m.validateSwarmID(); err != nil {
		return err
	}
	if t, err := time.Parse(TimeLayout, m.UpdatedAt); err != nil || t.Format(TimeLayout) != m.UpdatedAt {
		return &FieldError{Field: "updated_at", Reason: "not UTC RFC 3339 with 3 fractional digits like 2026-11-24T12:27:47.926Z"}
	}
	if reason := checkRelPath(m.Playlist); reason != "" {
		return &FieldError{Field: "playlist", Reason: reason}
	}
	if strings.Contains(m.Playlist, "/") || !strings.HasSuffix(m.Playlist, ".m3u8") || m.Playlist == ".m3u8" {
		return &FieldError{Field: "playlist", Reason: "not a file name ending in .m3u8 (the manifest sits next to its playlist)"}
	}
	if m.TargetDuration < 1 || m.TargetDuration > maxSeconds {
		return &FieldError{Field: "target_duration", Reason: fmt.Sprintf("%d outside 1..%d", m.TargetDuration, maxSeconds)}
	}
	if m.Init != nil {
		if err := checkFile("init", m.Init.URI, m.Init.Size, m.Init.SHA256); err != nil {
			return err
		}
	}
	if err := m.validateSegments(); err != nil {
		return err
	}
	return m.P2P.validate()
}

func (s *Stream) validate() error {
	if reason := checkName(s.Vhost); reason != "" {
		return &FieldError{Field: "stream.vhost", Reason: reason}
	}
	if len(s.App) > maxNameLen {
		return &FieldError{Field: "stream.app", Reason: fmt.Sprintf("longer than %d bytes", maxNameLen)}
	}
	// SRS allows a multi-level app ("live/sub"); each level follows the name rule.
	for level := range strings.SplitSeq(s.App, "/") {
		if reason := checkName(level); reason != "" {
			return &FieldError{Field: "stream.app", Reason: reason}
		}
	}
	if reason := checkName(s.Name); reason != "" {
		return &FieldError{Field: "stream.name", Reason: reason}
	}
	return nil
}

// validateSwarmID checks "srs-p2p:" + origin id + "/vhost/app/name/epoch" of this manifest.
func (m *Manifest) validateSwarmID() error {
	origin, ok := strings.CutPrefix(m.SwarmID, swarmIDPrefix)
	if !ok {
		return &FieldError{Field: "swarm_id", Reason: "does not start with " + swarmIDPrefix}
	}
	origin, ok = strings.CutSuffix(origin, "/"+m.Stream.Vhost+"/"+m.Stream.App+"/"+m.Stream.Name+"/"+m.Epoch)
	if !ok {
		return &FieldError{Field: "swarm_id", Reason: "does not end with /<vhost>/<app>/<name>/<epoch> of this manifest"}
	}
	if !validID(origin) {
		return &FieldError{Field: "swarm_id", Reason: "origin id not 1..128 bytes of [A-Za-z0-9._:-]"}
	}
	return nil
}

// validateSegments checks each segment and the order rule: retained segments first, ascending and
// below media_sequence, then the playlist's segments ascending from media_sequence (an entry whose
// file is missing, unsafe or from the previous publish is left out, so numbers may skip).
func (m *Manifest) validateSegments() error {
	if len(m.Segments) > maxSegments {
		return &FieldError{Field: "segments", Reason: fmt.Sprintf("more than %d entries", maxSegments)}
	}
	// Viewers match segments by basename, so a basename must name one file only.
	owners := make(map[string]string, len(m.Segments)+1)
	if m.Init != nil {
		owners[path.Base(m.Init.URI)] = "init.uri"
	}
	var inPlaylist uint64
	for i := range m.Segments {
		s := &m.Segments[i]
		field := "segments[" + strconv.Itoa(i) + "]"
		if err := checkFile(field, s.URI, s.Size, s.SHA256); err != nil {
			return err
		}
		if owner, dup := owners[path.Base(s.URI)]; dup {
			return &FieldError{Field: field + ".uri", Reason: "basename also used by " + owner}
		}
		owners[path.Base(s.URI)] = field + ".uri"
		if d := float64(s.Duration); math.IsNaN(d) || d < 0 || d > maxSeconds {
			return &FieldError{Field: field + ".duration", Reason: fmt.Sprintf("%v outside 0..%d", d, maxSeconds)}
		}
		if s.Retained {
			switch {
			case inPlaylist > 0:
				return &FieldError{Field: field + ".retained", Reason: "retained segment after a playlist segment"}
			case s.Seq >= m.MediaSequence:
				return &FieldError{Field: field + ".seq", Reason: fmt.Sprintf("retained %d not below media_sequence %d", s.Seq, m.MediaSequence)}
			case i > 0 && s.Seq <= m.Segments[i-1].Seq:
				return &FieldError{Field: field + ".seq", Reason: fmt.Sprintf("%d not above the previous %d", s.Seq, m.Segments[i-1].Seq)}
			}
			continue
		}
		// A playlist entry whose file is gone, unsafe or from the previous
		// publish is left out, so numbers may skip but never fall below
		// media_sequence or repeat.
		switch {
		case s.Seq < m.MediaSequence:
			return &FieldError{Field: field + ".seq", Reason: fmt.Sprintf("%d below media_sequence %d", s.Seq, m.MediaSequence)}
		case i > 0 && s.Seq <= m.Segments[i-1].Seq:
			return &FieldError{Field: field + ".seq", Reason: fmt.Sprintf("%d not above the previous %d", s.Seq, m.Segments[i-1].Seq)}
		}
		inPlaylist++
	}
	return nil
}

// checkFile validates the uri, size and sha256 shared by init and segments.
func checkFile(field, uri string, size int64, sum string) error {
	if reason := checkRelPath(uri); reason != "" {
		return &FieldError{Field: field + ".uri", Reason: reason}
	}
	if size < 0 {
		return &FieldError{Field: field + ".size", Reason: fmt.Sprintf("negative %d", size)}
	}
	if !isLowerHex64(sum) {
		return &FieldError{Field: field + ".sha256", Reason: "not 64 lowercase hex"}
	}
	return nil
}

func isLowerHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// checkRelPath returns why s is not a relative slash path of name segments (uri and playlist), or "".
// Paths are used as they are both as URI references and as file names, so they hold no character
// that would need percent-encoding, no query, and nothing that leaves the manifest's directory.
func checkRelPath(s string) string {
	switch {
	case s == "":
		return "empty"
	case len(s) > maxURILen:
		return fmt.Sprintf("longer than %d bytes", maxURILen)
	case strings.HasPrefix(s, "/"):
		return "absolute path (must be relative to the manifest's directory)"
	case strings.ContainsAny(s, "?#"):
		return "has a ?query or #fragment (strip it)"
	}
	for seg := range strings.SplitSeq(s, "/") {
		if reason := checkName(seg); reason != "" {
			return "path segment " + strconv.Quote(seg) + ": " + reason
		}
	}
	return ""
}

// checkName returns why s is not a name (vhost, one app level, stream name, one path segment), or "".
func checkName(s string) string {
	switch {
	case s == "":
		return "empty"
	case len(s) > maxNameLen:
		return fmt.Sprintf("longer than %d bytes", maxNameLen)
	case s == "." || s == "..":
		return "is " + s
	}
	for i := 0; i < len(s); i++ {
		if !isNameChar(s[i]) {
			return fmt.Sprintf("character %q outside [A-Za-z0-9._~!$&'()*+,;=@-]", s[i])
		}
	}
	return ""
}

// isNameChar is RFC 3986 pchar without "%" (no percent-encoding) and ":" (a relative reference
// whose first segment has ":" reads as a scheme).
func isNameChar(c byte) bool {
	return isAlnum(c) || strings.IndexByte("-._~!$&'()*+,;=@", c) >= 0
}
