package conf

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// envPrefix starts the environment variable of every key.
const envPrefix = "SRS_P2P_"

// kind is the shape of a leaf value, which decides how the file, the
// environment and Summary read or print it.
type kind int

const (
	kindString kind = iota
	kindBool
	kindInt
	kindInt64
	kindDuration
	kindList
)

// leaf is one configuration key, found by reflection over Config.
type leaf struct {
	key     string // dotted, e.g. "hls.reconcile_interval"
	env     string // e.g. "SRS_P2P_HLS_RECONCILE_INTERVAL"
	index   []int  // reflect field index path from Config
	kind    kind
	secret  bool
	restart bool
}

// node is a section (children set) or a leaf of the key tree, used to walk
// a config file against the schema.
type node struct {
	leaf     *leaf
	children map[string]*node
}

// schemaT is the schema in two views: leaves in declaration order, and a
// tree keyed by json names.
type schemaT struct {
	leaves []*leaf
	byKey  map[string]*leaf
	byEnv  map[string]*leaf
	root   *node
}

var durationType = reflect.TypeFor[Duration]()

// schema is computed once; it panics on a field type it does not know,
// which the tests hit at once.
var schema = sync.OnceValue(func() *schemaT {
	s := &schemaT{byKey: map[string]*leaf{}, byEnv: map[string]*leaf{}}
	s.root = s.walk(reflect.TypeFor[Config](), "", nil)
	return s
})

func (s *schemaT) walk(t reflect.Type, prefix string, index []int) *node {
	n := &node{children: map[string]*node{}}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			panic(fmt.Sprintf("conf: field %s has no json key", f.Name))
		}
		key := name
		if prefix != "" {
			key = prefix + "." + name
		}
		idx := append(append([]int(nil), index...), i)
		if f.Type.Kind() == reflect.Struct {
			n.children[name] = s.walk(f.Type, key, idx)
			continue
		}
		l := &leaf{
			key:     key,
			env:     envPrefix + strings.ToUpper(strings.ReplaceAll(key, ".", "_")),
			index:   idx,
			kind:    kindOf(f.Type, key),
			secret:  f.Tag.Get("secret") == "true",
			restart: f.Tag.Get("restart") == "true",
		}
		if _, dup := s.byEnv[l.env]; dup {
			panic("conf: two keys share env var " + l.env)
		}
		s.leaves = append(s.leaves, l)
		s.byKey[key] = l
		s.byEnv[l.env] = l
		n.children[name] = &node{leaf: l}
	}
	return n
}

func kindOf(t reflect.Type, key string) kind {
	switch {
	case t == durationType:
		return kindDuration
	case t.Kind() == reflect.String:
		return kindString
	case t.Kind() == reflect.Bool:
		return kindBool
	case t.Kind() == reflect.Int:
		return kindInt
	case t.Kind() == reflect.Int64:
		return kindInt64
	case t.Kind() == reflect.Slice && t.Elem().Kind() == reflect.String:
		return kindList
	}
	panic(fmt.Sprintf("conf: key %s has unsupported type %s", key, t))
}

// field returns the addressable value of l inside c.
func (l *leaf) field(c *Config) reflect.Value {
	return reflect.ValueOf(c).Elem().FieldByIndex(l.index)
}

// Keys returns every dotted leaf key in schema order.
func Keys() []string {
	leaves := schema().leaves
	out := make([]string, len(leaves))
	for i, l := range leaves {
		out[i] = l.key
	}
	return out
}

// EnvVar returns the environment variable overriding key, or "" if key is
// not a leaf key.
func EnvVar(key string) string {
	if l, ok := schema().byKey[key]; ok {
		return l.env
	}
	return ""
}

// NeedsRestart reports whether a change of key only takes effect after a
// restart (false for unknown keys).
func NeedsRestart(key string) bool {
	l, ok := schema().byKey[key]
	return ok && l.restart
}

// IsSecret reports whether key holds a secret that must never be printed.
func IsSecret(key string) bool {
	l, ok := schema().byKey[key]
	return ok && l.secret
}
