package p2pmeta

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"testing"
	"testing/iotest"
)

func TestHashFile(t *testing.T) {
	for _, n := range []int{0, 1, hashBufferSize - 1, hashBufferSize, hashBufferSize + 1, 3*hashBufferSize + 7} {
		data := make([]byte, n)
		for i := range data {
			data[i] = byte(i * 7)
		}
		readers := map[string]io.Reader{"plain": bytes.NewReader(data)}
		if n <= hashBufferSize+1 {
			// Many short reads must add up the same; larger sizes would only slow the test down.
			readers["one byte"] = iotest.OneByteReader(bytes.NewReader(data))
		}
		for name, r := range readers {
			size, sum, err := HashFile(r)
			if err != nil || size != int64(n) || sum != sha256.Sum256(data) {
				t.Errorf("%d bytes, %s reader: size %d, sum %x, err %v", n, name, size, sum, err)
			}
		}
	}
}

func TestHashFileReadError(t *testing.T) {
	boom := errors.New("boom")
	r := io.MultiReader(bytes.NewReader([]byte("abc")), iotest.ErrReader(boom))
	if _, sum, err := HashFile(r); !errors.Is(err, boom) || sum != ([32]byte{}) {
		t.Errorf("HashFile = %x, %v; want a zero sum and the read error", sum, err)
	}
}

func TestHex(t *testing.T) {
	want := "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
	if got := Hex(sha256.Sum256(nil)); got != want {
		t.Errorf("Hex = %s, want %s", got, want)
	}
}

func BenchmarkHashFile(b *testing.B) {
	data := bytes.Repeat([]byte("srs-p2p "), 1<<17) // 1 MiB
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := HashFile(bytes.NewReader(data)); err != nil {
			b.Fatal(err)
		}
	}
}
