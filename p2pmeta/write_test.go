package p2pmeta

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func openRoot(t *testing.T, dir string) *os.Root {
	t.Helper()
	root, err := os.OpenRoot(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { root.Close() })
	return root
}

// dirNames lists a directory, to catch temp files left behind.
func dirNames(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

func TestWriteFileReplacesAndLeavesNoTemp(t *testing.T) {
	dir := t.TempDir()
	if err := os.Mkdir(filepath.Join(dir, "live"), 0o755); err != nil {
		t.Fatal(err)
	}
	root := openRoot(t, dir)
	for _, content := range []string{"first, longer content\n", "second\n"} {
		if err := WriteFile(root, "live/livestream.p2p.json", []byte(content)); err != nil {
			t.Fatal(err)
		}
		got, err := os.ReadFile(filepath.Join(dir, "live", "livestream.p2p.json"))
		if err != nil || string(got) != content {
			t.Fatalf("file holds %q (%v), want %q", got, err, content)
		}
	}
	if names := dirNames(t, filepath.Join(dir, "live")); !reflect.DeepEqual(names, []string{"livestream.p2p.json"}) {
		t.Errorf("directory holds %q, want only the manifest", names)
	}
}

// TestWriteFileIsAtomic replaces a manifest 500 times with manifests of different sizes while a
// reader parses it in a loop: every read must be a whole manifest.
func TestWriteFileIsAtomic(t *testing.T) {
	dir := t.TempDir()
	root := openRoot(t, dir)
	versions := make([][]byte, 20)
	for i := range versions {
		m := emptyP2P()
		m.Segments = m.Segments[:i%len(m.Segments)]
		if i%3 == 0 {
			m.P2P = exampleP2P()
		}
		b, err := Marshal(m)
		if err != nil {
			t.Fatal(err)
		}
		versions[i] = b
	}
	const name = "livestream.p2p.json"
	if err := WriteFile(root, name, versions[0]); err != nil {
		t.Fatal(err)
	}

	done := make(chan struct{})
	result := make(chan error, 1)
	go func() {
		reads := 0
		for {
			b, err := os.ReadFile(filepath.Join(dir, name))
			if err == nil {
				_, err = Parse(b)
			}
			if err != nil {
				result <- err
				return
			}
			reads++
			select {
			case <-done:
				if reads == 0 {
					err = errors.New("reader never read")
				}
				result <- err
				return
			default:
			}
		}
	}()
	for i := range 500 {
		if err := WriteFile(root, name, versions[i%len(versions)]); err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	if err := <-result; err != nil {
		t.Fatalf("reader saw a broken manifest: %v", err)
	}
	got, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil || !bytes.Equal(got, versions[499%len(versions)]) {
		t.Errorf("final content %q (%v), want the last version", got, err)
	}
	if names := dirNames(t, dir); !reflect.DeepEqual(names, []string{name}) {
		t.Errorf("directory holds %q, want only the manifest", names)
	}
}

func TestWriteFileRemovesTempWhenRenameFails(t *testing.T) {
	dir := t.TempDir()
	// A non-empty directory where the manifest should go makes the rename fail.
	if err := os.MkdirAll(filepath.Join(dir, "x.p2p.json", "inside"), 0o755); err != nil {
		t.Fatal(err)
	}
	root := openRoot(t, dir)
	if err := WriteFile(root, "x.p2p.json", []byte("{}\n")); err == nil {
		t.Fatal("WriteFile over a directory succeeded")
	}
	if names := dirNames(t, dir); !reflect.DeepEqual(names, []string{"x.p2p.json"}) {
		t.Errorf("directory holds %q, want the temp file removed", names)
	}
}

func TestWriteFileRefusesNamesOutsideRoot(t *testing.T) {
	parent := t.TempDir()
	dir := filepath.Join(parent, "hls")
	outside := filepath.Join(parent, "outside")
	for _, d := range []string{dir, outside} {
		if err := os.Mkdir(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Symlink(outside, filepath.Join(dir, "link")); err != nil {
		t.Fatal(err)
	}
	root := openRoot(t, dir)
	cases := []struct {
		name    string
		errName bool // refused as a name, before touching the filesystem
	}{
		{"../x", true},
		{"/x", true},
		{"", true},
		{"live/", true},
		{"a/../../x", true},
		{"link/x.p2p.json", false}, // a valid name, refused by os.Root
	}
	for _, c := range cases {
		err := WriteFile(root, c.name, []byte("x"))
		if err == nil {
			t.Errorf("WriteFile(%q) succeeded", c.name)
			continue
		}
		if c.errName != errors.Is(err, ErrName) {
			t.Errorf("WriteFile(%q) = %v, ErrName expected: %v", c.name, err, c.errName)
		}
	}
	if names := dirNames(t, outside); len(names) != 0 {
		t.Errorf("files written outside the root: %q", names)
	}
	if names := dirNames(t, parent); !reflect.DeepEqual(names, []string{"hls", "outside"}) {
		t.Errorf("files written beside the root: %q", names)
	}
}

func TestWriteFilePath(t *testing.T) {
	dir := t.TempDir()
	name := filepath.Join(dir, "s.p2p.json")
	if err := WriteFilePath(name, []byte("content")); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(name); err != nil || string(got) != "content" {
		t.Errorf("file holds %q (%v)", got, err)
	}
	if err := WriteFilePath(filepath.Join(dir, "missing", "s.p2p.json"), nil); err == nil {
		t.Error("WriteFilePath into a missing directory succeeded")
	}
	if err := WriteFilePath(dir+string(filepath.Separator)+"..", nil); !errors.Is(err, ErrName) {
		t.Errorf("WriteFilePath(..) = %v, want ErrName", err)
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	root := openRoot(t, dir)
	golden := readGolden(t, "srs7-fmp4-init.p2p.json")
	if err := os.WriteFile(filepath.Join(dir, "ok.p2p.json"), golden, 0o644); err != nil {
		t.Fatal(err)
	}
	m, err := ReadFile(root, "ok.p2p.json")
	if err != nil || !reflect.DeepEqual(m, srs7FMP4()) {
		t.Fatalf("ReadFile = %+v, %v", m, err)
	}

	big := append(bytes.Repeat([]byte(" "), MaxSize), golden...)
	if err := os.WriteFile(filepath.Join(dir, "big.p2p.json"), big, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "dir.p2p.json"), 0o755); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		want string
	}{
		{"big.p2p.json", "larger than MaxSize"},
		{"dir.p2p.json", "not a regular file"},
		{"missing.p2p.json", "no such file"},
		{"../ok.p2p.json", "not a local slash path"},
	}
	for _, c := range cases {
		if _, err := ReadFile(root, c.name); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ReadFile(%q) = %v, want an error containing %q", c.name, err, c.want)
		}
	}
}

func TestIsTempName(t *testing.T) {
	for name, want := range map[string]bool{
		".livestream.p2p.json.0123456789abcdef.tmp": true,
		".x.p2p.json.0123456789abcdef.tmp":          true,
		"livestream.p2p.json.0123456789abcdef.tmp":  false,
		".livestream.p2p.json.0123456789abcdeg.tmp": false,
		".livestream.m3u8.0123456789abcdef.tmp":     false,
		".livestream.p2p.json.tmp":                  false,
		".p2p.json.0123456789abcdef":                false,
	} {
		if IsTempName(name) != want {
			t.Errorf("IsTempName(%q) != %v", name, want)
		}
	}
	// What WriteFile really creates is recognised.
	dir := t.TempDir()
	root := openRoot(t, dir)
	f, tmp, err := createTemp(root, "", "livestream.p2p.json")
	if err != nil {
		t.Fatal(err)
	}
	f.Close()
	if !IsTempName(tmp) {
		t.Fatalf("IsTempName(%q) = false for WriteFile's own temp file", tmp)
	}
}
