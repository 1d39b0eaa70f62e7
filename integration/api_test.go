package integration

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// httpClient opens a new connection per request, like SRS does for hooks.
var httpClient = &http.Client{
	Timeout:   10 * time.Second,
	Transport: &http.Transport{DisableKeepAlives: true},
}

// httpTry sends one request and returns the status and the whole body; it
// is safe to call from any goroutine.
func httpTry(method, url, contentType string, body []byte) (int, []byte, error) {
	req, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("User-Agent", "SRS/6.0.183(Hang)")
	resp, err := httpClient.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return 0, nil, fmt.Errorf("read body: %w", err)
	}
	return resp.StatusCode, b, nil
}

// httpDo is httpTry for the test goroutine: an error fails the test.
func httpDo(t *testing.T, method, url, contentType string, body []byte) (int, []byte) {
	t.Helper()
	status, b, err := httpTry(method, url, contentType, body)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	return status, b
}

func httpGet(t *testing.T, url string) (int, []byte) {
	t.Helper()
	return httpDo(t, http.MethodGet, url, "", nil)
}

// postHook POSTs an SRS hook body to path (with any ?secret= query).
func (s *sidecar) postHook(path string, body []byte) (int, []byte) {
	s.t.Helper()
	return httpDo(s.t, http.MethodPost, s.url(path), "application/json", body)
}

// hookOK is SRS's only unambiguous success reply.
const hookOK = `{"code":0}`

// apiStreams is GET /api/v1/streams as the binary's contract documents it.
type apiStreams struct {
	Code   int    `json:"code"`
	Server string `json:"server"`
	Data   struct {
		Streams []apiStream `json:"streams"`
	} `json:"data"`
}

type apiStream struct {
	Vhost         string `json:"vhost"`
	App           string `json:"app"`
	Name          string `json:"name"`
	Epoch         string `json:"epoch"`
	SwarmID       string `json:"swarm_id"`
	Playlist      string `json:"playlist"`
	Manifest      string `json:"manifest"`
	ManifestURL   string `json:"manifest_url"`
	Segments      int    `json:"segments"`
	MediaSequence uint64 `json:"media_sequence"`
	UpdatedAt     string `json:"updated_at"`
	Publishing    bool   `json:"publishing"`
}

// apiStreamKeys are the documented keys of a stream entry; extra keys are
// allowed (an API may grow), missing ones are not.
var apiStreamKeys = []string{"vhost", "app", "name", "epoch", "swarm_id", "playlist", "manifest",
	"manifest_url", "segments", "media_sequence", "updated_at", "publishing"}

// streams fetches /api/v1/streams and requires the documented shape.
func (s *sidecar) streams() apiStreams {
	s.t.Helper()
	status, body := httpGet(s.t, s.url("/api/v1/streams"))
	if status != http.StatusOK {
		s.t.Fatalf("GET /api/v1/streams: status %d body %s", status, body)
	}
	var r apiStreams
	if err := json.Unmarshal(body, &r); err != nil {
		s.t.Fatalf("GET /api/v1/streams: %v\n%s", err, body)
	}
	if r.Code != 0 || r.Server != itestOrigin {
		s.t.Fatalf("GET /api/v1/streams: code %d server %q, want 0 and %q\n%s", r.Code, r.Server, itestOrigin, body)
	}
	var raw struct {
		Data struct {
			Streams []map[string]json.RawMessage `json:"streams"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &raw); err != nil || raw.Data.Streams == nil {
		s.t.Fatalf("GET /api/v1/streams: data.streams missing or not an array (%v)\n%s", err, body)
	}
	for i, st := range raw.Data.Streams {
		for _, k := range apiStreamKeys {
			if _, ok := st[k]; !ok {
				s.t.Fatalf("GET /api/v1/streams: streams[%d] lacks %q\n%s", i, k, body)
			}
		}
	}
	return r
}

// findStream returns the livestream entry, if listed.
func (r apiStreams) findStream() (apiStream, bool) {
	for _, st := range r.Data.Streams {
		if st.Vhost == defaultVhost && st.App == streamApp && st.Name == streamName {
			return st, true
		}
	}
	return apiStream{}, false
}

// checkStreamListed requires /api/v1/streams to describe the stream as the
// manifest m does.
func (s *sidecar) checkStreamListed(m *manifest) apiStream {
	s.t.Helper()
	var got apiStream
	eventually(s.t, 3*time.Second, "/api/v1/streams to list live/livestream like its manifest", func() (bool, string) {
		st, ok := s.streams().findStream()
		if !ok {
			return false, "not listed"
		}
		got = st
		switch {
		case st.Epoch != m.Epoch:
			return false, fmt.Sprintf("epoch %q, manifest %q", st.Epoch, m.Epoch)
		case st.SwarmID != m.SwarmID:
			return false, fmt.Sprintf("swarm_id %q, manifest %q", st.SwarmID, m.SwarmID)
		case !strings.HasSuffix(st.Playlist, streamName+".m3u8"):
			return false, fmt.Sprintf("playlist %q", st.Playlist)
		case !strings.HasSuffix(st.Manifest, streamName+".p2p.json"):
			return false, fmt.Sprintf("manifest %q", st.Manifest)
		case !strings.HasSuffix(st.ManifestURL, manifestHTTP):
			return false, fmt.Sprintf("manifest_url %q, want it to end in %q", st.ManifestURL, manifestHTTP)
		case st.Segments <= 0:
			return false, fmt.Sprintf("segments %d", st.Segments)
		case st.UpdatedAt == "":
			return false, "updated_at empty"
		}
		return true, ""
	})
	return got
}

// checkHTTPManifest requires the HTTP route to serve the same bytes as the
// file. The manifest changes every second, so a differing pair is retried
// (the file may have been replaced between the two reads), never accepted.
func (s *sidecar) checkHTTPManifest(hlsDir string) {
	s.t.Helper()
	eventually(s.t, 5*time.Second, "GET "+manifestHTTP+" to equal the file", func() (bool, string) {
		status, body := httpGet(s.t, s.url(manifestHTTP))
		file := readFileOrNil(hlsDir, manifestRel)
		if status != http.StatusOK {
			return false, fmt.Sprintf("status %d body %q", status, truncate(body, 200))
		}
		if !bytes.Equal(body, file) {
			return false, fmt.Sprintf("HTTP %d bytes differ from file %d bytes", len(body), len(file))
		}
		return true, ""
	})
}

// checkServing requires /healthz and /metrics to answer like the contract says.
func (s *sidecar) checkServing() {
	s.t.Helper()
	if status, body := httpGet(s.t, s.url("/healthz")); status != http.StatusOK {
		s.t.Errorf("GET /healthz: status %d body %q", status, body)
	}
	status, body := httpGet(s.t, s.url("/metrics"))
	if status != http.StatusOK || !bytes.Contains(body, []byte("\nsrs_p2p_")) && !bytes.HasPrefix(body, []byte("srs_p2p_")) {
		s.t.Errorf("GET /metrics: status %d, no srs_p2p_ metric in %q", status, truncate(body, 300))
	}
}
