package p2pmeta

import (
	"crypto/sha256"
	"encoding/hex"
	"io"
	"sync"
)

// hashBufferSize is large enough that hashing a file costs few read calls, small enough to pool.
const hashBufferSize = 256 << 10

var hashBuffers = sync.Pool{New: func() any {
	b := make([]byte, hashBufferSize)
	return &b
}}

// HashFile reads r to the end and returns how many bytes it read and their SHA-256. It streams
// through a pooled 256 KiB buffer, so hashing many segments allocates almost nothing. Pass an
// io.LimitReader to bound the read.
func HashFile(r io.Reader) (size int64, sum [32]byte, err error) {
	bp := hashBuffers.Get().(*[]byte)
	defer hashBuffers.Put(bp)
	buf := *bp
	h := sha256.New()
	for {
		n, rerr := r.Read(buf)
		if n > 0 {
			h.Write(buf[:n]) // a hash.Hash never returns an error
			size += int64(n)
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return size, [32]byte{}, rerr
		}
	}
	h.Sum(sum[:0])
	return size, sum, nil
}

// Hex returns the manifest form of a SHA-256: 64 lowercase hex characters.
func Hex(sum [32]byte) string { return hex.EncodeToString(sum[:]) }
