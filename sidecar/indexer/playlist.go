package indexer

import (
	"errors"
	"fmt"
	"io"
	"math"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
)

// Errors about playlists.
var (
	errPlaylistTooLarge = errors.New("indexer: playlist larger than hls.max_playlist_bytes")
	errNotMedia         = errors.New("indexer: not a media playlist")
	errUnsafeURI        = errors.New("indexer: segment URI leaves the HLS dir")
	maxPlaylistSegments = 100000
)

// plSegment is one playlist entry, mapped onto a file inside the HLS root.
type plSegment struct {
	uri           string // as the manifest lists it: the playlist URI without query
	rel           string // file path relative to the HLS root
	seq           uint64
	duration      float64
	discontinuity bool
}

// mediaPlaylist is what the indexer needs of a playlist.
type mediaPlaylist struct {
	mediaSequence  uint64
	targetDuration int
	segments       []plSegment
	initURI        string // EXT-X-MAP URI without query, "" when absent
	initRel        string
	skipped        int // entries whose URI cannot be mapped safely
}

// readPlaylist reads at most limit bytes of the playlist at rel and
// returns the identity of the version it read.
func readPlaylist(root *os.Root, rel string, limit int64) ([]byte, fileID, error) {
	f, err := root.Open(rel)
	if err != nil {
		return nil, fileID{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return nil, fileID{}, err
	}
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fileID{}, err
	}
	if int64(len(b)) > limit {
		return nil, fileID{}, errPlaylistTooLarge
	}
	return b, idOf(fi), nil
}

// parsePlaylist parses an HLS media playlist as SRS and ffmpeg write them
// (discontinuities, EXT-X-MAP, query strings on URIs) and maps each URI onto
// a path relative to the HLS root, next to the playlist at rel. Entries that
// would leave the root are skipped and counted, never followed.
func parsePlaylist(b []byte, rel string) (*mediaPlaylist, error) {
	pl, err := playlist.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("indexer: parse playlist: %w", err)
	}
	m, ok := pl.(*playlist.Media)
	if !ok {
		return nil, errNotMedia
	}
	if len(m.Segments) > maxPlaylistSegments {
		return nil, fmt.Errorf("indexer: playlist has %d segments, more than %d", len(m.Segments), maxPlaylistSegments)
	}
	out := &mediaPlaylist{mediaSequence: uint64(m.MediaSequence), targetDuration: m.TargetDuration}
	dir := path.Dir(rel)
	if m.Map != nil {
		uri, frel, err := mapURI(dir, m.Map.URI)
		if err != nil {
			return nil, fmt.Errorf("indexer: EXT-X-MAP %q: %w", m.Map.URI, err)
		}
		out.initURI, out.initRel = uri, frel
	}
	out.segments = make([]plSegment, 0, len(m.Segments))
	for i, s := range m.Segments {
		d := s.Duration.Seconds()
		if math.IsNaN(d) || math.IsInf(d, 0) || d < 0 || d > 86400 {
			return nil, fmt.Errorf("indexer: segment %d: bad duration %v", i, d)
		}
		uri, frel, err := mapURI(dir, s.URI)
		if err != nil {
			out.skipped++
			continue
		}
		out.segments = append(out.segments, plSegment{
			uri:           uri,
			rel:           frel,
			seq:           out.mediaSequence + uint64(i),
			duration:      math.Round(d*1000) / 1000,
			discontinuity: s.Discontinuity,
		})
	}
	return out, nil
}

// mapURI turns a playlist URI into the manifest's uri (relative, no query)
// and the file's path relative to the HLS root. SRS's hls_ctx adds
// "?hls_ctx=ID" and hls_entry_prefix makes URIs absolute: both name the file
// by its last path element next to the playlist.
func mapURI(dir, raw string) (uri, rel string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", "", err
	}
	p := u.Path
	if u.Scheme != "" || u.Host != "" || strings.HasPrefix(p, "/") {
		p = path.Base(p)
	}
	if p == "" || strings.ContainsAny(p, "\\\x00") || !filepath.IsLocal(p) {
		return "", "", errUnsafeURI
	}
	for _, el := range strings.Split(p, "/") {
		if el == ".." {
			return "", "", errUnsafeURI
		}
	}
	rel = path.Join(dir, p)
	if !filepath.IsLocal(rel) {
		return "", "", errUnsafeURI
	}
	return p, rel, nil
}
