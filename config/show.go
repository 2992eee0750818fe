package config

import (
	"fmt"
	"strings"

	"github.com/votebot/votebot/policy"
)

// PolicyFor returns the policy of neuron id, or nil for an unknown neuron.
func (c *Config) PolicyFor(id uint64) *policy.Policy {
	for _, n := range c.Neurons {
		if n.ID == id {
			return c.Policies[n.Policy]
		}
	}
	return nil
}

// Summary is the one-line "ok" report of `votebot config validate`.
func (c *Config) Summary() string {
	rules := 0
	for _, p := range c.Policies {
		rules += len(p.Rules)
	}
	return fmt.Sprintf("ok: %s: %s%s, %s (%s), %s, network %s",
		c.File, count(len(c.Neurons), "neuron", "neurons"), c.SNS.describe(), count(len(c.Policies), "policy", "policies"),
		count(rules, "rule", "rules"), count(len(c.Alerts.Channels), "alert channel", "alert channels"), c.Network.describe())
}

// describe is the sns: section for the summary: "" without one.
func (s SNS) describe() string {
	if !s.configured() {
		return ""
	}
	if len(s.DAOs) == 0 {
		return ", SNS DAOs by discovery"
	}
	neurons := 0
	for _, d := range s.DAOs {
		neurons += len(d.Neurons)
	}
	out := ", " + count(len(s.DAOs), "SNS DAO", "SNS DAOs") + " (" + count(neurons, "neuron", "neurons") + ")"
	if s.Discover {
		out += " and those discovered"
	}
	return out
}

// count writes "1 neuron", "2 neurons".
func count(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

func (n Network) describe() string {
	limit := ""
	if n.MaxConcurrency > 0 {
		limit = fmt.Sprintf(", at most %d calls in flight per endpoint", n.MaxConcurrency)
	}
	if n.Mainnet {
		return "mainnet" + limit
	}
	key := "pinned root key"
	if n.FetchRootKey() {
		key = "root key fetched"
	}
	urls := make([]string, len(n.URLs))
	for i, u := range n.URLs {
		urls[i] = RedactURL(u) // an endpoint may carry credentials
	}
	return strings.Join(urls, ", ") + " (" + key + limit + ")"
}

// String is Redacted: a Config never prints its secrets.
func (c *Config) String() string { return c.Redacted() }

// Redacted renders the effective configuration for people, with every
// secret (tokens, routing keys, webhook URLs) shown as [redacted].
func (c *Config) Redacted() string {
	var b strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&b, format+"\n", args...) }
	w("file: %s", c.File)
	w("instance: %s", c.Instance)
	w("dry_run: %t", c.DryRun)
	w("network: %s", c.Network.describe())
	if c.Identity.Credential != "" {
		w("identity: credential %s", c.Identity.Credential)
	} else {
		w("identity: pem_file %s (allow_insecure_key_file: %t)", c.Identity.PEMFile, c.Identity.AllowInsecureKeyFile)
	}
	w("neurons:")
	for _, n := range c.Neurons {
		w("  - %d alias %q policy %s", n.ID, n.Alias, n.Policy)
	}
	w("policies:")
	for _, name := range sortedKeys(c.Policies) {
		p := c.Policies[name]
		w("  %s: %d rules, default %s, vote_delay %s, deadline_margin %s, fallback %s, %d following topics",
			name, len(p.Rules), p.Default, fmtDuration(p.Timing.VoteDelay), fmtDuration(p.Timing.DeadlineMargin),
			p.Timing.Fallback, len(p.Following))
	}
	w("alerts: at_risk_before %s, reminder_interval %s", fmtDuration(c.Alerts.Thresholds.AtRiskBefore),
		fmtDuration(c.Alerts.Thresholds.ReminderInterval))
	for _, name := range sortedKeys(c.Alerts.Channels) {
		ch := c.Alerts.Channels[name]
		w("  %s: %s min_severity %s%s", name, ch.Type, ch.MinSeverity, ch.secretsSummary())
	}
	w("store: %s (retention %s)", c.Store.Path, fmtDuration(c.Store.Retention))
	w("listen: %s", c.Listen)
	if c.Console == nil {
		w("console: none")
	} else {
		token := "credential console-token"
		if c.Console.TokenFile != "" {
			token = "token_file " + c.Console.TokenFile
		}
		w("console: %s, %s, behind_tls_proxy %t, allowed_hosts [%s]", c.Console.Listen, token,
			c.Console.BehindTLSProxy, strings.Join(c.Console.AllowedHosts, ", "))
	}
	w("poll_interval: %s", fmtDuration(c.PollInterval))
	w("refresh.when_left: %s", fmtDuration(c.Refresh.WhenLeft))
	return b.String()
}

func (ch Channel) secretsSummary() string {
	var parts []string
	add := func(name string, s Secret) {
		if !s.IsZero() {
			parts = append(parts, name+" "+s.String())
		}
	}
	add("url", ch.URL)
	if len(ch.URLs) > 0 {
		urls := make([]string, len(ch.URLs))
		for i, u := range ch.URLs {
			urls[i] = RedactURL(u) // a member's URL may carry credentials
		}
		parts = append(parts, "urls "+strings.Join(urls, ", "))
	}
	add("token", ch.Token)
	add("routing_key", ch.RoutingKey)
	if ch.ChatID != "" {
		parts = append(parts, "chat_id "+ch.ChatID)
	}
	if ch.Decisions != nil {
		parts = append(parts, fmt.Sprintf("decisions from users %v", ch.Decisions.AllowedUserIDs))
	}
	if ch.SMTP.Host != "" {
		parts = append(parts, fmt.Sprintf("smtp %s:%d security %s from %s to %s password_file %s",
			ch.SMTP.Host, ch.SMTP.Port, ch.SMTP.Security, ch.SMTP.From, strings.Join(ch.SMTP.To, ","), ch.SMTP.PasswordFile))
	}
	if len(parts) == 0 {
		return ""
	}
	return ", " + strings.Join(parts, ", ")
}
