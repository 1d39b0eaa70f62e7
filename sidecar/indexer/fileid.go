package indexer

import (
	"io/fs"
	"syscall"
)

// fileID identifies one version of a file: SRS replaces segments and
// playlists by rename, so a new version always has a new inode, and a file
// rewritten in place changes size or mtime. A cached hash is valid only for
// the exact fileID it was computed from.
type fileID struct {
	dev, ino uint64
	size     int64
	mtime    int64 // nanoseconds since the epoch
}

func idOf(fi fs.FileInfo) fileID {
	id := fileID{size: fi.Size(), mtime: fi.ModTime().UnixNano()}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		id.dev, id.ino = uint64(st.Dev), st.Ino
	}
	return id
}
