package indexer

import (
	"path"
	"strings"
	"sync"
	"time"
)

// DefaultVhost is SRS's name for the default virtual host.
const DefaultVhost = "__defaultVhost__"

// identity names a stream the way SRS does.
type identity struct {
	vhost, app, name string
}

// session is what hooks told us about one live publish of a stream.
type session struct {
	epoch       string
	vhost       string
	fromPublish bool      // learned from on_publish (else from an on_hls after we started)
	at          time.Time // when on_publish arrived; older files belong to the previous publish
}

// registry remembers what SRS's hooks said: which streams are being
// published, with which session id (the epoch), and where their playlists
// are. Hooks are hints that may be late, duplicated or reordered, so a
// session that ended is remembered (bounded) and late hooks naming it
// cannot bring it back.
type registry struct {
	mu        sync.Mutex
	sessions  map[string]*session // key: app + "/" + stream
	ended     map[string]time.Time
	playlists map[string]identity // playlist rel path -> identity learned from on_hls
	byStream  map[string]string   // app/stream -> playlist rel path learned from on_hls
	inits     map[string]string   // playlist rel path -> init file an on_hls named
	max       int
}

func newRegistry(max int) *registry {
	return &registry{
		sessions:  make(map[string]*session),
		ended:     make(map[string]time.Time),
		playlists: make(map[string]identity),
		byStream:  make(map[string]string),
		inits:     make(map[string]string),
		max:       max,
	}
}

func streamKey(app, stream string) string { return app + "/" + stream }

// publish records an accepted on_publish.
func (r *registry) publish(vhost, app, stream, epoch string, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := streamKey(app, stream)
	if _, ok := r.sessions[k]; !ok && len(r.sessions) >= r.max {
		return
	}
	r.sessions[k] = &session{epoch: epoch, vhost: vhost, fromPublish: true, at: now}
	delete(r.ended, epoch)
}

// unpublish ends the session named by epoch, if it is the current one.
func (r *registry) unpublish(app, stream, epoch string, now time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := streamKey(app, stream)
	if s, ok := r.sessions[k]; ok && s.epoch == epoch {
		delete(r.sessions, k)
	}
	r.markEndedLocked(epoch, now)
}

func (r *registry) markEndedLocked(epoch string, now time.Time) {
	if len(r.ended) >= r.max {
		// Forget the oldest half: ended sessions only matter for the
		// minutes in which their late hooks can still arrive.
		cut := now.Add(-time.Hour)
		for e, t := range r.ended {
			if t.Before(cut) || len(r.ended) >= r.max {
				delete(r.ended, e)
			}
		}
	}
	r.ended[epoch] = now
}

// learnInit records the init file SRS 7 announced with an on_hls for it.
func (r *registry) learnInit(playlist, init string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, ok := r.inits[playlist]; ok || len(r.inits) < r.max {
		r.inits[playlist] = init
	}
}

func (r *registry) initHint(playlist string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.inits[playlist]
}

// hls records what an on_hls says: where the stream's playlist is, and,
// when we did not see its on_publish (we started later), its session id.
// It reports false when the hook names a playlist that cannot be this
// stream's: that mapping is not learned, so two playlists never claim one
// stream (and one swarm).
func (r *registry) hls(vhost, app, stream, epoch, playlist string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := streamKey(app, stream)
	id := identity{vhost: vhost, app: app, name: stream}
	if !plausiblePlaylist(stream, playlist) {
		return false
	}
	if old, ok := r.playlists[playlist]; ok && old != id {
		return false
	}
	if old, ok := r.byStream[k]; ok && old != playlist {
		return false
	}
	if _, ok := r.playlists[playlist]; ok || len(r.playlists) < r.max {
		r.playlists[playlist] = id
		r.byStream[k] = playlist
	}
	if epoch == "" {
		return true
	}
	if _, gone := r.ended[epoch]; gone {
		return true
	}
	s, ok := r.sessions[k]
	if ok && (s.fromPublish || s.epoch == epoch) {
		return true
	}
	if !ok && len(r.sessions) >= r.max {
		return true
	}
	r.sessions[k] = &session{epoch: epoch, vhost: vhost}
	return true
}

// plausiblePlaylist reports whether SRS could have written the playlist of
// stream at path: hls_m3u8_file always contains [stream], either as the
// file name ("[app]/[stream].m3u8", the default) or as a directory
// ("[app]/[stream]/index.m3u8").
func plausiblePlaylist(stream, p string) bool {
	if strings.TrimSuffix(path.Base(p), ".m3u8") == stream {
		return true
	}
	for _, el := range strings.Split(path.Dir(p), "/") {
		if el == stream {
			return true
		}
	}
	return false
}

// lookup returns the identity and live session for the playlist at rel.
func (r *registry) lookup(rel string) (identity, *session) {
	r.mu.Lock()
	defer r.mu.Unlock()
	id, ok := r.playlists[rel]
	if !ok {
		id = identityFromPath(rel)
	}
	s := r.sessions[streamKey(id.app, id.name)]
	if s != nil {
		if id.vhost == DefaultVhost && s.vhost != "" {
			id.vhost = s.vhost
		}
		c := *s
		return id, &c
	}
	return id, nil
}

// playlistOf returns the playlist path of app/stream: the one on_hls named,
// else SRS's default hls_m3u8_file "[app]/[stream].m3u8".
func (r *registry) playlistOf(app, stream string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	if p, ok := r.byStream[streamKey(app, stream)]; ok {
		return p
	}
	return path.Join(app, stream+".m3u8")
}

// forgetPlaylist drops what on_hls taught about a disposed playlist.
func (r *registry) forgetPlaylist(rel string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if id, ok := r.playlists[rel]; ok {
		delete(r.playlists, rel)
		delete(r.inits, rel)
		if r.byStream[streamKey(id.app, id.name)] == rel {
			delete(r.byStream, streamKey(id.app, id.name))
		}
	}
}

// identityFromPath names a stream from SRS's default layout
// "[app]/[stream].m3u8" when no hook told us better.
func identityFromPath(rel string) identity {
	app := path.Dir(rel)
	if app == "." {
		app = ""
	}
	return identity{vhost: DefaultVhost, app: app, name: strings.TrimSuffix(path.Base(rel), ".m3u8")}
}
