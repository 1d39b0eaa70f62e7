package pingback

import (
	"math"
	"testing"
	"time"
)

func TestWindowSumsAndRatios(t *testing.T) {
	e := newEnv(t, nil)
	a := rep("sessionA", 1)
	a.CDNBytes, a.P2PDownBytes, a.P2PUpBytes = 1000, 3000, 500
	a.SegmentsCDN, a.SegmentsP2P, a.Stalls, a.StallMS = 1, 3, 2, 500
	a.ConnOK, a.ConnFail = 3, 1
	a.HashFailures = []HashFailure{{Count: 2}, {PeerID: peerX, Count: 1}}
	b := rep("sessionB", 1)
	b.CDNBytes, b.P2PDownBytes, b.P2PUpBytes, b.StallMS, b.WatchMS = 4000, 0, 1500, 1500, 8000
	if acc, dup := e.post(a, b); acc != 2 || dup != 0 {
		t.Fatalf("accepted %d duplicates %d", acc, dup)
	}
	e.advance(4 * time.Second) // t0+4s: the stream's stats started at t0

	w := e.windows(swarmA)
	for name, got := range map[string]Window{"10s": w.W10s, "60s": w.W60s, "300s": w.W300s} {
		if got.Reports != 2 || got.CDNBytes != 5000 || got.P2PDownBytes != 3000 || got.P2PUpBytes != 2000 ||
			got.SegmentsCDN != 1 || got.SegmentsP2P != 3 || got.Stalls != 2 || got.StallMS != 2000 || got.WatchMS != 18000 ||
			got.HashFailures != 3 || got.ConnOK != 3 || got.ConnFail != 1 || got.Viewers != 2 || got.Networks != 1 {
			t.Errorf("%s: %+v", name, got)
		}
		if got.DurationS != 4 {
			t.Errorf("%s: duration %v, want 4 (since the first report)", name, got.DurationS)
		}
		checkFloat(t, name+" offload", got.OffloadRatio, 3000.0/8000)
		checkFloat(t, name+" stall ratio", got.StallRatio, 2000.0/18000)
		checkFloat(t, name+" conn success", got.ConnSuccessRatio, 0.75)
		checkFloat(t, name+" upload bps", got.UploadBPS, 2000*8/4.0)
		checkFloat(t, name+" download bps", got.DownloadBPS, 8000*8/4.0)
	}
}

func TestWindowsSlide(t *testing.T) {
	e := newEnv(t, nil)
	send := func(session string, seq, cdn int64) {
		r := rep(session, seq)
		r.CDNBytes = cdn
		e.post(r)
	}
	send("sessionA", 1, 1)      // t0 (slot s)
	e.advance(30 * time.Second) // slot s+3
	send("sessionA", 2, 10)
	e.advance(90 * time.Second) // t0+120s, slot s+12
	send("sessionA", 3, 100)
	e.advance(5 * time.Second) // t0+125s: the first instant of slot s+13
	w := e.windows(swarmA)
	if w.W10s.CDNBytes != 100 || w.W60s.CDNBytes != 100 || w.W300s.CDNBytes != 111 {
		t.Fatalf("cdn bytes 10s %d 60s %d 300s %d, want 100 100 111", w.W10s.CDNBytes, w.W60s.CDNBytes, w.W300s.CDNBytes)
	}
	// The 10 s window is the current slot and the one before: 10 to 20 s.
	if w.W10s.DurationS != 10 || w.W60s.DurationS != 60 || w.W300s.DurationS != 125 {
		t.Errorf("durations %v %v %v, want 10 60 125", w.W10s.DurationS, w.W60s.DurationS, w.W300s.DurationS)
	}
	e.advance(10 * time.Second) // slot s+14: the last report's slot is two back
	if w := e.windows(swarmA); w.W10s.CDNBytes != 0 || w.W10s.Reports != 0 || w.W60s.CDNBytes != 100 {
		t.Fatalf("after 10 s more: 10s %+v 60s cdn %d", w.W10s, w.W60s.CDNBytes)
	}
	e.advance(300 * time.Second)
	if w := e.windows(swarmA); w.W300s.Reports != 0 || w.W300s.Viewers != 0 {
		t.Fatalf("after 5 min: %+v", w.W300s)
	}
}

