package p2pmeta_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/webp2p/srs-p2p/p2pmeta"
)

func ExampleParse() {
	body := []byte(`{"version":1,
		"stream":{"vhost":"__defaultVhost__","app":"live","name":"livestream"},
		"epoch":"vid-0ore7v9",
		"swarm_id":"srs-p2p:origin-a/__defaultVhost__/live/livestream/vid-0ore7v9",
		"updated_at":"2026-11-24T12:27:47.926Z","playlist":"livestream.m3u8",
		"media_sequence":12,"target_duration":2,
		"segments":[{"uri":"livestream-12.ts","seq":12,"duration":0.96,"size":90012,
			"sha256":"809283e6445f782a3f20da5500e57f831f56da1a5eeea55489fe82d88999c789"}],
		"p2p":{"trackers":["wss://p2p.example.com/p2p/v1/tracker"],"stun":[],"pingback":""}}`)
	m, err := p2pmeta.Parse(body)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(m.SwarmID)
	for _, s := range m.Segments {
		fmt.Println(s.Seq, s.URI, s.Duration, s.Size)
	}

	// A manifest of a later format version is refused as such: play without P2P.
	_, err = p2pmeta.Parse([]byte(`{"version":2,"parts":[]}`))
	fmt.Println(errors.Is(err, p2pmeta.ErrVersion), err)
	// Output:
	// srs-p2p:origin-a/__defaultVhost__/live/livestream/vid-0ore7v9
	// 12 livestream-12.ts 0.96 90012
	// true version: unsupported 2, this reader knows 1
}

func ExampleVerify() {
	dir, err := os.MkdirTemp("", "hls")
	if err != nil {
		fmt.Println(err)
		return
	}
	defer os.RemoveAll(dir)

	// What srs-p2p does for each playlist: hash the segments, write the manifest next to it.
	segment := []byte("not really MPEG-TS")
	size, sum, _ := p2pmeta.HashFile(bytes.NewReader(segment))
	_ = os.WriteFile(filepath.Join(dir, "livestream.m3u8"), []byte("#EXTM3U\n"), 0o644)
	_ = os.WriteFile(filepath.Join(dir, "livestream-7.ts"), segment, 0o644)
	m := &p2pmeta.Manifest{
		Version:        p2pmeta.Version,
		Stream:         p2pmeta.Stream{Vhost: "__defaultVhost__", App: "live", Name: "livestream"},
		Epoch:          "vid-0ore7v9",
		SwarmID:        p2pmeta.SwarmID("origin-a", "__defaultVhost__", "live", "livestream", "vid-0ore7v9"),
		UpdatedAt:      "2026-11-24T12:27:38.928Z",
		Playlist:       "livestream.m3u8",
		MediaSequence:  7,
		TargetDuration: 2,
		Segments:       []p2pmeta.Segment{{URI: "livestream-7.ts", Seq: 7, Duration: 2, Size: size, SHA256: p2pmeta.Hex(sum)}},
	}
	data, err := p2pmeta.Marshal(m)
	if err != nil {
		fmt.Println(err)
		return
	}
	if err := p2pmeta.WriteFilePath(filepath.Join(dir, p2pmeta.NameFor("livestream.m3u8")), data); err != nil {
		fmt.Println(err)
		return
	}

	problems, err := p2pmeta.Verify(dir)
	fmt.Println(len(problems), err)

	// The segment changes on disk after the manifest was written.
	_ = os.WriteFile(filepath.Join(dir, "livestream-7.ts"), []byte("NOT really MPEG-TS"), 0o644)
	problems, _ = p2pmeta.Verify(dir)
	for _, p := range problems {
		fmt.Println(p)
	}
	// Output:
	// 0 <nil>
	// livestream.p2p.json: livestream-7.ts: sha256 mismatch
}
