package hooks

import (
	"encoding/json"
	"github.com/webp2p/srs-p2p/internal/srslog"
	"net/http"
	"strconv"
)

// okBody is the only success reply. SRS accepts `0` or a JSON object with an
// integer code 0; `0\n` (a trailing newline) is a failure, so nothing is
// appended.
var okBody = []byte(`{"code":0}`)

// writeOK sends SRS's success reply.
func writeOK(w http.ResponseWriter) {
	writeJSON(w, http.StatusOK, okBody)
}

// failureBody is SRS's application error shape.
type failureBody struct {
	Code int    `json:"code"`
	Data string `json:"data"`
}

// writeFailure sends `{"code":N,"data":"reason"}` with the row's status.
func writeFailure(w http.ResponseWriter, f failure, reason string) {
	body, err := json.Marshal(failureBody{Code: f.code, Data: reason})
	if err != nil {
		// Marshalling a struct of an int and a string cannot fail; keep a
		// valid reply anyway.
		body = []byte(`{"code":` + strconv.Itoa(f.code) + `}`)
	}
	writeJSON(w, f.status, body)
}

func writeJSON(w http.ResponseWriter, status int, body []byte) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body) // SRS closed the connection: nothing to do.
}

// maxQuoted bounds how much of an outside value is echoed into a reason, so
// a hostile body cannot make a reply or a log line large.
const maxQuoted = 64

// quote returns s as a Go-quoted string cut to maxQuoted bytes, for error
// reasons. Never call it with a secret.
func quote(s string) string { return srslog.Quote(s, maxQuoted) }
