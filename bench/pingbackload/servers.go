package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"strconv"
	"time"

	"github.com/webp2p/srs-p2p/internal/srslog"
	"github.com/webp2p/srs-p2p/sidecar/api"
	"github.com/webp2p/srs-p2p/sidecar/indexer"
	"github.com/webp2p/srs-p2p/sidecar/pingback"
)

// serverKind names the two servers measured.
type serverKind string

const (
	kindCeiling  serverKind = "ceiling"
	kindPingback serverKind = "pingback"
)

// The load's shape: 200 sessions on each of 3 live streams.
const (
	streams           = 3
	sessionsPerStream = 200
)

// liveStreams is the stream source of the real handler: 3 live streams.
type liveStreams []indexer.StreamInfo

func (l liveStreams) Streams() []indexer.StreamInfo { return l }

func (l liveStreams) Manifest(string) ([]byte, *indexer.StreamInfo, bool) { return nil, nil, false }

func swarmIDOf(i int) string {
	return fmt.Sprintf("srs-p2p:bench/__defaultVhost__/live/stream%d/vid-bench%d", i, i)
}

func newLiveStreams() liveStreams {
	var l liveStreams
	for i := 0; i < streams; i++ {
		name := "stream" + strconv.Itoa(i)
		l = append(l, indexer.StreamInfo{Vhost: "__defaultVhost__", App: "live", Name: name, Epoch: "vid-bench" + strconv.Itoa(i),
			SwarmID: swarmIDOf(i), Playlist: "live/" + name + ".m3u8", Manifest: "live/" + name + ".p2p.json", Publishing: true})
	}
	return l
}

// okReply is what both servers answer: the ceiling writes the same bytes
// as the real handler, so both move the same data.
const okReply = `{"code":0,"server":"bench","data":{"interval_ms":10000,"accepted":1,"duplicates":0}}`

// benchServer is one server listening on 127.0.0.1:0.
type benchServer struct {
	kind serverKind
	url  string
	srv  *http.Server
	pb   *pingback.Server // nil for the ceiling
	done chan struct{}
}

func startServer(kind serverKind) (*benchServer, error) {
	b := &benchServer{kind: kind, done: make(chan struct{})}
	var h http.Handler
	switch kind {
	case kindCeiling:
		h = http.HandlerFunc(ceiling)
	case kindPingback:
		src := newLiveStreams()
		pb, err := pingback.New(pingback.Config{ServerID: "bench", Rate: 1e9, Burst: 1e9, Logger: srslog.Discard()}, src)
		if err != nil {
			return nil, err
		}
		b.pb = pb
		h = api.NewRouter(api.Config{ServerID: "bench", Stats: pb}, src, pb)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		if b.pb != nil {
			_ = b.pb.Close()
		}
		return nil, err
	}
	b.url = "http://" + ln.Addr().String() + pingback.Path
	b.srv = &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		defer close(b.done)
		_ = b.srv.Serve(ln)
	}()
	return b, nil
}

// ceiling reads and discards the body and replies: the least any handler
// of these requests does.
func ceiling(w http.ResponseWriter, r *http.Request) {
	if _, err := io.Copy(io.Discard, http.MaxBytesReader(w, r.Body, pingback.MaxBodyBytes)); err != nil {
		http.Error(w, "body", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(okReply)))
	_, _ = io.WriteString(w, okReply)
}

func (b *benchServer) stop() {
	_ = b.srv.Close()
	<-b.done
	if b.pb != nil {
		_ = b.pb.Close()
	}
}

var acceptedMetric = regexp.MustCompile(`(?m)^srs_p2p_pingback_reports_total\{result="accepted"\} (\d+)$`)

// verify checks that the real handler counted every report the client saw
// accepted: a fast handler that drops reports is no result.
func (b *benchServer) verify(clientOK uint64) error {
	if b.pb == nil {
		return nil
	}
	var buf bytes.Buffer
	b.pb.Metrics().WritePrometheus(&buf)
	m := acceptedMetric.FindSubmatch(buf.Bytes())
	if m == nil {
		return errors.New("no accepted-reports metric")
	}
	n, _ := strconv.ParseUint(string(m[1]), 10, 64)
	if n != clientOK {
		return fmt.Errorf("server counted %d reports, clients saw %d accepted", n, clientOK)
	}
	return nil
}
