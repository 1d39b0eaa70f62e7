package integration

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// The stream every live test publishes: SRS's default names under hls_path.
const (
	streamApp      = "live"
	streamName     = "livestream"
	playlistRel    = streamApp + "/" + streamName + ".m3u8"
	manifestRel    = streamApp + "/" + streamName + ".p2p.json"
	manifestHTTP   = "/p2p/v1/manifests/" + manifestRel
	defaultVhost   = "__defaultVhost__"
	segmentPattern = streamName + "-%d.ts"
)

// ffmpegOptions vary what a publish writes.
type ffmpegOptions struct {
	startNumber int // first segment number (ffmpeg -start_number)
	listSize    int // segments in the playlist; 0 = 4
	frequency   int // sine tone in Hz, so two publishes write different bytes; 0 = 440
	segmentSecs int // segment duration (a keyframe at each start); 0 = 1
}

// ffmpeg is one running publisher writing live HLS into <hls>/live/ the way
// SRS does: each segment to x.ts.tmp then renamed, the playlist to a temp
// file then renamed over, expired segments deleted.
type ffmpeg struct {
	t      *testing.T
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan struct{}
}

// startFFmpeg creates <hls>/live like SRS does on publish and starts ffmpeg
// with 1 s segments (o.segmentSecs) at 320x180, ultrafast, in real time
// (-re). The process is killed at test end if still running.
func startFFmpeg(t *testing.T, hlsDir string, o ffmpegOptions) *ffmpeg {
	t.Helper()
	if o.listSize == 0 {
		o.listSize = 4
	}
	if o.frequency == 0 {
		o.frequency = 440
	}
	if o.segmentSecs == 0 {
		o.segmentSecs = 1
	}
	gop := strconv.Itoa(25 * o.segmentSecs)
	dir := filepath.Join(hlsDir, streamApp)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	args := []string{
		"-hide_banner", "-loglevel", "error", "-nostdin", "-re",
		"-f", "lavfi", "-i", "testsrc2=size=320x180:rate=25",
		"-f", "lavfi", "-i", "sine=frequency=" + strconv.Itoa(o.frequency),
		"-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-threads", "1",
		"-g", gop, "-keyint_min", gop, "-sc_threshold", "0",
		"-c:a", "aac", "-b:a", "64k",
		"-f", "hls", "-hls_time", strconv.Itoa(o.segmentSecs), "-hls_list_size", strconv.Itoa(o.listSize),
		"-hls_flags", "temp_file+delete_segments",
		"-start_number", strconv.Itoa(o.startNumber),
		"-hls_segment_filename", filepath.Join(dir, segmentPattern),
		filepath.Join(dir, streamName+".m3u8"),
	}
	f := &ffmpeg{t: t, stderr: &syncBuffer{}, done: make(chan struct{})}
	f.cmd = exec.Command("ffmpeg", args...)
	f.cmd.Stderr = f.stderr
	if err := f.cmd.Start(); err != nil {
		t.Fatalf("start ffmpeg: %v", err)
	}
	go func() {
		_ = f.cmd.Wait() // ffmpeg exits 255 after a signal: not an error here
		close(f.done)
	}()
	t.Cleanup(func() {
		select {
		case <-f.done:
		default:
			_ = f.cmd.Process.Kill()
			<-f.done
		}
		if t.Failed() {
			if s := f.stderr.String(); s != "" {
				t.Logf("ffmpeg stderr:\n%s", tail(s, 50))
			}
		}
	})
	return f
}

// stop ends the publish the way a publisher does (SIGINT: ffmpeg writes the
// last segment and a final playlist) and waits for it to exit.
func (f *ffmpeg) stop() {
	f.t.Helper()
	_ = f.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-f.done:
	case <-time.After(10 * time.Second):
		_ = f.cmd.Process.Kill()
		<-f.done
		f.t.Fatalf("ffmpeg did not exit within 10s of SIGINT")
	}
}
