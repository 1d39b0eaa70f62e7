package integration

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// The live streams of TestPingbackAggregates, and how the test reads what
// the API says about them.

// simStreamNames are the three live streams, all in app "live" on the
// default vhost.
var simStreamNames = []string{"news", "sports", "music"}

// simStreamLabel is the stream label of srs_p2p_stream_* series of a stream.
func simStreamLabel(name string) string {
	return defaultVhost + "/" + streamApp + "/" + name
}

// writeSimStream lays out a quiescent SRS stream <hlsDir>/live/<name>: the
// captured SRS 6 playlist with its segment names renamed to the stream,
// each segment written to x.ts.tmp and renamed, then the playlist written
// to x.m3u8.temp and renamed over x.m3u8, in SRS's order. A playlist that
// stays in the HLS dir keeps its stream live.
func writeSimStream(t *testing.T, hlsDir, name string) {
	t.Helper()
	raw, err := os.ReadFile(capturedPlaylist)
	if err != nil {
		t.Fatalf("captured playlist: %v", err)
	}
	body := strings.ReplaceAll(string(raw), streamName+"-", name+"-")
	pl, err := parsePlaylist([]byte(body))
	if err != nil || len(pl.segments) == 0 {
		t.Fatalf("%s renamed for %s: %v (%d segments)", capturedPlaylist, name, err, len(pl.segments))
	}
	dir := filepath.Join(hlsDir, streamApp)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, s := range pl.segments {
		final := filepath.Join(dir, s.uri)
		writeRandomFile(t, final+".tmp", 20000+int(s.seq)*1000, s.seq)
		if err := os.Rename(final+".tmp", final); err != nil {
			t.Fatal(err)
		}
	}
	tmp := filepath.Join(dir, name+".m3u8.temp")
	if err := os.WriteFile(tmp, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name+".m3u8")); err != nil {
		t.Fatal(err)
	}
}

// waitSimStreams waits until /api/v1/streams lists every named stream
// with a swarm_id and pingback windows, and returns them by name. The
// windows show that the pingback service knows the stream too: it polls
// the stream list on its own, and until then it refuses reports for it.
func waitSimStreams(t *testing.T, sc *sidecar, names []string) map[string]simListed {
	t.Helper()
	var listed map[string]simListed
	eventually(t, 20*time.Second, fmt.Sprintf("/api/v1/streams to list live/%v with pingback windows", names), func() (bool, string) {
		var err error
		if listed, err = simStreamList(sc); err != nil {
			return false, err.Error()
		}
		for _, n := range names {
			switch st, ok := listed[n]; {
			case !ok || st.SwarmID == "":
				return false, fmt.Sprintf("%s not listed with a swarm_id yet (%d streams)", n, len(listed))
			case st.Pingback == nil:
				return false, fmt.Sprintf("%s listed without pingback windows", n)
			}
		}
		return true, ""
	})
	return listed
}

// simWindow is one pingback window as the API documents it (package
// pingback's Window).
type simWindow struct {
	DurationS        float64        `json:"duration_s"`
	Viewers          int            `json:"viewers"`
	Networks         int            `json:"networks"`
	Reports          int64          `json:"reports"`
	CDNBytes         int64          `json:"cdn_bytes"`
	P2PDownBytes     int64          `json:"p2p_down_bytes"`
	P2PUpBytes       int64          `json:"p2p_up_bytes"`
	OffloadRatio     float64        `json:"offload_ratio"`
	UploadBPS        float64        `json:"upload_bps"`
	DownloadBPS      float64        `json:"download_bps"`
	SegmentsCDN      int64          `json:"segments_cdn"`
	SegmentsP2P      int64          `json:"segments_p2p"`
	Stalls           int64          `json:"stalls"`
	StallMS          int64          `json:"stall_ms"`
	WatchMS          int64          `json:"watch_ms"`
	StallRatio       float64        `json:"stall_ratio"`
	Startups         int64          `json:"startups"`
	StartupMSP50     int64          `json:"startup_ms_p50"`
	StartupMSP95     int64          `json:"startup_ms_p95"`
	HashFailures     int64          `json:"hash_failures"`
	ConnOK           int64          `json:"conn_ok"`
	ConnFail         int64          `json:"conn_fail"`
	ConnSuccessRatio float64        `json:"conn_success_ratio"`
	NAT              map[string]int `json:"nat"`
	Devices          map[string]int `json:"devices"`
	SDKs             map[string]int `json:"sdks"`
}

