package hooks_test

import (
	"fmt"

	"github.com/webp2p/srs-p2p/hooks"
)

// on_hls's url and m3u8_url are relative to SRS's hls_path; RelPath cleans
// them and refuses anything that could leave the HLS dir.
func ExampleRelPath() {
	for _, p := range []string{"live/livestream-0.ts", "./live//livestream/init.mp4", "live/../../etc/passwd.ts"} {
		rel, err := hooks.RelPath(p)
		fmt.Printf("%q %v\n", rel, err)
	}
	// Output:
	// "live/livestream-0.ts" <nil>
	// "live/livestream/init.mp4" <nil>
	// "" hooks: path outside the HLS dir: "live/../../etc/passwd.ts" has a .. element
}

// Decode is strict about what SRS sends and ignores fields it does not know.
func ExampleDecode() {
	r, err := hooks.Decode([]byte(`{"action":"on_publish","client_id":"985r5w99","vhost":"__defaultVhost__",` +
		`"app":"live","stream":"livestream","param":"","stream_id":"vid-a7352us","new_in_srs_8":[1]}`))
	fmt.Println(hooks.Epoch(r), err)
	_, err = hooks.Decode([]byte(`{"action":"on_hls","seq_no":"1"}`))
	fmt.Println(err)
	// Output:
	// vid-a7352us <nil>
	// hooks: invalid field: seq_no must be an integer
}
