package benchutil

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"time"
)

// maxProcFile bounds what we read of one /proc file: stat and status are a
// few KiB, auxv a few hundred bytes.
const maxProcFile = 64 << 10

// atClkTck is AT_CLKTCK, the auxiliary vector entry that glibc's
// sysconf(_SC_CLK_TCK) returns: the unit of utime and stime in /proc/PID/stat.
const atClkTck = 17

// assumedClockTicks is USER_HZ on every mainstream Linux build, used when
// the auxiliary vector cannot be read.
const assumedClockTicks = 100

var (
	errProcStat   = errors.New("benchutil: malformed /proc/PID/stat")
	errProcStatus = errors.New("benchutil: malformed /proc/PID/status")
)

// CPUTicks is a process's CPU time so far, in clock ticks (see ClockTicks).
type CPUTicks struct {
	User   uint64 // utime, field 14 of /proc/PID/stat
	System uint64 // stime, field 15
}

// Total returns user plus system ticks.
func (c CPUTicks) Total() uint64 { return c.User + c.System }

// ParseStat reads utime and stime out of the contents of /proc/PID/stat. The
// command name (field 2) is in parentheses and may itself hold spaces and
// parentheses, so the fields are counted from the last ')'.
func ParseStat(b []byte) (CPUTicks, error) {
	if len(b) > maxProcFile {
		return CPUTicks{}, fmt.Errorf("%w: %d bytes", errProcStat, len(b))
	}
	end := bytes.LastIndexByte(b, ')')
	if end < 0 {
		return CPUTicks{}, fmt.Errorf("%w: no ')' after the command name", errProcStat)
	}
	// After ") " come field 3 (state) onwards: utime is field 14, stime 15.
	fields := bytes.Fields(b[end+1:])
	const utimeIdx, stimeIdx = 14 - 3, 15 - 3
	if len(fields) <= stimeIdx {
		return CPUTicks{}, fmt.Errorf("%w: %d fields after the command name", errProcStat, len(fields))
	}
	u, err := strconv.ParseUint(string(fields[utimeIdx]), 10, 64)
	if err != nil {
		return CPUTicks{}, fmt.Errorf("%w: utime: %v", errProcStat, err)
	}
	s, err := strconv.ParseUint(string(fields[stimeIdx]), 10, 64)
	if err != nil {
		return CPUTicks{}, fmt.Errorf("%w: stime: %v", errProcStat, err)
	}
	return CPUTicks{User: u, System: s}, nil
}

// Memory is a process's resident set, from /proc/PID/status.
type Memory struct {
	RSS int64 // VmRSS in bytes: resident now
	HWM int64 // VmHWM in bytes: the peak resident set
}

// ParseStatus reads VmRSS and VmHWM ("VmRSS:\t   12345 kB") out of the
// contents of /proc/PID/status. Both must be present.
func ParseStatus(b []byte) (Memory, error) {
	if len(b) > maxProcFile {
		return Memory{}, fmt.Errorf("%w: %d bytes", errProcStatus, len(b))
	}
	var m Memory
	var haveRSS, haveHWM bool
	for line := range bytes.SplitSeq(b, []byte{'\n'}) {
		key, rest, ok := bytes.Cut(line, []byte{':'})
		if !ok {
			continue
		}
		var dst *int64
		switch string(key) {
		case "VmRSS":
			dst, haveRSS = &m.RSS, true
		case "VmHWM":
			dst, haveHWM = &m.HWM, true
		default:
			continue
		}
		f := bytes.Fields(rest)
		if len(f) != 2 || string(f[1]) != "kB" {
			return Memory{}, fmt.Errorf("%w: %s: want \"<n> kB\"", errProcStatus, key)
		}
		kb, err := strconv.ParseInt(string(f[0]), 10, 64)
		if err != nil || kb < 0 || kb > 1<<40 {
			return Memory{}, fmt.Errorf("%w: %s: bad number %q", errProcStatus, key, f[0])
		}
		*dst = kb << 10
	}
	if !haveRSS || !haveHWM {
		return Memory{}, fmt.Errorf("%w: VmRSS or VmHWM missing", errProcStatus)
	}
	return m, nil
}

// ParseAuxv returns the value of key in a 64-bit little-endian auxiliary
// vector (the contents of /proc/PID/auxv: pairs of uint64, ended by AT_NULL).
func ParseAuxv(b []byte, key uint64) (uint64, bool) {
	for i := 0; i+16 <= len(b) && i < maxProcFile; i += 16 {
		k := binary.LittleEndian.Uint64(b[i:])
		if k == 0 {
			return 0, false
		}
		if k == key {
			return binary.LittleEndian.Uint64(b[i+8:]), true
		}
	}
	return 0, false
}

// ClockTicks returns the unit of /proc/PID/stat times in ticks per second,
// as sysconf(_SC_CLK_TCK) would, and whether it was read (true) or assumed
// to be 100 (false).
func ClockTicks() (hz uint64, read bool) {
	b, err := readProcFile("/proc/self/auxv")
	if err == nil {
		if v, ok := ParseAuxv(b, atClkTck); ok && v > 0 && v <= 1_000_000 {
			return v, true
		}
	}
	return assumedClockTicks, false
}

// ReadCPU returns the CPU ticks used so far by pid (0 means this process).
func ReadCPU(pid int) (CPUTicks, error) {
	b, err := readProcFile(procPath(pid, "stat"))
	if err != nil {
		return CPUTicks{}, err
	}
	return ParseStat(b)
}

// ReadMemory returns the resident set of pid (0 means this process).
func ReadMemory(pid int) (Memory, error) {
	b, err := readProcFile(procPath(pid, "status"))
	if err != nil {
		return Memory{}, err
	}
	return ParseStatus(b)
}

// TicksToDuration converts clock ticks at hz ticks per second to a duration.
func TicksToDuration(ticks, hz uint64) time.Duration {
	if hz == 0 {
		return 0
	}
	return time.Duration(float64(ticks) / float64(hz) * float64(time.Second))
}

func procPath(pid int, name string) string {
	if pid == 0 {
		return "/proc/self/" + name
	}
	return "/proc/" + strconv.Itoa(pid) + "/" + name
}

func readProcFile(name string) ([]byte, error) {
	f, err := os.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, maxProcFile+1))
}
