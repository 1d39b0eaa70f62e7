package api

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// Application error codes in the "code" field, SRS style: 0 is success.
const (
	codeNotFound         = 4040
	codeMethodNotAllowed = 4050
	codeInternal         = 5000
)

// writeData writes SRS's success envelope {"code":0,"server":ID,"data":...}.
func (s *server) writeData(w http.ResponseWriter, data any) {
	body, err := json.Marshal(struct {
		Code   int    `json:"code"`
		Server string `json:"server"`
		Data   any    `json:"data"`
	}{0, s.cfg.ServerID, data})
	if err != nil {
		writeError(w, http.StatusInternalServerError, codeInternal, "encode: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

// writeError writes {"code":N,"data":"reason"} with an HTTP status.
func writeError(w http.ResponseWriter, status, code int, reason string) {
	body, _ := json.Marshal(struct {
		Code int    `json:"code"`
		Data string `json:"data"`
	}{code, reason})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusNotFound, codeNotFound, "not found: "+r.URL.Path)
}

func (s *server) methodNotAllowed(w http.ResponseWriter, r *http.Request) {
	writeError(w, http.StatusMethodNotAllowed, codeMethodNotAllowed, "method not allowed: "+r.Method)
}
