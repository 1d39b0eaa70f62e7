package main

import (
	"context"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/webp2p/srs-p2p/p2pmeta"
)

func TestTracker(t *testing.T) {
	base := time.Unix(1000, 0)
	ms := func(n int) time.Time { return base.Add(time.Duration(n) * time.Millisecond) }
	type step struct {
		publish bool // else observe
		seq     uint64
		at      time.Time
	}
	tests := []struct {
		name        string
		steps       []step
		wantSamples []time.Duration
		wantMissing []missed
	}{
		{"each seen once", []step{{true, 0, ms(0)}, {false, 0, ms(3)}, {true, 1, ms(2000)}, {false, 1, ms(2001)}},
			[]time.Duration{3 * time.Millisecond, time.Millisecond}, nil},
		{"one manifest resolves older seqs too", []step{{true, 0, ms(0)}, {true, 1, ms(10)}, {false, 1, ms(15)}},
			[]time.Duration{15 * time.Millisecond, 5 * time.Millisecond}, nil},
		{"manifest before our clock read counts zero", []step{{false, 4, ms(5)}, {true, 4, ms(6)}},
			[]time.Duration{0}, nil},
		{"an older manifest does not resolve a newer seq", []step{{true, 1, ms(0)}, {false, 0, ms(1)}, {false, 1, ms(9)}},
			[]time.Duration{9 * time.Millisecond}, nil},
		{"late is missing", []step{{true, 0, ms(0)}, {false, 0, ms(6000)}},
			nil, []missed{{stream: 0, seq: 0, after: 6 * time.Second}}},
		{"never seen is missing", []step{{true, 0, ms(0)}, {true, 1, ms(1)}, {false, 0, ms(2)}},
			[]time.Duration{2 * time.Millisecond}, []missed{{stream: 0, seq: 1}}},
		{"warm-up is not counted", []step{{true, 0, ms(-1)}, {true, 1, ms(-1)}},
			nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr := newTracker(1, base, 5*time.Second)
			for _, s := range tt.steps {
				if s.publish {
					tr.published(0, s.seq, s.at, s.at)
				} else {
					tr.observed(0, s.seq, s.at)
				}
			}
			samples, missing := tr.finish()
			if !slices.Equal(samples, tt.wantSamples) {
				t.Errorf("samples = %v, want %v", samples, tt.wantSamples)
			}
			if !slices.Equal(missing, tt.wantMissing) {
				t.Errorf("missing = %+v, want %+v", missing, tt.wantMissing)
			}
			if n := tr.pendingCount(); n != 0 {
				t.Errorf("%d pending after finish", n)
			}
		})
	}
}

func TestTrackerWarmUpFollowsTheSchedule(t *testing.T) {
	from := time.Unix(1000, 0)
	tr := newTracker(1, from, 5*time.Second)
	// Due in the warm-up but written late: not counted, seen or not.
	tr.published(0, 0, from.Add(-time.Millisecond), from.Add(time.Second))
	tr.published(0, 1, from.Add(-time.Millisecond), from.Add(time.Second))
	// Due right at the end of the warm-up: counted.
	tr.published(0, 2, from, from.Add(time.Second))
	tr.observed(0, 0, from.Add(1100*time.Millisecond))
	tr.observed(0, 2, from.Add(1200*time.Millisecond))
	samples, missing := tr.finish()
	if !slices.Equal(samples, []time.Duration{200 * time.Millisecond}) || len(missing) != 0 {
		t.Errorf("samples %v, missing %v; want only seq 2's 200ms", samples, missing)
	}
}

func TestStreamOfManifest(t *testing.T) {
	tests := []struct {
		name   string
		want   int
		wantOK bool
	}{
		{"s0.p2p.json", 0, true},
		{"s999.p2p.json", 999, true},
		{"s1000.p2p.json", 0, false},
		{"s01.p2p.json", 0, false},
		{"s-1.p2p.json", 0, false},
		{"s+1.p2p.json", 0, false},
		{".s1.p2p.json.123.tmp", 0, false},
		{"s1.m3u8", 0, false},
		{"x1.p2p.json", 0, false},
		{"s.p2p.json", 0, false},
	}
	for _, tt := range tests {
		got, ok := streamOfManifest(tt.name, 1000)
		if got != tt.want || ok != tt.wantOK {
			t.Errorf("streamOfManifest(%q) = %d, %v; want %d, %v", tt.name, got, ok, tt.want, tt.wantOK)
		}
	}
}

