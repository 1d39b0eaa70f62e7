// Package hlswatch watches SRS's HLS output directory and everything below it
// and turns raw inotify events into a few meaningful calls on a Sink:
// a playlist changed, a segment appeared, a file or a directory went away,
// or events were lost and everything must be re-walked.
//
// SRS writes every file under a temporary name (x.ts.tmp, x.m4s.tmp,
// init.mp4.tmp, x.m3u8.temp; ffmpeg's temp_file flag uses x.m3u8.tmp) and
// renames it to its final name, creates app and stream directories on the fly
// and deletes expired segments. Only final names (.m3u8, .ts, .m4s, .mp4,
// lowercase) reach the Sink; temporary names, dot-files and our own
// *.p2p.json manifests never do, so writing a manifest cannot loop back.
//
// The watcher is a hint source, not a source of truth: a call may repeat,
// may name a file that is already gone, and a new directory is walked when
// it appears, so files created before its watch was in place are still
// reported. Consumers must be idempotent and stat the file themselves.
package hlswatch
