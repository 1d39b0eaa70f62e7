package p2pmeta

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"slices"
	"strings"
	"syscall"
)

// Problem is one finding of Verify: a manifest that does not parse, or a file it lists that does
// not match it. Paths are slash paths relative to the verified directory.
type Problem struct {
	Manifest string // the manifest, e.g. "live/livestream.p2p.json"
	Path     string // the file checked: the manifest itself, its playlist, init or a segment
	// Reason is "missing", "escapes root", "not a regular file", "size 10 != 12" (on disk !=
	// manifest), "sha256 mismatch", "parse: ..." or "read: ...".
	Reason string
}

func (p Problem) String() string { return p.Manifest + ": " + p.Path + ": " + p.Reason }

// Verify checks every *.p2p.json under dir. It walks dir without following symlinked directories
// and opens every file through an os.Root of dir, so a uri that escapes dir (by a symlink) is
// reported and never read. For each manifest it checks that the playlist exists and that init and
// every segment have the listed size and SHA-256, hashing as it streams. Problems come back sorted;
// the error is only for a failure of the walk itself. On a live directory Verify can report
// changes that happen during the check, such as a retained segment deleted a moment ago.
func Verify(dir string) ([]Problem, error) {
	r, err := VerifyDir(dir)
	if err != nil {
		return nil, err
	}
	return r.Problems, nil
}

// Report is the outcome of VerifyDir.
type Report struct {
	Manifests int       // manifests found
	Segments  int       // segments and init files checked
	Problems  []Problem // sorted
}

// VerifyDir is Verify with counts, for a summary line.
func VerifyDir(dir string) (*Report, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, fmt.Errorf("p2pmeta: verify: %w", err)
	}
	defer root.Close()
	r := &Report{}
	// fs.WalkDir learns entry types from ReadDir, which does not follow symlinks, so it never
	// descends into a symlinked directory; root.FS keeps every access inside dir.
	err = fs.WalkDir(root.FS(), ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(name, Suffix) {
			return nil
		}
		v, err := verifyManifest(root, name)
		if err != nil {
			return err
		}
		r.Manifests++
		r.Segments += v.files
		r.Problems = append(r.Problems, v.problems...)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("p2pmeta: verify: %w", err)
	}
	sortProblems(r.Problems)
	return r, nil
}

// VerifyManifest checks one manifest (a slash path inside root) like Verify does. A missing or
// unparsable manifest is a Problem; the error is only for a nil root or a bad name.
func VerifyManifest(root *os.Root, name string) ([]Problem, error) {
	v, err := verifyManifest(root, name)
	if err != nil {
		return nil, err
	}
	return v.problems, nil
}

func verifyManifest(root *os.Root, name string) (*verifier, error) {
	if root == nil {
		return nil, errors.New("p2pmeta: verify: nil root")
	}
	if !fs.ValidPath(name) || name == "." {
		return nil, fmt.Errorf("p2pmeta: verify %q: %w", name, ErrName)
	}
	v := &verifier{root: root, manifest: name}
	b, err := readBounded(root, name)
	if errors.Is(err, ErrTooLarge) {
		v.report(name, "parse: "+ErrTooLarge.Error())
		return v, nil
	}
	if err != nil {
		v.report(name, v.openReason("read", err))
		return v, nil
	}
	m, err := Parse(b)
	if err != nil {
		v.report(name, "parse: "+err.Error())
		return v, nil
	}
	dir := path.Dir(name)
	v.checkPlaylist(path.Join(dir, m.Playlist))
	if m.Init != nil {
		v.checkFile(path.Join(dir, m.Init.URI), m.Init.Size, m.Init.SHA256)
	}
	for _, s := range m.Segments {
		v.checkFile(path.Join(dir, s.URI), s.Size, s.SHA256)
	}
	sortProblems(v.problems)
	return v, nil
}

type verifier struct {
	root     *os.Root
	manifest string
	files    int
	problems []Problem
}

func (v *verifier) report(name, reason string) {
	v.problems = append(v.problems, Problem{Manifest: v.manifest, Path: name, Reason: reason})
}

func (v *verifier) checkPlaylist(name string) {
	f, err := openRegular(v.root, name)
	if err != nil {
		v.report(name, v.openReason("open", err))
		return
	}
	f.Close()
}

// checkFile compares one file with its size and sha256. It reads at most size+1 bytes, so a file
// that grew is caught without reading all of it.
func (v *verifier) checkFile(name string, size int64, sum string) {
	v.files++
	f, err := openRegular(v.root, name)
	if err != nil {
		v.report(name, v.openReason("open", err))
		return
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		v.report(name, "read: "+err.Error())
		return
	}
	if fi.Size() != size {
		v.report(name, fmt.Sprintf("size %d != %d", fi.Size(), size))
		return
	}
	n, got, err := HashFile(io.LimitReader(f, size+1))
	switch {
	case err != nil:
		v.report(name, "read: "+err.Error())
	case n != size:
		v.report(name, fmt.Sprintf("size %d != %d", n, size))
	case Hex(got) != sum:
		v.report(name, "sha256 mismatch")
	}
}

// openReason names why a file could not be opened. os.Root's "path escapes from parent" error is
// not exported; the root hands out the same value for "..", which is how it is recognized.
func (v *verifier) openReason(op string, err error) string {
	if errors.Is(err, fs.ErrNotExist) {
		return "missing"
	}
	if errors.Is(err, errNotRegular) {
		return "not a regular file"
	}
	var probe *fs.PathError
	var errno syscall.Errno
	if _, perr := v.root.Lstat(".."); errors.As(perr, &probe) && !errors.As(probe.Err, &errno) && errors.Is(err, probe.Err) {
		return "escapes root"
	}
	return op + ": " + err.Error()
}

func sortProblems(p []Problem) {
	slices.SortFunc(p, func(a, b Problem) int {
		return cmp.Or(strings.Compare(a.Manifest, b.Manifest), strings.Compare(a.Path, b.Path), strings.Compare(a.Reason, b.Reason))
	})
}
