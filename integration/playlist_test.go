package integration

import (
	"bufio"
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// playlist is what the tests need of a media playlist written by ffmpeg or
// SRS. The parser is the test's own (not the indexer's), so a shared bug
// cannot hide.
type playlist struct {
	mediaSequence  uint64
	targetDuration int
	segments       []playlistSegment
	endList        bool
}

type playlistSegment struct {
	uri           string
	seq           uint64
	duration      float64
	discontinuity bool
}

// parsePlaylist reads the tags ffmpeg and SRS write; it only ever sees
// files the test's own publisher wrote, so it is small, not hardened.
func parsePlaylist(b []byte) (*playlist, error) {
	if !bytes.HasPrefix(b, []byte("#EXTM3U")) {
		return nil, fmt.Errorf("no #EXTM3U header")
	}
	p := &playlist{}
	var (
		pendingDuration = -1.0
		pendingDisc     bool
	)
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || line == "#EXTM3U":
		case strings.HasPrefix(line, "#EXT-X-MEDIA-SEQUENCE:"):
			v, err := strconv.ParseUint(strings.TrimPrefix(line, "#EXT-X-MEDIA-SEQUENCE:"), 10, 64)
			if err != nil {
				return nil, fmt.Errorf("media sequence: %w", err)
			}
			p.mediaSequence = v
		case strings.HasPrefix(line, "#EXT-X-TARGETDURATION:"):
			v, err := strconv.Atoi(strings.TrimPrefix(line, "#EXT-X-TARGETDURATION:"))
			if err != nil {
				return nil, fmt.Errorf("target duration: %w", err)
			}
			p.targetDuration = v
		case strings.HasPrefix(line, "#EXTINF:"):
			v := strings.TrimPrefix(line, "#EXTINF:")
			if i := strings.IndexByte(v, ','); i >= 0 {
				v = v[:i]
			}
			d, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, fmt.Errorf("extinf: %w", err)
			}
			pendingDuration = d
		case line == "#EXT-X-DISCONTINUITY":
			pendingDisc = true
		case line == "#EXT-X-ENDLIST":
			p.endList = true
		case strings.HasPrefix(line, "#"):
		default:
			if pendingDuration < 0 {
				return nil, fmt.Errorf("uri %q without #EXTINF", line)
			}
			p.segments = append(p.segments, playlistSegment{
				uri:           line,
				seq:           p.mediaSequence + uint64(len(p.segments)),
				duration:      pendingDuration,
				discontinuity: pendingDisc,
			})
			pendingDuration, pendingDisc = -1, false
		}
	}
	return p, sc.Err()
}

// String summarizes a playlist for failure messages.
func (p *playlist) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "seq=%d [", p.mediaSequence)
	for i, s := range p.segments {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%s/%d/%.3f", s.uri, s.seq, s.duration)
	}
	b.WriteByte(']')
	if p.endList {
		b.WriteString(" ENDLIST")
	}
	return b.String()
}