func FuzzStreamOfManifest(f *testing.F) {
	f.Add("s0.p2p.json", 10)
	f.Add("s0000000001.p2p.json", 10)
	f.Add(".s1.p2p.json.x.tmp", 2)
	f.Fuzz(func(t *testing.T, name string, streams int) {
		i, ok := streamOfManifest(name, streams)
		if ok && (i < 0 || i >= streams || manifestName(i) != name) {
			t.Fatalf("streamOfManifest(%q, %d) = %d", name, streams, i)
		}
	})
}

// TestPublishFollowsSRS checks the files one simulated stream leaves behind:
// only the window's segments, each stamped, and SRS's playlist.
func TestPublishFollowsSRS(t *testing.T) {
	live := t.TempDir()
	o := &options{segDur: 2 * time.Second, window: 3, writers: 1}
	payload := []byte(strings.Repeat("p", 40))
	start := time.Now()
	tr := newTracker(2, start, 5*time.Second)
	g := newGenerator(live, o, 2, payload, tr)
	var b strings.Builder
	for seq := range uint64(5) {
		if err := g.publish(job{stream: 1, seq: seq}, &b); err != nil {
			t.Fatal(err)
		}
	}
	entries, err := os.ReadDir(live)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	wantNames := []string{"s1-2.ts", "s1-3.ts", "s1-4.ts", "s1.m3u8"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("files = %v, want %v", names, wantNames)
	}
	seg, err := os.ReadFile(filepath.Join(live, "s1-3.ts"))
	if err != nil {
		t.Fatal(err)
	}
	wantSeg := "\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x03" + strings.Repeat("p", 24)
	if string(seg) != wantSeg {
		t.Errorf("segment = %q, want %q", seg, wantSeg)
	}
	pl, err := os.ReadFile(filepath.Join(live, "s1.m3u8"))
	if err != nil {
		t.Fatal(err)
	}
	wantPl := "#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-MEDIA-SEQUENCE:2\n#EXT-X-TARGETDURATION:2\n" +
		"#EXTINF:2.000, no desc\ns1-2.ts\n#EXTINF:2.000, no desc\ns1-3.ts\n#EXTINF:2.000, no desc\ns1-4.ts\n"
	if string(pl) != wantPl {
		t.Errorf("playlist:\n%s\nwant:\n%s", pl, wantPl)
	}
	if n := tr.pendingCount(); n != 5 {
		t.Errorf("%d segments pending, want the 5 published", n)
	}
}

