package hooks

import (
	"net/url"
	"strings"
)

// redacted replaces secret values in a client's param.
const redacted = "REDACTED"

// redactParam returns param with the value of every secret= pair replaced,
// whether or not publish authentication is on: a publisher may send a secret
// meant for another system, and Param ends up in logs and other components.
// It errs on the side of hiding: keys are matched case-insensitively and
// after percent-decoding (url.ParseQuery would read "s%65cret" as "secret"),
// and pairs are split at '&', ';' and '?' so a value cannot hide behind a
// separator ParseQuery rejects or SRS appends.
func redactParam(param string) string {
	lower := strings.ToLower(param)
	if !strings.Contains(lower, "secret") && !strings.Contains(param, "%") {
		return param
	}
	var b strings.Builder
	b.Grow(len(param))
	start := 0
	for i := 0; i <= len(param); i++ {
		if i < len(param) && !isParamSeparator(param[i]) {
			continue
		}
		b.WriteString(redactPair(param[start:i]))
		if i < len(param) {
			b.WriteByte(param[i])
		}
		start = i + 1
	}
	return b.String()
}

func isParamSeparator(c byte) bool { return c == '&' || c == ';' || c == '?' }

func redactPair(pair string) string {
	key, _, hasValue := strings.Cut(pair, "=")
	if !hasValue {
		return pair
	}
	name, err := url.QueryUnescape(key)
	if err != nil {
		name = key
	}
	if !strings.EqualFold(name, "secret") {
		return pair
	}
	return key + "=" + redacted
}
