// Package benchutil holds what the `make bench` programs share: starting the
// srs-p2p binary and learning its address, reading a process's CPU time and
// memory from /proc, how crowded the machine was (CPU pressure stall, load
// average), percentiles of latency samples, and free disk space.
//
// It is for benchmark programs only: nothing here is imported by srs-p2p.
package benchutil
