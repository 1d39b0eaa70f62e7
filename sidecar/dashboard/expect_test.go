package dashboard

// What the page must render for the fake API's data, computed from the
// fixture independently of the page's code.

// expectedStreams is every rendered field of every stream at generation g,
// keyed like the page's data-stream attributes.
func (f *fakeAPI) expectedStreams(g int) map[string]map[string]any {
	out := map[string]map[string]any{}
	for i, s := range f.streams {
		e := map[string]any{
			"vhost": s.vhost, "app": s.app, "name": s.name, "epoch": s.epoch, "publishing": s.publishing,
			"viewers": 0.0, "peers": 0.0,
		}
		fromWindow := []string{"offload_ratio", "upload_bps", "stalls", "stall_ratio", "hash_failures",
			"conn_success_ratio", "startup_ms_p50", "startup_ms_p95"}
		for _, k := range fromWindow {
			e[k] = 0.0
		}
		if s.pingback {
			e["viewers"] = window(i, g, 1)["viewers"]
			w60 := window(i, g, 6)
			for _, k := range fromWindow {
				e[k] = w60[k]
			}
		}
		if s.swarm {
			e["peers"] = float64(7*(i+1) + g)
		}
		e["history_viewers"], e["history_offload_ratio"] = 0.0, 0.0
		if s.points > 0 {
			last := historyPoint(i, s.points-1, timeZero)
			e["history_viewers"], e["history_offload_ratio"] = last["viewers"], last["offload_ratio"]
		}
		n := float64(s.points)
		e["charts"] = map[string]any{"offload": n, "viewers": n}
		out[s.key()] = e
	}
	return out
}

// expectedTotals is the summary row at generation g: sums over streams
// with reports, offload weighted by bytes.
func (f *fakeAPI) expectedTotals(g int) map[string]any {
	var viewers, p2p, cdn, upload, hashFailures float64
	for i, s := range f.streams {
		if !s.pingback {
			continue
		}
		w10, w60 := window(i, g, 1), window(i, g, 6)
		viewers += toFloat(w10["viewers"])
		p2p += toFloat(w60["p2p_down_bytes"])
		cdn += toFloat(w60["cdn_bytes"])
		upload += toFloat(w60["upload_bps"])
		hashFailures += toFloat(w60["hash_failures"])
	}
	offload := 0.0
	if p2p+cdn > 0 {
		offload = p2p / (p2p + cdn)
	}
	return map[string]any{"streams": float64(len(f.streams)), "viewers": viewers, "offload_ratio": offload,
		"upload_bps": upload, "hash_failures": hashFailures}
}

func toFloat(v any) float64 {
	f, _ := v.(float64)
	return f
}
