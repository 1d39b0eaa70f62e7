package conf

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"

	oryxjson "github.com/ossrs/go-oryx-lib/json"
)

// stripComments removes // and /* */ comments with go-oryx-lib's reader,
// the one SRS's Go tools use, so a file accepted there reads the same here.
// That reader ends a string at the first '"' even when it is escaped, which
// would shift every later string and strip "//" out of URLs; a string
// holding \" is therefore refused up front with its line number.
func stripComments(data []byte) ([]byte, error) {
	if line := escapedQuoteLine(data); line > 0 {
		return nil, fmt.Errorf(`%w: line %d: a string holds \" which the comment stripper cannot read; write \u0022 instead`, ErrSyntax, line)
	}
	out, err := io.ReadAll(oryxjson.NewJsonPlusReader(bytes.NewReader(data)))
	switch {
	case errors.Is(err, bufio.ErrTooLong):
		// go-oryx-lib scans with bufio.Scanner's default 64 KiB token limit.
		return nil, fmt.Errorf("%w: a comment, a string or a stretch of text without either is longer than 64 KiB", ErrSyntax)
	case err != nil:
		// The reader's only other error is an unterminated string or block comment.
		return nil, fmt.Errorf("%w: unterminated string or /* comment (%v)", ErrSyntax, err)
	}
	return out, nil
}

// segKind is what a stretch of the file is, as the comment stripper sees it.
type segKind int

const (
	segText segKind = iota
	segString
	segComment
)

// lex splits data into text, string and comment segments, calling fn with
// each one's kind and [start, end) until fn returns false. It cuts where
// go-oryx-lib's stripper cuts (a line comment takes its '\n' with it) but
// reads escapes correctly; the two agree on every file stripComments
// accepts. Unterminated segments run to the end of data.
func lex(data []byte, fn func(kind segKind, start, end int) bool) {
	text := 0 // start of the pending text segment
	emit := func(kind segKind, start, end int) bool {
		if start > text && !fn(segText, text, start) {
			return false
		}
		text = end
		return fn(kind, start, end)
	}
	for i := 0; i < len(data); {
		var kind segKind
		var end int
		switch {
		case data[i] == '"':
			kind, end = segString, i+1
			for end < len(data) && data[end] != '"' {
				if data[end] == '\\' {
					end++
				}
				end++
			}
			end = min(end+1, len(data))
		case bytes.HasPrefix(data[i:], []byte("//")):
			kind, end = segComment, len(data)
			if nl := bytes.IndexByte(data[i:], '\n'); nl >= 0 {
				end = i + nl + 1
			}
		case bytes.HasPrefix(data[i:], []byte("/*")):
			kind, end = segComment, len(data)
			if e := bytes.Index(data[i+2:], []byte("*/")); e >= 0 {
				end = i + 2 + e + 2
			}
		default:
			i++
			continue
		}
		if !emit(kind, i, end) {
			return
		}
		i = end
	}
	if len(data) > text {
		fn(segText, text, len(data))
	}
}

// escapedQuoteLine returns the 1-based line of the first string literal
// that contains \", or 0 if there is none. \" inside a comment and an
// escaped backslash before a closing quote ("C:\\") are fine.
func escapedQuoteLine(data []byte) int {
	at := -1
	lex(data, func(kind segKind, start, end int) bool {
		if kind != segString {
			return true
		}
		for k := start + 1; k < end; k++ {
			if data[k] == '\\' {
				if k+1 < end && data[k+1] == '"' {
					at = k
					return false
				}
				k++ // skip the escaped byte, e.g. the second '\' of "\\"
			}
		}
		return true
	})
	if at < 0 {
		return 0
	}
	return 1 + bytes.Count(data[:at], []byte("\n"))
}

// lineOfStripped maps an offset in the comment-free text back to its
// 1-based line in data, the file the operator edits.
func lineOfStripped(data []byte, off int) int {
	pos, kept := len(data), 0
	lex(data, func(kind segKind, start, end int) bool {
		if kind == segComment {
			return true
		}
		if n := end - start; kept+n > off {
			pos = start + off - kept
			return false
		}
		kept += end - start
		return true
	})
	return 1 + bytes.Count(data[:pos], []byte("\n"))
}
