package integration

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// pingbackWindow is one window of GET /api/v1/streams/{app}/{stream}'s
// data.pingback.windows, the fields the browser tests compare.
type pingbackWindow struct {
	Viewers      int   `json:"viewers"`
	Reports      int64 `json:"reports"`
	CDNBytes     int64 `json:"cdn_bytes"`
	P2PDownBytes int64 `json:"p2p_down_bytes"`
	P2PUpBytes   int64 `json:"p2p_up_bytes"`
	SegmentsCDN  int64 `json:"segments_cdn"`
	SegmentsP2P  int64 `json:"segments_p2p"`
	Stalls       int64 `json:"stalls"`
	HashFailures int64 `json:"hash_failures"`
}

// pingbackWindows fetches the stream detail of live/livestream and returns
// its pingback windows by name ("10s", "60s", "300s").
func (st *p2pStack) pingbackWindows() (map[string]pingbackWindow, error) {
	status, body, err := httpTry(http.MethodGet, st.sc.url("/api/v1/streams/"+streamApp+"/"+streamName), "", nil)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("status %d: %s", status, truncate(body, 300))
	}
	var r struct {
		Code int `json:"code"`
		Data struct {
			Pingback *struct {
				Windows map[string]pingbackWindow `json:"windows"`
			} `json:"pingback"`
		} `json:"data"`
	}
	if err := json.Unmarshal(body, &r); err != nil {
		return nil, fmt.Errorf("%v: %s", err, truncate(body, 300))
	}
	if r.Code != 0 || r.Data.Pingback == nil {
		return nil, fmt.Errorf("no data.pingback in %s", truncate(body, 300))
	}
	if _, ok := r.Data.Pingback.Windows["300s"]; !ok {
		return nil, fmt.Errorf("no data.pingback.windows in %s", truncate(body, 300))
	}
	return r.Data.Pingback.Windows, nil
}

// scrapeMetrics reads /metrics into "name{labels}" -> value.
func (st *p2pStack) scrapeMetrics() (map[string]float64, error) {
	status, body, err := httpTry(http.MethodGet, st.sc.url("/metrics"), "", nil)
	if err != nil {
		return nil, err
	}
	if status != http.StatusOK {
		return nil, fmt.Errorf("GET /metrics: status %d", status)
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		if i < 0 {
			return nil, fmt.Errorf("metrics line %q has no value", line)
		}
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			return nil, fmt.Errorf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	return out, sc.Err()
}

// streamMetric is the name of a per-stream series of live/livestream.
func streamMetric(name string) string {
	return name + `{stream="` + streamKey + `"}`
}

// viewerTotals are the sums over viewers of their final stats, what the
// pingback aggregates must come to once every final report landed.
type viewerTotals struct {
	CDNBytes, P2PDownBytes, P2PUpBytes int64
	SegmentsCDN, SegmentsP2P, Stalls   int64
	Rejected                           int64
}

func sumFinals(res *viewersResult) viewerTotals {
	var s viewerTotals
	for _, v := range res.Viewers {
		if v.Final == nil {
			continue
		}
		f := v.Final
		s.CDNBytes += f.CDNBytes
		s.P2PDownBytes += f.P2PDownBytes
		s.P2PUpBytes += f.P2PUpBytes
		s.SegmentsCDN += f.SegmentsCDN
		s.SegmentsP2P += f.SegmentsP2P
		s.Stalls += f.Stalls
		s.Rejected += f.Rejected
	}
	return s
}

// waitPingbackAgrees polls the API's 300 s window and the per-stream
// counters of /metrics until both equal the pages' own totals: the pages
// closed (their final beacons are in flight or landed), so anything still
// missing after the deadline was lost or miscounted.
func (st *p2pStack) waitPingbackAgrees(want viewerTotals) {
	t := st.t
	t.Helper()
	eventually(t, 30*time.Second, "pingback aggregates to equal the pages' counters", func() (bool, string) {
		ws, err := st.pingbackWindows()
		if err != nil {
			return false, err.Error()
		}
		w := ws["300s"]
		got := viewerTotals{CDNBytes: w.CDNBytes, P2PDownBytes: w.P2PDownBytes, P2PUpBytes: w.P2PUpBytes,
			SegmentsCDN: w.SegmentsCDN, SegmentsP2P: w.SegmentsP2P, Stalls: w.Stalls, Rejected: w.HashFailures}
		if got != want {
			return false, fmt.Sprintf("API 300s window %+v, pages %+v", got, want)
		}
		m, err := st.scrapeMetrics()
		if err != nil {
			return false, err.Error()
		}
		got = viewerTotals{
			CDNBytes:     int64(m[streamMetric("srs_p2p_stream_cdn_bytes_total")]),
			P2PDownBytes: int64(m[streamMetric("srs_p2p_stream_p2p_down_bytes_total")]),
			P2PUpBytes:   int64(m[streamMetric("srs_p2p_stream_p2p_up_bytes_total")]),
			SegmentsCDN:  int64(m[streamMetric("srs_p2p_stream_segments_cdn_total")]),
			SegmentsP2P:  int64(m[streamMetric("srs_p2p_stream_segments_p2p_total")]),
			Stalls:       int64(m[streamMetric("srs_p2p_stream_stalls_total")]),
			Rejected:     int64(m[streamMetric("srs_p2p_stream_hash_failures_total")]),
		}
		if got != want {
			return false, fmt.Sprintf("/metrics %+v, pages %+v", got, want)
		}
		return true, ""
	})
}