func TestIdempotentBySessionAndSeq(t *testing.T) {
	e := newEnv(t, nil)
	r := rep("sessionA", 5)
	r.CDNBytes = 100
	if acc, dup := e.post(r); acc != 1 || dup != 0 {
		t.Fatalf("first: %d %d", acc, dup)
	}
	if acc, dup := e.post(r, r); acc != 0 || dup != 2 {
		t.Fatalf("retry: accepted %d duplicates %d", acc, dup)
	}
	older := r
	older.Seq = 3 // late but never seen: counted
	if acc, dup := e.post(older, older); acc != 1 || dup != 1 {
		t.Fatalf("older: accepted %d duplicates %d", acc, dup)
	}
	jump := r
	jump.Seq = 100
	e.post(jump)
	tooOld := r
	tooOld.Seq = 100 - 64 // beyond the remembered window: never counted twice
	if acc, dup := e.post(tooOld); acc != 0 || dup != 1 {
		t.Fatalf("too old: accepted %d duplicates %d", acc, dup)
	}
	other := r
	other.Session = "sessionB" // same seq, other session: counted
	e.post(other)
	if w := e.windows(swarmA).W10s; w.Reports != 4 || w.CDNBytes != 400 {
		t.Fatalf("reports %d cdn %d, want 4 and 400", w.Reports, w.CDNBytes)
	}
	if got := e.s.m.duplicates.Get(); got != 4 {
		t.Errorf("duplicates metric %d, want 4", got)
	}
}

func TestSessionsExpire(t *testing.T) {
	e := newEnv(t, nil)
	e.post(rep("sessionA", 1), rep("sessionB", 1))
	e.advance(200 * time.Second)
	e.post(rep("sessionB", 2))
	st := e.stats(swarmA)
	e.advance(125 * time.Second) // A silent 325 s, B 125 s
	st.mu.Lock()
	_, haveA := st.sessions["sessionA"]
	_, haveB := st.sessions["sessionB"]
	nets := len(st.nets)
	st.mu.Unlock()
	if haveA || !haveB || nets != 1 {
		t.Fatalf("after 325 s: A kept %v, B kept %v, networks %d", haveA, haveB, nets)
	}
	if got := e.s.m.sessions.Load(); got != 1 {
		t.Errorf("sessions gauge %d, want 1", got)
	}
	// Its dedup state is gone with it: only the windows still matter, and
	// they no longer count it.
	if w := e.windows(swarmA); w.W300s.Viewers != 1 {
		t.Fatalf("300s viewers %d, want 1", w.W300s.Viewers)
	}
}

func TestStartupPercentiles(t *testing.T) {
	e := newEnv(t, nil)
	var reports []Report
	for i := 0; i < 20; i++ {
		r := rep("session"+string(rune('a'+i))+"x", 1)
		r.StartupMS = 1000
		if i >= 18 {
			r.StartupMS = 5000
		}
		reports = append(reports, r)
		if len(reports) == MaxReports {
			e.post(reports...)
			reports = nil
		}
	}
	e.post(reports...)
	w := e.windows(swarmA).W60s
	p50, p95 := sketchValue(sketchIndex(1000)), sketchValue(sketchIndex(5000))
	if w.Startups != 20 || w.StartupMSP50 != p50 || w.StartupMSP95 != p95 {
		t.Fatalf("startups %d p50 %d p95 %d, want 20 %d %d", w.Startups, w.StartupMSP50, w.StartupMSP95, p50, p95)
	}
	if math.Abs(float64(p50-1000)) > 1000*0.0625 || math.Abs(float64(p95-5000)) > 5000*0.0625 {
		t.Fatalf("sketch values %d %d too far from 1000 and 5000", p50, p95)
	}
	if w := e.windows(swarmB).W60s; w.Startups != 0 {
		t.Fatalf("other stream has startups %+v", w)
	}
}

