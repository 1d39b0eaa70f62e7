package hooks

import (
	"fmt"
	"math"
	"path"
	"unicode"
)

// String limits. Identifiers and HLS paths are short in practice (under 40
// bytes); a param can carry a JWT and a pageUrl a long query, and refusing a
// publisher or viewer over one of those would be our bug, not the operator's
// intent, so they get more room. The body limit bounds the total anyway.
const (
	maxIdentLen = 1024 // ids, vhost, app, stream, ip
	maxURLLen   = 4096 // param, tcUrl, pageUrl, stream_url
	maxFileLen  = 4096 // cwd, file, m3u8 (PATH_MAX), never used
	maxDuration = 86400.0
)

type fieldKind uint8

const (
	kindString fieldKind = iota
	kindInt
	kindFloat
)

// fieldSpec is one known field: its JSON name and type, the rule its value
// must follow, and where it goes in a Request.
type fieldSpec struct {
	name     string
	kind     fieldKind
	maxLen   int     // strings: length limit in bytes
	ident    bool    // strings: no control characters (names that end up in logs, keys, paths)
	min, max float64 // numbers: inclusive range
	str      func(*Request) *string
	integer  func(*Request) *int64
	float    func(*Request) *float64
}

type fieldID uint8

const (
	fServerID fieldID = iota
	fServiceID
	fAction
	fClientID
	fIP
	fVhost
	fApp
	fTcURL
	fStream
	fParam
	fPageURL
	fStreamURL
	fStreamID
	fDuration
	fCwd
	fFile
	fURL
	fM3U8
	fM3U8URL
	fSeqNo
	fSendBytes
	fRecvBytes
	fClients
	numFields
)

func ident(name string, p func(*Request) *string) fieldSpec {
	return fieldSpec{name: name, kind: kindString, maxLen: maxIdentLen, ident: true, str: p}
}

func text(name string, maxLen int, p func(*Request) *string) fieldSpec {
	return fieldSpec{name: name, kind: kindString, maxLen: maxLen, str: p}
}

func count(name string, p func(*Request) *int64) fieldSpec {
	return fieldSpec{name: name, kind: kindInt, min: 0, max: math.MaxInt64, integer: p}
}

// fields is every field SRS 4-7 sends. url and m3u8_url get their full check
// from RelPath in validate; here they are only bounded.
var fields = [numFields]fieldSpec{
	fServerID:  ident("server_id", func(r *Request) *string { return &r.ServerID }),
	fServiceID: ident("service_id", func(r *Request) *string { return &r.ServiceID }),
	fAction:    ident("action", func(r *Request) *string { return &r.Action }),
	fClientID:  ident("client_id", func(r *Request) *string { return &r.ClientID }),
	fIP:        ident("ip", func(r *Request) *string { return &r.IP }),
	fVhost:     ident("vhost", func(r *Request) *string { return &r.Vhost }),
	fApp:       ident("app", func(r *Request) *string { return &r.App }),
	fTcURL:     text("tcUrl", maxURLLen, func(r *Request) *string { return &r.TcURL }),
	fStream:    ident("stream", func(r *Request) *string { return &r.Stream }),
	fParam:     text("param", maxURLLen, func(r *Request) *string { return &r.Param }),
	fPageURL:   text("pageUrl", maxURLLen, func(r *Request) *string { return &r.PageURL }),
	fStreamURL: text("stream_url", maxURLLen, func(r *Request) *string { return &r.StreamURL }),
	fStreamID:  ident("stream_id", func(r *Request) *string { return &r.StreamID }),
	fDuration: {name: "duration", kind: kindFloat, min: 0, max: maxDuration,
		float: func(r *Request) *float64 { return &r.Duration }},
	fCwd:       text("cwd", maxFileLen, func(r *Request) *string { return &r.Cwd }),
	fFile:      text("file", maxFileLen, func(r *Request) *string { return &r.File }),
	fURL:       text("url", maxRelPathLen, func(r *Request) *string { return &r.URL }),
	fM3U8:      text("m3u8", maxFileLen, func(r *Request) *string { return &r.M3U8 }),
	fM3U8URL:   text("m3u8_url", maxRelPathLen, func(r *Request) *string { return &r.M3U8URL }),
	fSeqNo:     count("seq_no", func(r *Request) *int64 { return &r.SeqNo }),
	fSendBytes: count("send_bytes", func(r *Request) *int64 { return &r.SendBytes }),
	fRecvBytes: count("recv_bytes", func(r *Request) *int64 { return &r.RecvBytes }),
	fClients:   count("clients", func(r *Request) *int64 { return &r.Clients }),
}

