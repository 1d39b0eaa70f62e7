package srslog

import (
	"strconv"
	"unicode/utf8"
)

// Quote returns s Go-quoted for an error message or a log line, cut to at
// most max bytes (on a rune boundary) and marked "..." when cut, so a huge
// or hostile value from outside can neither flood a line nor break it.
// Never pass a secret.
func Quote(s string, max int) string {
	if len(s) <= max {
		return strconv.Quote(s)
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return strconv.Quote(s[:cut]) + "..."
}
