package benchutil

import (
	"fmt"

	"golang.org/x/sys/unix"
)

// FreeBytes returns the bytes an unprivileged user may still write on the
// file system holding dir, and that file system's type name when known
// ("tmpfs", "ext4"...), so a report can say where the files were.
func FreeBytes(dir string) (free uint64, fsType string, err error) {
	var st unix.Statfs_t
	if err := unix.Statfs(dir, &st); err != nil {
		return 0, "", fmt.Errorf("statfs %s: %w", dir, err)
	}
	return st.Bavail * uint64(st.Bsize), fsName(int64(st.Type)), nil
}

// fsName names the file system magic numbers a benchmark is likely to meet.
func fsName(magic int64) string {
	switch magic {
	case unix.TMPFS_MAGIC:
		return "tmpfs"
	case unix.EXT4_SUPER_MAGIC:
		return "ext4"
	case unix.XFS_SUPER_MAGIC:
		return "xfs"
	case unix.BTRFS_SUPER_MAGIC:
		return "btrfs"
	case unix.OVERLAYFS_SUPER_MAGIC:
		return "overlayfs"
	default:
		return fmt.Sprintf("0x%x", magic)
	}
}
