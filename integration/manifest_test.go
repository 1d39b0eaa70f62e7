package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"regexp"
	"strings"
	"time"
)

// manifest mirrors format version 1 as documented in package p2pmeta. It is
// decoded here with encoding/json, strictly, so the integration test checks
// the format independently of p2pmeta's own parser.
type manifest struct {
	Version        int               `json:"version"`
	Stream         manifestStream    `json:"stream"`
	Epoch          string            `json:"epoch"`
	SwarmID        string            `json:"swarm_id"`
	UpdatedAt      string            `json:"updated_at"`
	Playlist       string            `json:"playlist"`
	MediaSequence  uint64            `json:"media_sequence"`
	TargetDuration int               `json:"target_duration"`
	Init           *manifestInit     `json:"init"`
	Segments       []manifestSegment `json:"segments"`
	P2P            manifestP2P       `json:"p2p"`
}

type manifestStream struct {
	Vhost string `json:"vhost"`
	App   string `json:"app"`
	Name  string `json:"name"`
}

type manifestInit struct {
	URI    string `json:"uri"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

type manifestSegment struct {
	URI           string  `json:"uri"`
	Seq           uint64  `json:"seq"`
	Duration      float64 `json:"duration"`
	Size          int64   `json:"size"`
	SHA256        string  `json:"sha256"`
	Discontinuity bool    `json:"discontinuity"`
	Retained      bool    `json:"retained"`
}

type manifestP2P struct {
	Trackers []string `json:"trackers"`
	STUN     []string `json:"stun"`
	Pingback string   `json:"pingback"`
}

var (
	hexSHA256RE = regexp.MustCompile(`^[0-9a-f]{64}$`)
	epochRE     = regexp.MustCompile(`^[A-Za-z0-9._:-]{1,128}$`)
	// Keys in the documented order; optional ones may be absent.
	manifestKeys = []string{"version", "stream", "epoch", "swarm_id", "updated_at", "playlist",
		"media_sequence", "target_duration", "init", "segments", "p2p"}
	segmentKeys = []string{"uri", "seq", "duration", "size", "sha256", "discontinuity", "retained"}
)

const updatedAtLayout = "2006-01-02T15:04:05.000Z"

// parseManifest decodes b strictly and checks every documented constraint
// that does not need the files: canonical shape (compact, one trailing
// newline, documented key order, optional flags only as true), types,
// charset and swarm id rule, segment order with retained ones first.
func parseManifest(b []byte) (*manifest, error) {
	if len(b) == 0 {
		return nil, fmt.Errorf("empty file")
	}
	if !bytes.HasSuffix(b, []byte("}\n")) || bytes.Count(b, []byte("\n")) != 1 {
		return nil, fmt.Errorf("not one compact JSON object followed by one newline")
	}
	if err := checkKeyOrder(b); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var m manifest
	if err := dec.Decode(&m); err != nil {
		return nil, fmt.Errorf("decode: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("trailing data after the object")
	}
	if err := m.validate(); err != nil {
		return nil, err
	}
	return &m, nil
}

// checkKeyOrder checks that the top-level and segment keys appear in the
// documented order, the required ones are present, and optional booleans
// are only ever written as true. Manifests are served to CDNs and hashed by
// clients: their bytes are part of the contract.
func checkKeyOrder(b []byte) error {
	var top orderedObject
	if err := top.UnmarshalJSON(b); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	if err := keysInOrder("manifest", top.keys(), manifestKeys, "init"); err != nil {
		return err
	}
	if top.get("p2p") != nil {
		var p orderedObject
		if err := p.UnmarshalJSON(top.get("p2p")); err != nil {
			return fmt.Errorf("p2p: %w", err)
		}
		if err := keysInOrder("p2p", p.keys(), []string{"trackers", "stun", "pingback"}); err != nil {
			return err
		}
		for _, k := range []string{"trackers", "stun"} {
			if string(p.get(k)) == "null" {
				return fmt.Errorf("p2p.%s is null, documented as [] when empty", k)
			}
		}
	}
	var segs []orderedObject
	if err := json.Unmarshal(top.get("segments"), &segs); err != nil {
		return fmt.Errorf("segments: %w", err)
	}
	for i, s := range segs {
		where := fmt.Sprintf("segments[%d]", i)
		if err := keysInOrder(where, s.keys(), segmentKeys, "discontinuity", "retained"); err != nil {
			return err
		}
		for _, k := range []string{"discontinuity", "retained"} {
			if v := s.get(k); v != nil && string(v) != "true" {
				return fmt.Errorf("%s.%s is %s, documented as present only when true", where, k, v)
			}
		}
		if d := string(s.get("duration")); strings.ContainsAny(d, "eE") || decimals(d) > 3 {
			return fmt.Errorf("%s.duration %s: documented as at most 3 decimals, no exponent", where, d)
		}
	}
	return nil
}

// keysInOrder requires got to be want in order, minus any of optional.
func keysInOrder(where string, got, want []string, optional ...string) error {
	i := 0
	for _, w := range want {
		if i < len(got) && got[i] == w {
			i++
			continue
		}
		if !contains(optional, w) {
			return fmt.Errorf("%s: key %q missing or out of order (keys %v)", where, w, got)
		}
	}
	if i != len(got) {
		return fmt.Errorf("%s: unexpected or misplaced key %q (keys %v)", where, got[i], got)
	}
	return nil
}

func decimals(num string) int {
	if i := strings.IndexByte(num, '.'); i >= 0 {
		return len(num) - i - 1
	}
	return 0
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func (m *manifest) validate() error {
	if m.Version != 1 {
		return fmt.Errorf("version %d, want 1", m.Version)
	}
	if m.Stream.Vhost == "" || m.Stream.App == "" || m.Stream.Name == "" {
		return fmt.Errorf("stream %+v has an empty field", m.Stream)
	}
	if !epochRE.MatchString(m.Epoch) {
		return fmt.Errorf("epoch %q outside [A-Za-z0-9._:-]{1,128}", m.Epoch)
	}
	if want := swarmID(m.Stream, m.Epoch); m.SwarmID != want {
		return fmt.Errorf("swarm_id %q, want %q", m.SwarmID, want)
	}
	if _, err := time.Parse(updatedAtLayout, m.UpdatedAt); err != nil {
		return fmt.Errorf("updated_at %q is not UTC RFC 3339 with 3 decimals", m.UpdatedAt)
	}
	if !strings.HasSuffix(m.Playlist, ".m3u8") || strings.ContainsAny(m.Playlist, "/\\?#") {
		return fmt.Errorf("playlist %q is not a playlist file name in the manifest's directory", m.Playlist)
	}
	if m.Init != nil {
		if err := checkFileRef("init", m.Init.URI, m.Init.Size, m.Init.SHA256); err != nil {
			return err
		}
	}
	seenLive := false
	for i, s := range m.Segments {
		where := fmt.Sprintf("segments[%d]", i)
		if err := checkFileRef(where, s.URI, s.Size, s.SHA256); err != nil {
			return err
		}
		if i > 0 && s.Seq <= m.Segments[i-1].Seq {
			return fmt.Errorf("%s.seq %d not above the previous %d", where, s.Seq, m.Segments[i-1].Seq)
		}
		if math.IsNaN(s.Duration) || math.IsInf(s.Duration, 0) || s.Duration < 0 {
			return fmt.Errorf("%s.duration %v", where, s.Duration)
		}
		if s.Retained && seenLive {
			return fmt.Errorf("%s is retained after a playlist segment", where)
		}
		seenLive = seenLive || !s.Retained
	}
	return nil
}

func checkFileRef(where, uri string, size int64, sum string) error {
	if uri == "" || strings.HasPrefix(uri, "/") || strings.ContainsAny(uri, "?#\\") ||
		contains(strings.Split(uri, "/"), "..") {
		return fmt.Errorf("%s.uri %q is not a clean relative path", where, uri)
	}
	if size < 0 {
		return fmt.Errorf("%s.size %d", where, size)
	}
	if !hexSHA256RE.MatchString(sum) {
		return fmt.Errorf("%s.sha256 %q is not 64 lowercase hex", where, sum)
	}
	return nil
}

func swarmID(s manifestStream, epoch string) string {
	return "srs-p2p:" + itestOrigin + "/" + s.Vhost + "/" + s.App + "/" + s.Name + "/" + epoch
}

// covers reports whether m lists exactly p's segments (uri, seq, duration
// to 3 decimals, discontinuity) in order after any retained ones, which
// must be older than p's first segment.
func (m *manifest) covers(p *playlist) (bool, string) {
	if m.MediaSequence != p.mediaSequence {
		return false, fmt.Sprintf("media_sequence %d, playlist %d", m.MediaSequence, p.mediaSequence)
	}
	if m.TargetDuration != p.targetDuration {
		return false, fmt.Sprintf("target_duration %d, playlist %d", m.TargetDuration, p.targetDuration)
	}
	var live []manifestSegment
	for _, s := range m.Segments {
		if s.Retained {
			if s.Seq >= p.mediaSequence {
				return false, fmt.Sprintf("retained seq %d not below the playlist's %d", s.Seq, p.mediaSequence)
			}
			continue
		}
		live = append(live, s)
	}
	if len(live) != len(p.segments) {
		return false, fmt.Sprintf("%d playlist segments listed, playlist has %d", len(live), len(p.segments))
	}
	for i, want := range p.segments {
		got := live[i]
		if got.URI != want.uri || got.Seq != want.seq || !sameMillis(got.Duration, want.duration) ||
			got.Discontinuity != want.discontinuity {
			return false, fmt.Sprintf("segment %d is %s/%d/%.3f disc=%v, playlist has %s/%d/%.3f disc=%v",
				i, got.URI, got.Seq, got.Duration, got.Discontinuity, want.uri, want.seq, want.duration, want.discontinuity)
		}
	}
	return true, ""
}

func sameMillis(a, b float64) bool { return math.Round(a*1000) == math.Round(b*1000) }

// String summarizes a manifest for failure messages.
func (m *manifest) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "epoch=%s seq=%d [", m.Epoch, m.MediaSequence)
	for i, s := range m.Segments {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s/%d/%.3f", s.URI, s.Seq, s.Duration)
		if s.Retained {
			b.WriteString("(r)")
		}
	}
	b.WriteByte(']')
	return b.String()
}
