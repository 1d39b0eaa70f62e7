// Package conf is srs-p2p's configuration: the schema with its defaults,
// loading, environment overrides, validation, the reload diff and a watcher
// that notices when the config file changes.
//
// A configuration is built in four steps, each overriding the one before:
//
//  1. Default(): the values compiled into the binary.
//  2. The config file, if one is given: JSON with C/C++ comments, like SRS's
//     go-oryx tools. A key present in the file replaces its default; an
//     absent key keeps it, so a file of {} is valid. Unknown keys, duplicate
//     keys, wrong types and trailing data are errors naming the dotted key.
//  3. Environment variables: every leaf key has one, SRS_P2P_ followed by the
//     upper-cased key with dots turned into underscores (hls.dir ->
//     SRS_P2P_HLS_DIR). An SRS_P2P_ variable matching no key is an error, so
//     a typo is never silently ignored.
//  4. Validate(): every key is checked against its rule; the first broken
//     rule is returned as an error naming the key.
//
// The key list, env var names, secret keys and the keys that need a restart
// all come from the struct tags of Config, so the schema has one source of
// truth. The shipped sample srs-p2p.conf lists every key with its default;
// a test keeps it equal to Default().
//
// Errors wrap the sentinels of this package (ErrUnknownKey, ErrWrongType,
// ErrInvalid, ErrSyntax, ErrTooBig) so callers can tell them apart with
// errors.Is. Secret values never appear in an error or in Summary.
package conf
