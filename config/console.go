package config

import (
	"net"
	"strconv"
	"strings"
)

// checkConsole validates the console section and fills its defaults; nil
// (no section) serves no console.
func (d *decoder) checkConsole(c *Console, metricsListen string) *Console {
	if c == nil {
		return nil
	}
	out := *c
	out.Listen = strings.TrimSpace(out.Listen)
	if out.Listen == "" {
		out.Listen = DefaultConsoleListen
	}
	if host, port, err := net.SplitHostPort(out.Listen); err != nil {
		d.addf("console.listen", "must be host:port, e.g. %s: %v", DefaultConsoleListen, err)
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		d.addf("console.listen", "port must be a number up to 65535, not %q", port)
	} else if host == "" {
		d.addf("console.listen", "host is empty: that listens on every interface; write 0.0.0.0:%s if you mean it", port)
	} else if out.Listen == metricsListen && p != 0 && strings.TrimSpace(c.Listen) == "" {
		// The console's address is the default, written nowhere: point at the metrics line.
		d.addf("listen", "is %s, the console's default address (console.listen is not set): give the metrics or the console (console.listen) another port", metricsListen)
	} else if out.Listen == metricsListen && p != 0 {
		d.addf("console.listen", "is the metrics address %s: the console needs its own, so that the metrics port can be opened to Prometheus without exposing decisions", metricsListen)
	}
	out.AllowedHosts = nil
	for i, h := range c.AllowedHosts {
		h = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(h), "."))
		if h == "" || strings.ContainsAny(h, ":/ ") {
			d.addf("console.allowed_hosts["+strconv.Itoa(i)+"]", "must be a host name without scheme or port, not %q", c.AllowedHosts[i])
			continue
		}
		out.AllowedHosts = append(out.AllowedHosts, h)
	}
	return &out
}

// checkDecisions validates a Telegram channel's decisions.
func (d *decoder) checkDecisions(at string, dec *Decisions) {
	if dec == nil {
		return
	}
	if len(dec.AllowedUserIDs) == 0 {
		d.addf(at+".allowed_user_ids", "at least one Telegram user id is required: in a group chat anyone may press a button")
	}
	for i, id := range dec.AllowedUserIDs {
		if id <= 0 {
			d.addf(at+".allowed_user_ids["+strconv.Itoa(i)+"]", "must be a Telegram user id (a positive number), not %d", id)
		}
	}
}
