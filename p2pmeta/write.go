package p2pmeta

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// tempAttempts bounds the retries when a random temp name is taken (practically never).
const tempAttempts = 8

// WriteFile replaces the file name (a slash path inside root) with data atomically: readers see the
// old content or the new, never a mix or an empty file. It writes a temp file
// "."+base+"."+random+".tmp" in the same directory (O_EXCL, mode 0644 before umask), syncs it,
// closes it and renames it over name; on any error the temp file is removed. Every access goes
// through root, so neither name nor a symlink on its way can leave the directory.
//
// The directory itself is not synced after the rename: a manifest is rewritten every few seconds,
// so after a crash the next write restores it, and the synced temp file guarantees that whatever
// name survives has complete content.
func WriteFile(root *os.Root, name string, data []byte) error {
	if root == nil {
		return errors.New("p2pmeta: write: nil root")
	}
	if !fs.ValidPath(name) || name == "." {
		return fmt.Errorf("p2pmeta: write %q: %w", name, ErrName)
	}
	dir, base := path.Split(name)
	f, tmp, err := createTemp(root, dir, base)
	if err != nil {
		return fmt.Errorf("p2pmeta: write %s: %w", name, err)
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = root.Rename(tmp, name)
	}
	if err != nil {
		_ = root.Remove(tmp) // best effort; the write error is the one to report
		return fmt.Errorf("p2pmeta: write %s: %w", name, err)
	}
	return nil
}

// IsTempName reports whether a file name (no directory) is one of WriteFile's temp files,
// ".<name>.p2p.json.<16 hex>.tmp". A process killed between create and rename leaves one behind;
// the indexer removes old ones.
func IsTempName(name string) bool {
	rest, ok := strings.CutPrefix(name, ".")
	if !ok {
		return false
	}
	rest, ok = strings.CutSuffix(rest, ".tmp")
	if !ok || len(rest) < len(Suffix)+17 {
		return false
	}
	random := rest[len(rest)-16:]
	if _, err := hex.DecodeString(random); err != nil || rest[len(rest)-17] != '.' {
		return false
	}
	return strings.HasSuffix(rest[:len(rest)-17], Suffix)
}

// createTemp creates a new temp file next to base in dir. The leading dot keeps it out of
// "*.p2p.json" globs and lets web servers that hide dotfiles never serve it.
func createTemp(root *os.Root, dir, base string) (*os.File, string, error) {
	var err error
	for range tempAttempts {
		var random [8]byte
		_, _ = rand.Read(random[:]) // crypto/rand.Read never fails
		tmp := dir + "." + base + "." + hex.EncodeToString(random[:]) + ".tmp"
		var f *os.File
		f, err = root.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if err == nil {
			return f, tmp, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, "", err
		}
	}
	return nil, "", err
}

// WriteFilePath is WriteFile for a plain file path: it opens a Root on the file's directory.
func WriteFilePath(name string, data []byte) error {
	base := filepath.Base(name)
	if base == "." || base == ".." || base == string(filepath.Separator) {
		return fmt.Errorf("p2pmeta: write %q: %w", name, ErrName)
	}
	root, err := os.OpenRoot(filepath.Dir(name))
	if err != nil {
		return fmt.Errorf("p2pmeta: write %s: %w", name, err)
	}
	defer root.Close()
	return WriteFile(root, base, data)
}

// ReadFilePath is ReadFile for a plain file path: it opens a Root on the file's directory.
func ReadFilePath(name string) (*Manifest, error) {
	root, err := os.OpenRoot(filepath.Dir(name))
	if err != nil {
		return nil, fmt.Errorf("p2pmeta: read %s: %w", name, err)
	}
	defer root.Close()
	return ReadFile(root, filepath.Base(name))
}

// ReadFile reads and parses the manifest name (a slash path inside root). It refuses anything but
// a regular file (a FIFO would block the reader) and reads at most MaxSize+1 bytes.
func ReadFile(root *os.Root, name string) (*Manifest, error) {
	b, err := readBounded(root, name)
	if err != nil {
		return nil, fmt.Errorf("p2pmeta: read: %w", err)
	}
	m, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("p2pmeta: read %s: %w", name, err)
	}
	return m, nil
}

// readBounded reads a regular file of at most MaxSize bytes. Its errors carry the name already.
func readBounded(root *os.Root, name string) ([]byte, error) {
	if root == nil {
		return nil, errors.New("nil root")
	}
	f, err := openRegular(root, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxSize {
		return nil, fmt.Errorf("%s: %w", name, ErrTooLarge)
	}
	return b, nil
}

// errNotRegular marks a path that exists but is a directory, device, FIFO or socket.
var errNotRegular = errors.New("not a regular file")

// openRegular opens name through root if it is a regular file. It stats before opening because
// opening a FIFO blocks, and checks again after opening in case the name was replaced meanwhile.
func openRegular(root *os.Root, name string) (*os.File, error) {
	if !fs.ValidPath(name) {
		return nil, &fs.PathError{Op: "open", Path: name, Err: ErrName}
	}
	fi, err := root.Stat(name)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, &fs.PathError{Op: "open", Path: name, Err: errNotRegular}
	}
	f, err := root.Open(name)
	if err != nil {
		return nil, err
	}
	if fi, err = f.Stat(); err != nil || !fi.Mode().IsRegular() {
		f.Close()
		return nil, &fs.PathError{Op: "open", Path: name, Err: errNotRegular}
	}
	return f, nil
}
