package tracker

import "sync"

// bufPool hands out read buffers in a few size classes: 8 KiB, then x4 up
// to the largest frame a client may send. Buffers go back to the pool as
// soon as their connection has no partial frame left, so idle peers pin
// none.
type bufPool struct {
	sizes []int
	pools []sync.Pool
}

const minReadBuf = 8 << 10

// newBufPool makes classes up to limit bytes (a whole frame of the
// largest message and its header).
func newBufPool(limit int) *bufPool {
	p := &bufPool{}
	for size := minReadBuf; size < limit; size *= 4 {
		p.sizes = append(p.sizes, size)
	}
	p.sizes = append(p.sizes, max(limit, minReadBuf))
	p.pools = make([]sync.Pool, len(p.sizes))
	return p
}

// get returns a buffer of at least n bytes (of the largest class when n
// is bigger).
func (p *bufPool) get(n int) *[]byte {
	i := 0
	for i < len(p.sizes)-1 && p.sizes[i] < n {
		i++
	}
	if b, ok := p.pools[i].Get().(*[]byte); ok {
		return b
	}
	b := make([]byte, p.sizes[i])
	return &b
}

// grow returns a buffer of the next class holding the first live bytes
// of b, and puts b back. b is returned as is when it is of the largest class.
func (p *bufPool) grow(b *[]byte, live int) *[]byte {
	for i, size := range p.sizes[:len(p.sizes)-1] {
		if size == len(*b) {
			nb := p.get(p.sizes[i+1])
			copy(*nb, (*b)[:live])
			p.put(b)
			return nb
		}
	}
	return b
}

func (p *bufPool) put(b *[]byte) {
	for i, size := range p.sizes {
		if size == len(*b) {
			p.pools[i].Put(b)
			return
		}
	}
}
