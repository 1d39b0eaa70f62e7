package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/webp2p/srs-p2p/internal/srslog"
	"github.com/webp2p/srs-p2p/sidecar/pingback"
)

// A tiny run of everything: both servers answer, the real one counts what
// the clients saw accepted, and the table has every figure.
func TestSmoke(t *testing.T) {
	var out bytes.Buffer
	o := options{duration: 200 * time.Millisecond, conns: 4}
	if err := run(context.Background(), o, &out, srslog.Discard()); err != nil {
		t.Fatalf("run: %v\n%s", err, out.String())
	}
	text := out.String()
	for _, want := range []string{"ceiling", "pingback", "reports per CPU-s", "pingback / ceiling:", "p99"} {
		if !strings.Contains(text, want) {
			t.Errorf("table lacks %q:\n%s", want, text)
		}
	}
}

// Every session's body is a report the real decoder accepts, for the
// stream it names.
func TestBodiesDecode(t *testing.T) {
	b := newBodies()
	if b.sessions() != streams*sessionsPerStream {
		t.Fatalf("%d sessions", b.sessions())
	}
	seen := map[string]bool{}
	for i := 0; i < b.sessions(); i++ {
		batch, err := pingback.Decode(b.render(nil, i, uint64(i+1)))
		if err != nil {
			t.Fatalf("session %d: %v", i, err)
		}
		r := batch.Reports[0]
		if r.Seq != int64(i+1) || r.SwarmID != swarmIDOf(i%streams) || seen[r.Session] {
			t.Fatalf("session %d: %+v", i, r)
		}
		seen[r.Session] = true
	}
	var reply struct {
		Data struct {
			Accepted int `json:"accepted"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(okReply), &reply); err != nil || reply.Data.Accepted != 1 {
		t.Fatalf("okReply %v", err)
	}
}

func TestParseFlags(t *testing.T) {
	o, err := parseFlags(nil, io.Discard)
	if err != nil || o.duration != 5*time.Second || o.conns != 32 {
		t.Fatalf("defaults %+v %v", o, err)
	}
	for _, args := range [][]string{{"-duration", "10ms"}, {"-conns", "0"}, {"-conns", "601"}, {"extra"}} {
		if _, err := parseFlags(args, io.Discard); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
