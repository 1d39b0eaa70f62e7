package pingback

import (
	"testing"
	"time"
)

// A viewer reporting every interval (here 10 to 12 s apart) is a viewer
// of the 10 s window at every moment.
func TestViewersDoNotFlicker(t *testing.T) {
	e := newEnv(t, nil)
	e.post(rep("steady01", 1))
	for seq := int64(2); seq <= 10; seq++ {
		steps := []time.Duration{3 * time.Second, 4 * time.Second, 3 * time.Second}
		if seq%3 == 0 {
			steps = append(steps, 2*time.Second) // a late report
		}
		for _, step := range steps {
			e.advance(step)
			if got := e.windows(swarmA).W10s.Viewers; got != 1 {
				t.Fatalf("before report %d, at %v: 10s viewers %d, want 1", seq, e.clock.Now().Sub(t0), got)
			}
		}
		e.post(rep("steady01", seq))
	}
	w := e.windows(swarmA)
	if w.W10s.Viewers != 1 || w.W60s.Viewers != 1 || w.W300s.Viewers != 1 {
		t.Fatalf("viewers 10s %d 60s %d 300s %d, want 1 1 1", w.W10s.Viewers, w.W60s.Viewers, w.W300s.Viewers)
	}
}

func TestViewerExpiresFromTenSecondWindow(t *testing.T) {
	e := newEnv(t, nil)
	e.post(rep("sessionA", 1))
	for _, c := range []struct {
		after time.Duration
		want  int
	}{{14 * time.Second, 1}, {1 * time.Second, 1}, {1 * time.Second, 0}} {
		e.advance(c.after)
		if got := e.windows(swarmA).W10s.Viewers; got != c.want {
			t.Fatalf("at %v: 10s viewers %d, want %d", e.clock.Now().Sub(t0), got, c.want)
		}
	}
	if got := e.windows(swarmA).W60s.Viewers; got != 1 {
		t.Fatalf("60s viewers %d, want 1", got)
	}
}

func TestFinalLeavesAndComesBack(t *testing.T) {
	e := newEnv(t, nil)
	e.post(rep("sessionA", 1), rep("sessionB", 1))
	e.advance(10 * time.Second)
	fin := rep("sessionA", 2)
	fin.Final, fin.CDNBytes = true, 7
	e.post(fin)
	w := e.windows(swarmA)
	if w.W10s.Viewers != 1 || w.W60s.Viewers != 1 || w.W300s.Viewers != 1 || w.W10s.CDNBytes != 7 {
		t.Fatalf("after final: viewers %d %d %d, cdn %d", w.W10s.Viewers, w.W60s.Viewers, w.W300s.Viewers, w.W10s.CDNBytes)
	}
	// A retried report from before the final does not bring it back.
	e.post(rep("sessionA", 1))
	if got := e.windows(swarmA).W10s.Viewers; got != 1 {
		t.Fatalf("after a retry: %d viewers", got)
	}
	// The page is shown again: the session reports on.
	e.post(rep("sessionA", 3))
	if got := e.windows(swarmA).W60s.Viewers; got != 2 {
		t.Fatalf("back after final: %d viewers, want 2", got)
	}
}

func TestClassesAndNetworks(t *testing.T) {
	e := newEnv(t, nil)
	mk := func(session, nat, device, sdk string) Report {
		r := rep(session, 1)
		r.NAT, r.Device, r.SDK = nat, device, sdk
		return r
	}
	e.post(mk("session1", NATNoUDP, DeviceMobile, "web/1"), mk("session2", NATNoUDP, DeviceTV, "web/1"),
		mk("session3", NATEndpointDependent, DeviceMobile, ""))
	rp := e.postRaw(batchJSON(t, mk("session4", NATUnknown, DeviceDesktop, "web/2")), "text/plain", "", "[2001:db8:1:2::7]:443")
	if rp.status != 200 {
		t.Fatalf("post: %s", rp.body)
	}
	w := e.windows(swarmA).W10s
	wantNAT := map[string]int{NATUnknown: 1, NATEndpointIndependent: 0, NATEndpointDependent: 1, NATNoUDP: 2}
	wantDev := map[string]int{DeviceDesktop: 1, DeviceMobile: 2, DeviceTV: 1, DeviceOther: 0}
	wantSDK := map[string]int{"web/1": 2, "web/2": 1, "unknown": 1}
	if !equalMaps(w.NAT, wantNAT) || !equalMaps(w.Devices, wantDev) || !equalMaps(w.SDKs, wantSDK) {
		t.Fatalf("nat %v devices %v sdks %v", w.NAT, w.Devices, w.SDKs)
	}
	if w.Networks != 2 || w.Viewers != 4 {
		t.Fatalf("networks %d viewers %d, want 2 and 4", w.Networks, w.Viewers)
	}
}

func TestSDKsAreBounded(t *testing.T) {
	e := newEnv(t, nil)
	var batch []Report
	for i := 0; i < 100; i++ {
		r := rep("session"+itoa(int64(1000+i)), 1)
		r.SDK = "sdk/" + itoa(int64(i))
		if i < 3 {
			r.SDK = "popular"
		}
		batch = append(batch, r)
		if len(batch) == MaxReports || i == 99 {
			e.post(batch...)
			batch = nil
		}
	}
	w := e.windows(swarmA).W60s
	if len(w.SDKs) != maxWindowSDKs || w.SDKs["popular"] != 3 {
		t.Fatalf("sdks %v", w.SDKs)
	}
	st := e.stats(swarmA)
	st.mu.Lock()
	n := len(st.sdks)
	st.mu.Unlock()
	if n != maxSDKs {
		t.Fatalf("%d sdk strings remembered, want %d", n, maxSDKs)
	}
}
