package indexer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/webp2p/srs-p2p/p2pmeta"
)

// Errors returned by the hasher.
var (
	errTooLarge     = errors.New("indexer: segment larger than hls.max_segment_bytes")
	errChanged      = errors.New("indexer: file changed while hashing")
	errNotRegular   = errors.New("indexer: not a regular file")
	errHasherClosed = errors.New("indexer: hasher closed")
)

// digest is what the manifest needs of a file.
type digest struct {
	size int64
	sum  [32]byte
}

type cacheEntry struct {
	id fileID
	d  digest
}

// hashCall is one hashing job; waiters block on done.
type hashCall struct {
	rel  string
	done chan struct{}
	id   fileID
	d    digest
	err  error
}

// hasher hashes files inside the HLS root on a bounded pool of workers and
// caches results by (path, dev, inode, size, mtime). Segments are hashed as
// soon as they appear (Prefetch), so by the time SRS rewrites the playlist
// the manifest build finds every hash in the cache. Concurrent requests for
// the same file share one hashing job.
type hasher struct {
	root     *os.Root
	maxBytes atomic.Int64
	maxCache int
	m        *indexMetrics

	mu       sync.Mutex
	cache    map[string]cacheEntry
	inflight map[string]*hashCall
	jobs     chan *hashCall
	quit     chan struct{}
	wg       sync.WaitGroup
}

func newHasher(root *os.Root, workers, queue, maxCache int, maxBytes int64, m *indexMetrics) *hasher {
	h := &hasher{
		root:     root,
		maxCache: maxCache,
		m:        m,
		cache:    make(map[string]cacheEntry),
		inflight: make(map[string]*hashCall),
		jobs:     make(chan *hashCall, queue),
		quit:     make(chan struct{}),
	}
	h.maxBytes.Store(maxBytes)
	h.wg.Add(workers)
	for range workers {
		go h.work()
	}
	return h
}

func (h *hasher) close() {
	close(h.quit)
	h.wg.Wait()
	// Release anyone still waiting on queued jobs.
	for {
		select {
		case c := <-h.jobs:
			h.finish(c, fileID{}, digest{}, errHasherClosed)
		default:
			return
		}
	}
}

func (h *hasher) work() {
	defer h.wg.Done()
	for {
		select {
		case <-h.quit:
			return
		case c := <-h.jobs:
			id, d, err := h.hash(c.rel)
			h.finish(c, id, d, err)
		}
	}
}

func (h *hasher) finish(c *hashCall, id fileID, d digest, err error) {
	h.mu.Lock()
	if err == nil {
		if len(h.cache) >= h.maxCache {
			h.evictLocked()
		}
		h.cache[c.rel] = cacheEntry{id: id, d: d}
	}
	if h.inflight[c.rel] == c {
		delete(h.inflight, c.rel)
	}
	h.mu.Unlock()
	c.id, c.d, c.err = id, d, err
	close(c.done)
}

// evictLocked drops about a tenth of the cache. Entries are normally
// forgotten when their file is deleted; this only bounds memory when deletes
// are not observed (hooks-only mode). Map order is random, which is fine:
// the worst case is hashing a file again.
func (h *hasher) evictLocked() {
	n := len(h.cache)/10 + 1
	for k := range h.cache {
		delete(h.cache, k)
		if n--; n == 0 {
			return
		}
	}
}

// hash reads one file through the root (which refuses paths and symlinks
// leaving the HLS dir) and checks it did not change while being read.
func (h *hasher) hash(rel string) (fileID, digest, error) {
	f, err := h.root.Open(rel)
	if err != nil {
		return fileID{}, digest{}, err
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return fileID{}, digest{}, err
	}
	if !fi.Mode().IsRegular() {
		return fileID{}, digest{}, errNotRegular
	}
	if fi.Size() > h.maxBytes.Load() {
		return fileID{}, digest{}, fmt.Errorf("%w: %d bytes", errTooLarge, fi.Size())
	}
	id := idOf(fi)
	size, sum, err := p2pmeta.HashFile(f)
	if err != nil {
		return fileID{}, digest{}, err
	}
	fi2, err := f.Stat()
	if err != nil {
		return fileID{}, digest{}, err
	}
	if idOf(fi2) != id || size != id.size {
		return fileID{}, digest{}, errChanged
	}
	h.m.segmentsHashed.Inc()
	h.m.bytesHashed.Add(int(size))
	return id, digest{size: size, sum: sum}, nil
}

// sum returns the digest of the file now at rel, from the cache when its
// identity is unchanged, else by hashing it on the pool.
func (h *hasher) sum(ctx context.Context, rel string) (fileID, digest, error) {
	fi, err := h.root.Stat(rel)
	if err != nil {
		return fileID{}, digest{}, err
	}
	if !fi.Mode().IsRegular() {
		return fileID{}, digest{}, errNotRegular
	}
	id := idOf(fi)
	for attempt := 0; ; attempt++ {
		h.mu.Lock()
		if e, ok := h.cache[rel]; ok && e.id == id {
			h.mu.Unlock()
			h.m.cacheHits.Inc()
			return id, e.d, nil
		}
		c, ok := h.inflight[rel]
		if !ok {
			c = &hashCall{rel: rel, done: make(chan struct{})}
			h.inflight[rel] = c
			h.mu.Unlock()
			select {
			case h.jobs <- c:
			case <-ctx.Done():
				h.finish(c, fileID{}, digest{}, ctx.Err())
			case <-h.quit:
				h.finish(c, fileID{}, digest{}, errHasherClosed)
			}
		} else {
			h.mu.Unlock()
		}
		select {
		case <-c.done:
		case <-ctx.Done():
			return fileID{}, digest{}, ctx.Err()
		}
		// A job started before the file was replaced hashed the old
		// version: hash again once, then take what the file is now.
		if c.err != nil || c.id == id || attempt > 0 {
			return c.id, c.d, c.err
		}
	}
}

// prefetch queues a hash of rel without waiting; when the queue is full the
// job is dropped and the manifest build hashes the file itself.
func (h *hasher) prefetch(rel string) {
	fi, err := h.root.Stat(rel)
	if err != nil || !fi.Mode().IsRegular() {
		return
	}
	id := idOf(fi)
	h.mu.Lock()
	if e, ok := h.cache[rel]; ok && e.id == id {
		h.mu.Unlock()
		return
	}
	if _, ok := h.inflight[rel]; ok {
		h.mu.Unlock()
		return
	}
	c := &hashCall{rel: rel, done: make(chan struct{})}
	h.inflight[rel] = c
	h.mu.Unlock()
	select {
	case h.jobs <- c:
	default:
		h.m.prefetchDropped.Inc()
		h.finish(c, fileID{}, digest{}, errors.New("indexer: hash queue full"))
	}
}

// forget drops the cache entry of a removed file.
func (h *hasher) forget(rel string) {
	h.mu.Lock()
	delete(h.cache, rel)
	h.mu.Unlock()
}

// forgetDir drops the entries of every file under dir.
func (h *hasher) forgetDir(dir string) {
	prefix := dir + "/"
	h.mu.Lock()
	for k := range h.cache {
		if strings.HasPrefix(k, prefix) {
			delete(h.cache, k)
		}
	}
	h.mu.Unlock()
}

func (h *hasher) cached() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.cache)
}
