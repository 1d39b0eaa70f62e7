package deploy

import (
	"errors"
	"fmt"
	"strings"
)

// directive is one `name args...;` or `name args... { ... }` of SRS's config
// syntax, which nginx's shares: words separated by blanks, `#` comments to
// the end of the line, quoted words, `;` ending a directive, braces a block.
type directive struct {
	name  string
	args  []string
	block []*directive // nil for a `;` directive
	line  int
}

// Bounds of the test parser: the files it reads are small and hand-written.
const (
	maxConfBytes      = 1 << 20
	maxConfDepth      = 16
	maxConfDirectives = 100000
)

var errConf = errors.New("config syntax")

type confParser struct {
	src   []byte
	pos   int
	line  int
	count int
}

// parseConf parses src into its top-level directives.
func parseConf(src []byte) ([]*directive, error) {
	if len(src) > maxConfBytes {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", errConf, len(src), maxConfBytes)
	}
	p := &confParser{src: src, line: 1}
	return p.block(0)
}

// block reads directives until the matching `}` (depth > 0) or the end.
func (p *confParser) block(depth int) ([]*directive, error) {
	if depth > maxConfDepth {
		return nil, fmt.Errorf("%w: line %d: blocks nested deeper than %d", errConf, p.line, maxConfDepth)
	}
	list := []*directive{}
	var cur *directive
	for {
		tok, quoted, line, err := p.token()
		if err != nil {
			return nil, err
		}
		switch {
		case tok == "" && !quoted: // end of input
			if cur != nil {
				return nil, fmt.Errorf("%w: line %d: directive %q has no ';'", errConf, cur.line, cur.name)
			}
			if depth > 0 {
				return nil, fmt.Errorf("%w: line %d: unterminated block, missing '}'", errConf, line)
			}
			return list, nil
		case tok == ";" && !quoted:
			if cur == nil {
				return nil, fmt.Errorf("%w: line %d: ';' without a directive", errConf, line)
			}
			list, cur = append(list, cur), nil
		case tok == "{" && !quoted:
			if cur == nil {
				return nil, fmt.Errorf("%w: line %d: '{' without a directive name", errConf, line)
			}
			children, err := p.block(depth + 1)
			if err != nil {
				return nil, err
			}
			cur.block = children
			list, cur = append(list, cur), nil
		case tok == "}" && !quoted:
			if cur != nil {
				return nil, fmt.Errorf("%w: line %d: directive %q has no ';'", errConf, cur.line, cur.name)
			}
			if depth == 0 {
				return nil, fmt.Errorf("%w: line %d: unexpected '}'", errConf, line)
			}
			return list, nil
		case cur == nil:
			if p.count++; p.count > maxConfDirectives {
				return nil, fmt.Errorf("%w: more than %d directives", errConf, maxConfDirectives)
			}
			cur = &directive{name: tok, line: line}
		default:
			cur.args = append(cur.args, tok)
		}
	}
}

// token returns the next word or one of `;`, `{`, `}`; an empty unquoted
// token is the end of input. quoted tells a quoted ";" from the real one.
func (p *confParser) token() (tok string, quoted bool, line int, err error) {
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		switch {
		case c == '\n':
			p.line++
			p.pos++
		case c == ' ' || c == '\t' || c == '\r':
			p.pos++
		case c == '#':
			for p.pos < len(p.src) && p.src[p.pos] != '\n' {
				p.pos++
			}
		case c == ';' || c == '{' || c == '}':
			p.pos++
			return string(c), false, p.line, nil
		case c == '"' || c == '\'':
			return p.quoted(c)
		default:
			start := p.pos
			for p.pos < len(p.src) && !isConfDelimiter(p.src[p.pos]) {
				p.pos++
			}
			return string(p.src[start:p.pos]), false, p.line, nil
		}
	}
	return "", false, p.line, nil
}

func isConfDelimiter(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', ';', '{', '}', '#', '"', '\'':
		return true
	}
	return false
}

// quoted reads a word in quote q; a backslash keeps the next byte as is.
func (p *confParser) quoted(q byte) (string, bool, int, error) {
	line := p.line
	p.pos++
	var b strings.Builder
	for p.pos < len(p.src) {
		c := p.src[p.pos]
		p.pos++
		switch {
		case c == q:
			return b.String(), true, line, nil
		case c == '\\' && p.pos < len(p.src):
			c = p.src[p.pos]
			p.pos++
		}
		if c == '\n' {
			p.line++
		}
		b.WriteByte(c)
	}
	return "", false, line, fmt.Errorf("%w: line %d: unterminated quoted string", errConf, line)
}

// find returns every directive reached by the path of names, e.g.
// find(conf, "vhost", "hls", "hls_path").
func find(list []*directive, path ...string) []*directive {
	if len(path) == 0 {
		return nil
	}
	var out []*directive
	for _, d := range list {
		if d.name != path[0] {
			continue
		}
		if len(path) == 1 {
			out = append(out, d)
			continue
		}
		out = append(out, find(d.block, path[1:]...)...)
	}
	return out
}

// renderConf writes list back in the syntax, every word quoted, so a parse
// of the result must give list again.
func renderConf(list []*directive) string {
	var b strings.Builder
	var walk func([]*directive, int)
	walk = func(list []*directive, depth int) {
		for _, d := range list {
			b.WriteString(strings.Repeat("  ", depth))
			b.WriteString(quoteConfWord(d.name))
			for _, a := range d.args {
				b.WriteString(" " + quoteConfWord(a))
			}
			if d.block == nil {
				b.WriteString(";\n")
				continue
			}
			b.WriteString(" {\n")
			walk(d.block, depth+1)
			b.WriteString(strings.Repeat("  ", depth) + "}\n")
		}
	}
	walk(list, 0)
	return b.String()
}

func quoteConfWord(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(s) + `"`
}