func TestSketchAccuracy(t *testing.T) {
	for v := int64(1); v <= MaxStartupMS; v += 1 + v/50 {
		got := sketchValue(sketchIndex(v))
		if v < 16 && got != v {
			t.Fatalf("%d reads %d, want exact", v, got)
		}
		if math.Abs(float64(got-v)) > float64(v)*0.0625 {
			t.Fatalf("%d reads %d: more than 6.25%% off", v, got)
		}
		if i := sketchIndex(v); i < 0 || i >= sketchBuckets {
			t.Fatalf("%d: index %d out of range", v, i)
		}
	}
	var s sketch
	for _, v := range []int64{10, 20, 30, 40} {
		s.add(v)
	}
	if s.quantile(0.5) != sketchValue(sketchIndex(20)) || s.quantile(1) != sketchValue(sketchIndex(40)) || (&sketch{}).quantile(0.5) != 0 {
		t.Fatalf("quantiles %d %d", s.quantile(0.5), s.quantile(1))
	}
}

func TestHistory(t *testing.T) {
	e := newEnv(t, nil)
	a := rep("sessionA", 1)
	a.CDNBytes, a.P2PDownBytes = 100, 300
	e.post(a) // t0 = slot s + 5 s
	for seq := int64(2); seq <= 4; seq++ {
		e.advance(10 * time.Second)
		r := rep("sessionA", seq)
		r.Stalls = seq
		e.post(r)
	}
	e.advance(20 * time.Second) // 2 empty slots after the last report
	d, _ := e.s.Detail(swarmA)
	h := d.(Detail).History
	if h.StepS != 10 || h.Start != "2026-11-24T12:00:00Z" || len(h.Points) != 6 {
		t.Fatalf("history %+v", h)
	}
	wantViewers := []int64{1, 1, 1, 1, 0, 0}
	for i, p := range h.Points {
		if p.T != slotStart(slotOf(t0)+int64(i)).Format(time.RFC3339) || p.Viewers != wantViewers[i] {
			t.Errorf("point %d: %+v", i, p)
		}
	}
	if p := h.Points[0]; p.CDNBytes != 100 || p.P2PDownBytes != 300 || p.OffloadRatio != 0.75 {
		t.Errorf("first point %+v", p)
	}
	if p := h.Points[3]; p.Stalls != 4 || p.CDNBytes != 0 {
		t.Errorf("fourth point %+v", p)
	}
	// An hour later only the last 360 slots are left.
	e.advance(2 * time.Hour)
	d, _ = e.s.Detail(swarmA)
	if h := d.(Detail).History; len(h.Points) != historySlots || h.Points[0].Viewers != 0 {
		t.Fatalf("after 2 h: %d points", len(h.Points))
	}
}

// A report covering 30 s marks the viewer present in the slots it covers.
func TestHistoryViewersCoverTheInterval(t *testing.T) {
	e := newEnv(t, nil)
	e.post(rep("sessionA", 1))
	e.advance(30 * time.Second)
	r := rep("sessionA", 2)
	r.IntervalMS, r.WatchMS = 30000, 30000
	e.post(r)
	d, _ := e.s.Detail(swarmA)
	var got []int64
	for _, p := range d.(Detail).History.Points {
		got = append(got, p.Viewers)
	}
	if len(got) != 4 || got[0] != 1 || got[1] != 1 || got[2] != 1 || got[3] != 1 {
		t.Fatalf("viewers per slot %v, want [1 1 1 1]", got)
	}
}

func TestEmptyStreamViews(t *testing.T) {
	e := newEnv(t, nil)
	sum, ok := e.s.Summary(swarmB)
	if !ok || sum.(Summary).W10s.NAT[NATUnknown] != 0 || len(sum.(Summary).W60s.Devices) != 4 || sum.(Summary).W10s.SDKs == nil {
		t.Fatalf("summary %+v %v", sum, ok)
	}
	d, ok := e.s.Detail(swarmB)
	if !ok || d.(Detail).History.Points == nil || len(d.(Detail).History.Points) != 0 || d.(Detail).History.StepS != 10 {
		t.Fatalf("detail %+v %v", d, ok)
	}
	if _, ok := e.s.Summary("srs-p2p:test/nope"); ok {
		t.Fatal("summary of an unknown stream")
	}
	if _, ok := e.s.Detail("srs-p2p:test/nope"); ok {
		t.Fatal("detail of an unknown stream")
	}
}

func checkFloat(t *testing.T, name string, got, want float64) {
	t.Helper()
	if math.Abs(got-want) > 1e-9*math.Max(1, math.Abs(want)) {
		t.Errorf("%s = %v, want %v", name, got, want)
	}
}

func equalMaps(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
