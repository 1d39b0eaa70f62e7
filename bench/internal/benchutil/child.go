package benchutil

import (
	"fmt"
	"os/exec"
	"syscall"
	"time"
)

// stopTimeout is how long SIGTERM gets before SIGKILL.
const stopTimeout = 10 * time.Second

// Process is a child process a bench program owns: started with SIGKILL as
// its parent-death signal (a last resort when Stop is never reached),
// waited for by one goroutine, stopped with SIGTERM then SIGKILL.
type Process struct {
	cmd    *exec.Cmd
	exited chan struct{} // closed once the process has been waited for
	err    error         // its exit status, set before exited is closed
}

// StartProcess starts cmd (whose Stdout/Stderr the caller has set).
func StartProcess(cmd *exec.Cmd) (*Process, error) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	p := &Process{cmd: cmd, exited: make(chan struct{})}
	go func() {
		p.err = cmd.Wait()
		close(p.exited)
	}()
	return p, nil
}

// PID is the child's process id, for /proc.
func (p *Process) PID() int { return p.cmd.Process.Pid }

// Exited is closed when the child has exited, for whatever reason.
func (p *Process) Exited() <-chan struct{} { return p.exited }

// Err is the child's exit status; valid once Exited is closed.
func (p *Process) Err() error { return p.err }

// Stop sends SIGTERM, waits up to stopTimeout, then SIGKILL. It returns the
// exit status (nil for status 0) or the fact that it had to kill. It may be
// called more than once.
func (p *Process) Stop() error {
	select {
	case <-p.exited:
		return p.err
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	t := time.NewTimer(stopTimeout)
	defer t.Stop()
	select {
	case <-p.exited:
		return p.err
	case <-t.C:
		_ = p.cmd.Process.Kill()
		<-p.exited
		return fmt.Errorf("%s did not stop within %v of SIGTERM and was killed", p.cmd.Path, stopTimeout)
	}
}