// TestGeneratorRunsOnSchedule runs two streams for a short while and checks
// every segment due was written, in order per stream.
func TestGeneratorRunsOnSchedule(t *testing.T) {
	live := t.TempDir()
	o := &options{segDur: 100 * time.Millisecond, window: 2, writers: 2}
	start := time.Now()
	tr := newTracker(2, start, 5*time.Second)
	g := newGenerator(live, o, 2, make([]byte, 64), tr)
	if err := g.run(context.Background(), start, start.Add(350*time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	late, written := g.stats()
	// Due at 0, 50, 100, ..., 300 ms: seqs 0..3 of stream 0, 0..2 of stream 1.
	if written != 7 || len(late) != 7 {
		t.Fatalf("written %d (lateness %d), want 7", written, len(late))
	}
	for _, want := range []string{"s0-2.ts", "s0-3.ts", "s1-1.ts", "s1-2.ts", "s0.m3u8", "s1.m3u8"} {
		if _, err := os.Stat(filepath.Join(live, want)); err != nil {
			t.Errorf("%s: %v", want, err)
		}
	}
	if _, err := os.Stat(filepath.Join(live, "s0-1.ts")); !os.IsNotExist(err) {
		t.Errorf("s0-1.ts left the window but exists: %v", err)
	}
}

func TestGeneratorStopsOnWriteError(t *testing.T) {
	live := filepath.Join(t.TempDir(), "gone")
	o := &options{segDur: 10 * time.Millisecond, window: 2, writers: 2}
	start := time.Now()
	g := newGenerator(live, o, 3, make([]byte, 64), newTracker(3, start, time.Second))
	err := g.run(context.Background(), start, start.Add(time.Minute))
	if !os.IsNotExist(err) {
		t.Fatalf("run = %v, want the missing directory's error at once", err)
	}
}

// TestObserverSeesManifests writes manifests the way srs-p2p does (temp
// file renamed into place) and waits for the tracker to resolve them.
func TestObserverSeesManifests(t *testing.T) {
	live := t.TempDir()
	start := time.Now()
	tr := newTracker(2, start, 5*time.Second)
	obs, err := newObserver(live, 2, tr)
	if err != nil {
		t.Fatal(err)
	}
	obs.start()
	defer obs.stop()
	// The bad manifest first: events are handled in order, so once the
	// good one resolved the pending segments, the bad one was counted.
	if err := os.WriteFile(filepath.Join(live, "s0.p2p.json"), []byte("{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	tr.published(1, 6, start, time.Now())
	tr.published(1, 7, start, time.Now())
	writeManifest(t, live, 1, 7)
	tick := time.NewTicker(5 * time.Millisecond)
	defer tick.Stop()
	deadline := time.After(10 * time.Second)
	for tr.pendingCount() > 0 {
		select {
		case <-tick.C:
		case <-deadline:
			t.Fatalf("after 10 s: %d segments pending", tr.pendingCount())
		}
	}
	obs.stop()
	samples, missing := tr.finish()
	if len(samples) != 2 || len(missing) != 0 {
		t.Errorf("samples %v, missing %v; want 2 samples", samples, missing)
	}
	if obs.manifests != 1 || obs.bad != 1 || obs.firstBad == nil {
		t.Errorf("manifests %d, bad %d (%v); want 1 and 1", obs.manifests, obs.bad, obs.firstBad)
	}
}

func writeManifest(t *testing.T, live string, stream int, newest uint64) {
	t.Helper()
	name := strings.TrimSuffix(playlistName(stream), ".m3u8")
	m := &p2pmeta.Manifest{
		Version:        p2pmeta.Version,
		Stream:         p2pmeta.Stream{Vhost: "__defaultVhost__", App: "live", Name: name},
		Epoch:          "e1",
		SwarmID:        p2pmeta.SwarmID("bench", "__defaultVhost__", "live", name, "e1"),
		UpdatedAt:      p2pmeta.FormatTime(time.Now()),
		Playlist:       playlistName(stream),
		MediaSequence:  newest,
		TargetDuration: 2,
		Segments: []p2pmeta.Segment{{
			URI: segName(stream, newest), Seq: newest, Duration: 2, Size: 64,
			SHA256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
		}},
	}
	body, err := p2pmeta.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := p2pmeta.WriteFilePath(filepath.Join(live, manifestName(stream)), body); err != nil {
		t.Fatal(err)
	}
}

func TestParseFlags(t *testing.T) {
	tests := []struct {
		args    []string
		wantErr bool
	}{
		{[]string{"-bin", "x"}, false},
		{[]string{}, true},
		{[]string{"-bin", "x", "-streams", "1,,2"}, true},
		{[]string{"-bin", "x", "-streams", "0"}, true},
		{[]string{"-bin", "x", "-streams", "1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17"}, true},
		{[]string{"-bin", "x", "-duration", "5s"}, true},
		{[]string{"-bin", "x", "-segment-bytes", "15"}, true},
		{[]string{"-bin", "x", "-segment-seconds", "0"}, true},
		{[]string{"-bin", "x", "-window", "0"}, true},
		{[]string{"-bin", "x", "-writers", "0"}, true},
	}
	for _, tt := range tests {
		o, err := parseFlags(tt.args, io.Discard)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseFlags(%q) = %v, wantErr %v", tt.args, err, tt.wantErr)
		}
		if err == nil && (!slices.Equal(o.streams, []int{1, 100, 1000}) || o.duration != 30*time.Second ||
			o.segBytes != 1<<20 || o.segDur != 2*time.Second || o.window != 5) {
			t.Errorf("defaults = %+v", o)
		}
	}
}