// simWindowKeys are the documented keys of a window: every one must be
// there (more may be added).
var simWindowKeys = []string{"duration_s", "viewers", "networks", "reports", "cdn_bytes", "p2p_down_bytes",
	"p2p_up_bytes", "offload_ratio", "upload_bps", "download_bps", "segments_cdn", "segments_p2p", "stalls",
	"stall_ms", "watch_ms", "stall_ratio", "startups", "startup_ms_p50", "startup_ms_p95", "hash_failures",
	"conn_ok", "conn_fail", "conn_success_ratio", "nat", "devices", "sdks"}

// simListed is a stream of /api/v1/streams with its swarm and pingback
// summary (the 10 s and 60 s windows): what the dashboard renders.
type simListed struct {
	apiStream
	Swarm *struct {
		InfoHash string `json:"info_hash"`
		Peers    int    `json:"peers"`
	} `json:"swarm"`
	Pingback map[string]simWindow `json:"pingback"`
}

// simHistory is a stream's last hour (pingback's History).
type simHistory struct {
	StepS  int    `json:"step_s"`
	Start  string `json:"start"`
	Points []struct {
		T            string  `json:"t"`
		Viewers      int64   `json:"viewers"`
		OffloadRatio float64 `json:"offload_ratio"`
		P2PDownBytes int64   `json:"p2p_down_bytes"`
		CDNBytes     int64   `json:"cdn_bytes"`
		P2PUpBytes   int64   `json:"p2p_up_bytes"`
		Stalls       int64   `json:"stalls"`
		HashFailures int64   `json:"hash_failures"`
	} `json:"points"`
}

// simDetail is data of GET /api/v1/streams/live/{name}.
type simDetail struct {
	Stream   simListed `json:"stream"`
	Pingback struct {
		Windows map[string]simWindow `json:"windows"`
		History simHistory           `json:"history"`
	} `json:"pingback"`
}

// simGetJSON GETs path, requires SRS's success envelope and decodes its
// data into each of into (several views of one reply).
func simGetJSON(sc *sidecar, path string, into ...any) error {
	status, body, err := httpTry(http.MethodGet, sc.url(path), "", nil)
	if err != nil {
		return err
	}
	var env struct {
		Code   int             `json:"code"`
		Server string          `json:"server"`
		Data   json.RawMessage `json:"data"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &env) != nil || env.Code != 0 || env.Server != itestOrigin {
		return fmt.Errorf("GET %s: status %d, want 200 with code 0 and server %q: %s", path, status, itestOrigin, truncate(body, 300))
	}
	for _, v := range into {
		if err := json.Unmarshal(env.Data, v); err != nil {
			return fmt.Errorf("GET %s: %v: %s", path, err, truncate(env.Data, 300))
		}
	}
	return nil
}

// simStreamDetail reads the detail of live/name and requires every
// documented window key in its three windows.
func simStreamDetail(sc *sidecar, name string) (simDetail, error) {
	path := "/api/v1/streams/" + streamApp + "/" + name
	var d simDetail
	var raw struct {
		Pingback struct {
			Windows map[string]map[string]json.RawMessage `json:"windows"`
		} `json:"pingback"`
	}
	if err := simGetJSON(sc, path, &d, &raw); err != nil {
		return d, err
	}
	for _, w := range []string{"10s", "60s", "300s"} {
		keys, ok := raw.Pingback.Windows[w]
		if !ok {
			return d, fmt.Errorf("GET %s: no pingback window %q", path, w)
		}
		for _, k := range simWindowKeys {
			if _, ok := keys[k]; !ok {
				return d, fmt.Errorf("GET %s: window %s lacks %q", path, w, k)
			}
		}
	}
	return d, nil
}

// simStreamList reads /api/v1/streams by stream name.
func simStreamList(sc *sidecar) (map[string]simListed, error) {
	var data struct {
		Streams []simListed `json:"streams"`
	}
	if err := simGetJSON(sc, "/api/v1/streams", &data); err != nil {
		return nil, err
	}
	out := map[string]simListed{}
	for _, s := range data.Streams {
		if s.Vhost == defaultVhost && s.App == streamApp {
			out[s.Name] = s
		}
	}
	return out, nil
}
