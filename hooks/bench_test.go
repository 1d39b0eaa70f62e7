package hooks

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkOnHLS is one real on_hls through the chi router, from request
// to reply: the reply SRS waits for takes microseconds.
func BenchmarkOnHLS(b *testing.B) {
	_, sink, router := testRouter(b, Config{Allow: loopback, Secret: testSecret}, nil)
	body := with(hlsBody())
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, okTarget, bytes.NewReader(body))
		req.Header.Set("Content-Type", jsonType)
		req.RemoteAddr = local
		rec := httptest.NewRecorder()
		router.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body)
		}
	}
	b.StopTimer()
	if len(sink.got()) == 0 {
		b.Fatal("Sink never called")
	}
}

// BenchmarkDecode is the body decoder alone.
func BenchmarkDecode(b *testing.B) {
	body := with(hlsBody())
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Decode(body); err != nil {
			b.Fatal(err)
		}
	}
}