var fieldByName = func() map[string]fieldID {
	m := make(map[string]fieldID, numFields)
	for id := range numFields {
		m[fields[id].name] = id
	}
	return m
}()

// fieldSet records which fields a body carried.
type fieldSet uint32

func (s fieldSet) has(id fieldID) bool      { return s&(1<<id) != 0 }
func (s fieldSet) with(id fieldID) fieldSet { return s | 1<<id }
func setOf(ids ...fieldID) (s fieldSet) {
	for _, id := range ids {
		s = s.with(id)
	}
	return s
}

func (f *fieldSpec) checkString(s string) error {
	if len(s) > f.maxLen {
		return fmt.Errorf("%w: %s longer than %d bytes", ErrInvalidField, f.name, f.maxLen)
	}
	if f.ident && hasControl(s) {
		return fmt.Errorf("%w: %s %s contains a control character", ErrInvalidField, f.name, quote(s))
	}
	return nil
}

func (f *fieldSpec) checkInt(v int64) error {
	if float64(v) < f.min {
		return fmt.Errorf("%w: %s %d is negative", ErrInvalidField, f.name, v)
	}
	return nil
}

func (f *fieldSpec) checkFloat(v float64) error {
	if math.IsNaN(v) || math.IsInf(v, 0) || v < f.min || v > f.max {
		return fmt.Errorf("%w: %s %g outside %g..%g", ErrInvalidField, f.name, v, f.min, f.max)
	}
	return nil
}

// hasControl reports a C0, DEL or C1 control character (NUL included).
func hasControl(s string) bool {
	for _, c := range s {
		if unicode.IsControl(c) {
			return true
		}
	}
	return false
}

// Required fields. SRS 4 lacks service_id, stream_url, stream_id and tcUrl,
// and server_id/ip are never used, so they are optional; client_id is
// required because it is the epoch when stream_id is missing.
var (
	requiredAll    = setOf(fAction, fClientID, fVhost, fApp)
	requiredStream = requiredAll.with(fStream) // every action but on_close
	requiredHLS    = requiredStream | setOf(fURL, fM3U8URL, fSeqNo, fDuration)
)

// validate checks what a body of r.Action must carry. Types and ranges of
// each present field were checked while decoding.
func validate(r *Request, seen fieldSet) error {
	if !seen.has(fAction) {
		return fmt.Errorf("%w: missing action", ErrInvalidField)
	}
	need := requiredStream
	switch r.Action {
	case actionClose:
		need = requiredAll
	case actionHLS:
		need = requiredHLS
	case actionConnect, actionPublish, actionUnpublish, actionPlay, actionStop, actionDVR:
	case actionHLSNotify:
		return fmt.Errorf("%w: on_hls_notify is a GET without a body", ErrUnknownAction)
	default:
		return fmt.Errorf("%w: %s", ErrUnknownAction, quote(r.Action))
	}
	for id := range numFields {
		if need.has(id) && !seen.has(id) {
			return fmt.Errorf("%w: %s needs %s", ErrInvalidField, r.Action, fields[id].name)
		}
	}
	for _, id := range [...]fieldID{fClientID, fVhost, fApp, fStream} {
		if need.has(id) && *fields[id].str(r) == "" {
			return fmt.Errorf("%w: %s is empty", ErrInvalidField, fields[id].name)
		}
	}
	if r.Action == actionHLS {
		_, _, err := hlsPaths(r)
		return err
	}
	return nil
}

// segmentExts are the files SRS announces with on_hls: MPEG-TS segments,
// fMP4 segments, and SRS 7's fMP4 init file (seq_no 0, duration 0).
var segmentExts = map[string]bool{".ts": true, ".m4s": true, ".mp4": true}

// hlsPaths maps on_hls's url and m3u8_url onto paths inside the HLS dir.
func hlsPaths(r *Request) (segment, playlist string, err error) {
	segment, why := relPath(r.URL)
	if why != "" {
		return "", "", fmt.Errorf("%w: url %s %s", ErrPathOutside, quote(r.URL), why)
	}
	playlist, why = relPath(r.M3U8URL)
	if why != "" {
		return "", "", fmt.Errorf("%w: m3u8_url %s %s", ErrPathOutside, quote(r.M3U8URL), why)
	}
	if !segmentExts[path.Ext(segment)] {
		return "", "", fmt.Errorf("%w: url %s is not a .ts, .m4s or .mp4 file", ErrInvalidField, quote(segment))
	}
	if path.Ext(playlist) != ".m3u8" {
		return "", "", fmt.Errorf("%w: m3u8_url %s is not a .m3u8 file", ErrInvalidField, quote(playlist))
	}
	return segment, playlist, nil
}
