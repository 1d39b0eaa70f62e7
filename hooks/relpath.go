package hooks

import (
	"fmt"
	"path"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// maxRelPathLen bounds url and m3u8_url; SRS's are about 30 bytes.
const maxRelPathLen = 1024

// RelPath validates an on_hls url or m3u8_url, which SRS gives relative to
// its hls_path, and returns it cleaned with slash separators, ready to be
// joined to the HLS dir as seen by this process.
//
// It is non-empty, at most 1024 bytes of valid UTF-8 without control
// characters, backslashes, '?' or '#', not absolute, has no ".." element
// anywhere (even one that would clean away, like "a/../b.ts": SRS never
// writes one, so it can only be an attack or a bug), and after cleaning is
// local (filepath.IsLocal) and not the dir itself. The check is lexical:
// percent signs are literal file name bytes ("live/%2e%2e/x.ts" names a
// directory called "%2e%2e"), and symlinks are the opener's business (it
// uses os.Root). Errors wrap ErrPathOutside.
func RelPath(p string) (string, error) {
	clean, why := relPath(p)
	if why != "" {
		return "", fmt.Errorf("%w: %s %s", ErrPathOutside, quote(p), why)
	}
	return clean, nil
}

// relPath returns the cleaned path, or "" and why p is refused.
func relPath(p string) (clean, why string) {
	switch {
	case p == "":
		return "", "is empty"
	case len(p) > maxRelPathLen:
		return "", fmt.Sprintf("is longer than %d bytes", maxRelPathLen)
	case !utf8.ValidString(p):
		return "", "is not valid UTF-8"
	case hasControl(p):
		return "", "contains a control character"
	case strings.ContainsRune(p, '\\'):
		return "", "contains a backslash"
	case strings.ContainsAny(p, "?#"):
		return "", "contains a query or fragment"
	case path.IsAbs(p):
		return "", "is absolute"
	}
	for elem := range strings.SplitSeq(p, "/") {
		if elem == ".." {
			return "", "has a .. element"
		}
	}
	clean = path.Clean(p)
	if clean == "." {
		return "", "names the HLS dir itself"
	}
	if !filepath.IsLocal(filepath.FromSlash(clean)) {
		return "", "is not local"
	}
	return clean, ""
}
