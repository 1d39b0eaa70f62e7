package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/webp2p/srs-p2p/conf"
)

// reload loads the config file again and applies what can change live.
// Like caddy: the new config is validated completely first; if anything is
// wrong the old one keeps running untouched.
func (a *app) reload(ctx context.Context, why string) {
	next, err := conf.Load(a.confPath)
	if err != nil {
		a.reloadResult("error")
		a.log.ErrorContext(ctx, "config: reload failed, keeping the running config", "why", why, "err", err)
		return
	}
	changed, restart := conf.Diff(a.cfg, next)
	if len(changed) == 0 {
		a.reloadResult("unchanged")
		a.log.InfoContext(ctx, "config: reload, nothing changed", "why", why)
		return
	}
	if a.hooks != nil {
		if err := a.hooks.Update(hooksConfig(next)); err != nil {
			a.reloadResult("error")
			a.log.ErrorContext(ctx, "config: reload failed, keeping the running config", "why", why, "err", err)
			return
		}
	}
	if err := a.ix.Update(liveOf(next)); err != nil {
		a.reloadResult("error")
		a.log.ErrorContext(ctx, "config: reload failed, keeping the running config", "why", why, "err", err)
		return
	}
	a.level.Set(next.Log.SlogLevel())
	for _, key := range restart {
		a.log.WarnContext(ctx, fmt.Sprintf("config: '%s' changed but needs a restart (rebind) to apply; still running with the old value", key))
	}
	// Remember the running values of the restart-only keys so the next
	// reload compares against what really runs.
	conf.KeepRestartValues(next, a.cfg)
	a.cfg = next
	a.reloadResult("ok")
	a.log.InfoContext(ctx, "config: reloaded", "why", why, "changed", strings.Join(changed, ","), "settings", next.Summary())
}

func (a *app) reloadResult(result string) {
	a.reloads.GetOrCreateCounter(fmt.Sprintf("srs_p2p_config_reloads_total{result=%q}", result)).Inc()
}
