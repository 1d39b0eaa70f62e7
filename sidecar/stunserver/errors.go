package stunserver

import "errors"

// Configuration errors returned by New (wrapped with the offending value).
var (
	ErrBadListen         = errors.New("stunserver: Listen must be host:port with an IP or empty host and a port 0..65535")
	ErrBadAltListen      = errors.New("stunserver: AltListen must be host:port with an IP or empty host and a port 0..65535")
	ErrSamePort          = errors.New("stunserver: Listen and AltListen must not share a port on the same or a wildcard host")
	ErrBadSockets        = errors.New("stunserver: Sockets must be 0 (default) or 1..64")
	ErrBadRate           = errors.New("stunserver: Rate must be 0 (default) or a number of replies per second in (0, 1e9]")
	ErrBadBurst          = errors.New("stunserver: Burst must be 0 (default) or 1..1e9")
	ErrBadMaxSources     = errors.New("stunserver: MaxSources must be 0 (default) or 8..16777216")
	ErrBadSoftware       = errors.New("stunserver: Software must be valid UTF-8 of fewer than 128 characters")
	ErrBadMaxTCPConns    = errors.New("stunserver: MaxTCPConns must be 0 (default) or 1..1000000")
	ErrBadTCPIdleTimeout = errors.New("stunserver: TCPIdleTimeout must be 0 (default) or 1s..1h")
)
