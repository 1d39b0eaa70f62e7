package conf

import (
	"fmt"
	"strconv"
	"strings"
)

// Summary returns every leaf key as key=value on one line, in schema
// order, for the single startup log line. Secrets show only their length
// ("hooks.secret=(len 12)"), lists are "[a,b]", and any value with a space,
// quote, '=' or control character is quoted, so a value can neither break
// the line nor pose as another key.
func (c *Config) Summary() string {
	var b strings.Builder
	for i, l := range schema().leaves {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(l.key)
		b.WriteByte('=')
		b.WriteString(formatValue(c, l))
	}
	return b.String()
}

// formatValue prints one leaf's value as Summary shows it.
func formatValue(c *Config, l *leaf) string {
	f := l.field(c)
	switch {
	case l.secret:
		return fmt.Sprintf("(len %d)", len(f.String()))
	case l.kind == kindDuration:
		return Duration(f.Int()).String()
	case l.kind == kindList:
		items := f.Interface().([]string)
		quoted := make([]string, len(items))
		for i, s := range items {
			quoted[i] = summaryString(s, ",[]")
		}
		return "[" + strings.Join(quoted, ",") + "]"
	case l.kind == kindString:
		return summaryString(f.String(), "")
	default:
		return fmt.Sprint(f.Interface())
	}
}

// summaryString returns s as is when it is plain printable ASCII without
// the characters that would make the line ambiguous, else quoted.
func summaryString(s, special string) string {
	for i := range len(s) {
		b := s[i]
		if b <= ' ' || b >= 0x7f || b == '"' || b == '=' || strings.IndexByte(special, b) >= 0 {
			return strconv.Quote(s)
		}
	}
	return s
}
