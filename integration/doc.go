// Package integration holds end-to-end tests of the built srs-p2p binary.
//
// TestMain builds the binary once with -race; each test then runs it as a
// real process next to a real ffmpeg writing live HLS the way SRS does
// (segment to x.ts.tmp then rename, playlist to a temp file then rename),
// talks to it over HTTP on 127.0.0.1 and checks the manifests it writes with
// a parser of its own, so the test stays an independent check of the format
// documented in package p2pmeta.
//
// The tests need ffmpeg with libx264 and aac in PATH; scripts/deps.sh
// installs it (make test runs it first). They never skip: a missing tool is
// a failure with a message saying how to install it.
package integration
