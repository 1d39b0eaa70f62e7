package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/webp2p/srs-p2p/bench/internal/benchutil"
)

// The stream the viewers watch, SRS's default names.
const (
	streamApp  = "live"
	streamName = "livestream"
)

// loopbackPorts are the ports srs-p2p is told to bind. They are picked
// free here and handed over by environment, because the public URLs in the
// manifest must name them before srs-p2p starts; a port taken in between
// makes srs-p2p fail to start with a clear error, and the run can simply be
// repeated.
type loopbackPorts struct {
	http, stun, stunAlt int
}

func pickPorts() (loopbackPorts, error) {
	var p loopbackPorts
	var err error
	if p.http, err = freeTCPPort(); err != nil {
		return p, err
	}
	// STUN binds UDP and TCP on its main port, UDP on the alternate one.
	for _, dst := range []*int{&p.stun, &p.stunAlt} {
		for try := 0; ; try++ {
			port, err := freeTCPPort()
			if err != nil {
				return p, err
			}
			if udpFree(port) && port != p.http && port != p.stun {
				*dst = port
				break
			}
			if try == 20 {
				return p, errors.New("no port free for both TCP and UDP on 127.0.0.1")
			}
		}
	}
	return p, nil
}

func freeTCPPort() (int, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func udpFree(port int) bool {
	c, err := net.ListenPacket("udp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return false
	}
	c.Close()
	return true
}

// settings is srs-p2p's environment: loopback listeners, the public URLs
// pointing at them, the player page serving the HLS dir.
func settings(o *options, hlsDir string, p loopbackPorts) map[string]string {
	env := benchutil.Settings(hlsDir)
	host := "127.0.0.1:" + strconv.Itoa(p.http)
	env["SRS_P2P_LISTEN"] = host
	env["SRS_P2P_STUN_LISTEN"] = "127.0.0.1:" + strconv.Itoa(p.stun)
	env["SRS_P2P_STUN_ALT_LISTEN"] = "127.0.0.1:" + strconv.Itoa(p.stunAlt)
	env["SRS_P2P_P2P_TRACKERS"] = "ws://" + host + "/p2p/v1/tracker"
	env["SRS_P2P_P2P_STUN"] = fmt.Sprintf("stun:127.0.0.1:%d,stun:127.0.0.1:%d", p.stun, p.stunAlt)
	env["SRS_P2P_P2P_PINGBACK"] = "http://" + host + "/p2p/v1/pingback"
	env["SRS_P2P_PLAYER_SERVE_HLS"] = "true"
	env["SRS_P2P_PINGBACK_INTERVAL"] = o.pingbackInterval.String()
	env["SRS_P2P_TRACKER_INTERVAL"] = o.trackerInterval.String()
	return env
}

// startFFmpeg writes live HLS into <hlsDir>/live/ like SRS: each segment to
// a temp name then renamed, the playlist replaced by rename, old segments
// deleted. Real time (-re), a test pattern and a tone, keyframes on segment
// boundaries.
func startFFmpeg(o *options, hlsDir string) (*benchutil.Process, error) {
	dir := filepath.Join(hlsDir, streamApp)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	gop := strconv.Itoa(25 * int(o.segment/time.Second))
	cmd := exec.Command("ffmpeg", "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
		"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=25",
		"-f", "lavfi", "-i", "sine=frequency=440",
		"-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-threads", "1", "-b:v", "800k",
		"-g", gop, "-keyint_min", gop, "-sc_threshold", "0",
		"-c:a", "aac", "-b:a", "64k",
		"-f", "hls", "-hls_time", strconv.Itoa(int(o.segment/time.Second)), "-hls_list_size", strconv.Itoa(o.listSize),
		"-hls_flags", "temp_file+delete_segments",
		"-hls_segment_filename", filepath.Join(dir, streamName+"-%d.ts"),
		filepath.Join(dir, streamName+".m3u8"))
	cmd.Stderr = os.Stderr
	return benchutil.StartProcess(cmd)
}

// waitManifest waits until the manifest lists min segments and advertises
// the tracker of this run, and returns its swarm_id.
func waitManifest(ctx context.Context, hlsDir, tracker string, minSegments int, timeout time.Duration) (string, error) {
	name := filepath.Join(hlsDir, streamApp, streamName+".p2p.json")
	deadline := time.Now().Add(timeout)
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	last := "no manifest yet"
	for {
		b, err := os.ReadFile(name)
		if err == nil {
			var m struct {
				SwarmID  string            `json:"swarm_id"`
				Segments []json.RawMessage `json:"segments"`
				P2P      struct {
					Trackers []string `json:"trackers"`
				} `json:"p2p"`
			}
			if err := json.Unmarshal(b, &m); err != nil {
				last = err.Error()
			} else if strings.Join(m.P2P.Trackers, ",") != tracker {
				last = fmt.Sprintf("trackers %v", m.P2P.Trackers)
			} else if len(m.Segments) < minSegments {
				last = fmt.Sprintf("%d segments", len(m.Segments))
			} else {
				return m.SwarmID, nil
			}
		}
		if time.Now().After(deadline) {
			return "", fmt.Errorf("waited %v for %s: %s", timeout, name, last)
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-tick.C:
		}
	}
}
