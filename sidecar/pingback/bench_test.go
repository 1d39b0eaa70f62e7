package pingback

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/go-chi/chi/v5"
)

// BenchmarkIngest is one realistic report per request through the router,
// without the network: the handler's own cost.
func BenchmarkIngest(b *testing.B) {
	e := newEnv(b, nil)
	r := chi.NewRouter()
	e.s.Mount(r)
	prefix := `{"version":1,"reports":[{"swarm_id":"` + swarmA + `","peer_id":"-PM0203-000000000001","session":"bench-session-`
	suffix := `,"interval_ms":10000,"cdn_bytes":1228800,"p2p_down_bytes":2457600,"p2p_up_bytes":1843200,` +
		`"segments_cdn":2,"segments_p2p":3,"stalls":0,"stall_ms":0,"startup_ms":0,"buffer_s":12.5,"watch_ms":10000,` +
		`"peers_connected":4,"conn_ok":1,"conn_fail":0,"nat":"endpoint_independent","sdk":"srs-p2p-web/0.1.0","device":"desktop","final":false}]}`
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		body := prefix + strconv.Itoa(i%200) + `","seq":` + strconv.Itoa(i/200+1) + suffix
		req := httptest.NewRequest(http.MethodPost, Path, strings.NewReader(body))
		req.Header.Set("Content-Type", "text/plain")
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Body.String())
		}
	}
}

func BenchmarkDecode(b *testing.B) {
	body := []byte(`{"version":1,"reports":[{"swarm_id":"` + swarmA + `","peer_id":"-PM0203-000000000001","session":"bench-session-000001","seq":17` +
		`,"interval_ms":10000,"cdn_bytes":1228800,"p2p_down_bytes":2457600,"p2p_up_bytes":1843200,` +
		`"segments_cdn":2,"segments_p2p":3,"stalls":0,"stall_ms":0,"startup_ms":0,"buffer_s":12.5,"watch_ms":10000,` +
		`"peers_connected":4,"conn_ok":1,"conn_fail":0,"nat":"endpoint_independent","sdk":"srs-p2p-web/0.1.0","device":"desktop","final":false}]}`)
	b.ReportAllocs()
	b.SetBytes(int64(len(body)))
	for i := 0; i < b.N; i++ {
		if _, err := Decode(body); err != nil {
			b.Fatal(err)
		}
	}
}
