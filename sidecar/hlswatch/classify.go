package hlswatch

import (
	"path"
	"strings"
	"unicode/utf8"
)

// kind is what a file name means to the Sink.
type kind uint8

const (
	kindIgnored  kind = iota // temporary, hidden, our own output or unrelated
	kindPlaylist             // a final *.m3u8
	kindSegment              // a final *.ts, *.m4s or *.mp4 (fMP4 init)
)

const (
	// maxNameLen is the longest single path element we accept (Linux NAME_MAX).
	maxNameLen = 255
	// maxRelLen bounds every path handed to the Sink. SRS names are
	// [app]/[stream]-[seq].ts, far below this; anything longer is not SRS.
	maxRelLen = 1024
	// manifestSuffix is our own output, written next to every playlist.
	// Reacting to it would make every manifest write trigger another one.
	manifestSuffix = ".p2p.json"
)

// classify maps the base name of a file to its kind. The match is exact and
// case-sensitive, like the names SRS and ffmpeg write.
func classify(base string) kind {
	if !validName(base) || base[0] == '.' || strings.HasSuffix(base, manifestSuffix) {
		return kindIgnored
	}
	switch path.Ext(base) {
	case ".m3u8":
		return kindPlaylist
	case ".ts", ".m4s", ".mp4":
		return kindSegment
	default:
		return kindIgnored
	}
}

// watchableDir reports whether a directory with this base name should be
// watched: hidden directories (editors, rsync, our own tools) are skipped.
func watchableDir(base string) bool {
	return validName(base) && base[0] != '.'
}

// validName reports whether s is a single, printable path element: no
// separators, no "." or "..", valid UTF-8, no control characters. Names come
// from the file system, which anyone with write access to the HLS dir
// controls, and end up in manifests and logs.
func validName(s string) bool {
	if s == "" || s == "." || s == ".." || len(s) > maxNameLen || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 || r == 0x7f || r == '/' || r == '\\' {
			return false
		}
	}
	return true
}

// relPath returns name relative to root as a slash-separated path, "" for
// root itself. It fails for names outside root, for names with an invalid
// element and for names longer than maxRelLen, so what it returns is always
// safe to join to the HLS dir.
func relPath(root, name string) (string, bool) {
	if name == root {
		return "", true
	}
	prefix := root
	if !strings.HasSuffix(prefix, "/") {
		prefix += "/"
	}
	rest, ok := strings.CutPrefix(name, prefix)
	if !ok || rest == "" || len(rest) > maxRelLen {
		return "", false
	}
	for elem := range strings.SplitSeq(rest, "/") {
		if !validName(elem) {
			return "", false
		}
	}
	return rest, true
}

// parentRel returns the relative path of the directory holding rel.
func parentRel(rel string) string {
	if i := strings.LastIndexByte(rel, '/'); i >= 0 {
		return rel[:i]
	}
	return ""
}

// baseName returns the last element of rel.
func baseName(rel string) string {
	return rel[strings.LastIndexByte(rel, '/')+1:]
}
