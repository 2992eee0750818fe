package config

import (
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/votebot/votebot/policy"
)

// build validates the decoded file and turns it into a Config, recording
// every impossible value as a problem.
func (d *decoder) build(fc fileConfig) *Config {
	cfg := &Config{
		Instance: strings.TrimSpace(fc.Instance), DryRun: fc.DryRun, Network: fc.Network,
		Identity: fc.Identity, Alerts: fc.Alerts, Store: fc.Store, Listen: fc.Listen,
		PollInterval: fc.PollInterval, Refresh: fc.Refresh, HA: fc.HA,
		Policies: map[string]*policy.Policy{},
		src:      source{file: d.file, lines: d.lines, env: d.env},
		written:  fc.Policies,
	}
	d.checkNetwork(fc.Network)
	d.checkIdentity(fc.Identity)
	cfg.keyAt = d.locate("identity.credential")
	if fc.Identity.PEMFile != "" {
		cfg.keyAt = d.locate("identity.pem_file")
	}
	for _, name := range sortedKeys(fc.Policies) {
		cfg.Policies[name] = d.compilePolicy(name, fc.Policies[name])
	}
	if _, ok := cfg.Policies[DefaultPolicyName]; !ok {
		cfg.Policies[DefaultPolicyName] = &policy.Policy{Name: DefaultPolicyName, Timing: policy.DefaultTiming()}
	}
	snsOnly := fc.SNS != nil && (fc.SNS.Discover || len(fc.SNS.DAOs) > 0)
	cfg.Neurons = d.checkNeurons(fc.Neurons, cfg.Policies, snsOnly)
	nnsAliases := map[string]string{}
	for i, n := range cfg.Neurons {
		if n.Alias != "" {
			nnsAliases[n.Alias] = "neurons[" + strconv.Itoa(i) + "]"
		}
	}
	cfg.SNS = d.checkSNS(fc.SNS, cfg.Policies, nnsAliases)
	cfg.Alerts.Channels = d.checkChannels(fc.Alerts.Channels)
	cfg.Console = d.checkConsole(fc.Console, cfg.Listen)
	d.checkScalars(cfg)
	d.checkHA(cfg)
	cfg.HA.Fingerprint = policyFingerprint(fc)
	return cfg
}

func (d *decoder) checkNetwork(n Network) {
	if n.MaxConcurrency < 0 || n.MaxConcurrency > MaxConcurrencyLimit {
		d.addf("network.max_concurrency", "must be between 1 and %d (0 or absent: the default), not %d",
			MaxConcurrencyLimit, n.MaxConcurrency)
	}
	if n.Mainnet {
		return
	}
	if len(n.URLs) == 0 {
		d.addf("network.urls", "at least one URL is required (or write network: mainnet)")
	}
	for i, u := range n.URLs {
		// An endpoint URL may carry credentials (user:password@, ?key=): not quoted then.
		secret := strings.ContainsAny(u, "@?")
		if err := checkHTTPURL(u, secret); err != nil {
			d.addf("network.urls["+strconv.Itoa(i)+"]", "%v", err)
		}
	}
	switch key := strings.TrimSpace(n.RootKey); {
	case key == "":
		d.addf("network.root_key", "required: the hex root key, or \"fetch\" for a devnet")
	case key == "fetch":
	default:
		if _, err := hex.DecodeString(key); err != nil {
			d.addf("network.root_key", "must be hex or \"fetch\": %v", err)
		}
	}
}

// checkHTTPURL wants an http(s) URL with a host. For a secret URL the
// error never quotes it (url.Parse errors do): it may hold a token.
func checkHTTPURL(s string, secret bool) error {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil && secret {
		return fmt.Errorf("invalid URL (not shown: it may hold a token)")
	}
	if err != nil {
		return fmt.Errorf("invalid URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("URL must start with http:// or https://")
	}
	if u.Host == "" {
		return fmt.Errorf("URL has no host")
	}
	return nil
}

func (d *decoder) checkIdentity(id Identity) {
	switch {
	case id.PEMFile == "" && id.Credential == "":
		d.addf("identity", "set pem_file (the hotkey's PEM file) or credential (a systemd credential name)")
	case id.PEMFile != "" && id.Credential != "":
		d.addf("identity", "set only one of pem_file and credential")
	case strings.ContainsAny(id.Credential, "/\\"):
		d.addf("identity.credential", "must be a credential name, not a path")
	}
}

// checkNeurons checks the NNS neurons; there may be none when the sns: section names DAOs to
// vote (sns).
func (d *decoder) checkNeurons(list []Neuron, policies map[string]*policy.Policy, sns bool) []Neuron {
	if len(list) == 0 && !sns && !d.hasProblem("neurons") {
		d.addf("neurons", "at least one neuron is required (or an SNS DAO in sns:)")
	}
	ids, aliases := map[uint64]int{}, map[string]int{}
	out := make([]Neuron, len(list))
	for i, n := range list {
		at := "neurons[" + strconv.Itoa(i) + "]"
		if n.ID == 0 && !d.hasProblem(at+".id") {
			d.addf(at+".id", "required: the neuron id (a positive integer)")
		} else if j, dup := ids[n.ID]; dup && n.ID != 0 {
			d.addf(at+".id", "duplicate neuron %d (also neurons[%d])", n.ID, j)
		} else {
			ids[n.ID] = i
		}
		if n.Alias != "" {
			if j, dup := aliases[n.Alias]; dup {
				d.addf(at+".alias", "duplicate alias %q (also neurons[%d])", n.Alias, j)
			}
			aliases[n.Alias] = i
		}
		if n.Policy == "" {
			n.Policy = DefaultPolicyName
		}
		if _, ok := policies[n.Policy]; !ok {
			d.addf(at+".policy", "unknown policy %q (defined: %s)", n.Policy, strings.Join(sortedKeys(policies), ", "))
		}
		out[i] = n
	}
	return out
}

// The email channel's transport security (alert.EmailStartTLS, EmailTLS,
// EmailPlain: config does not import alert).
const (
	SMTPStartTLS = "starttls"
	SMTPTLS      = "tls"
	SMTPNone     = "none"
)

var smtpSecurities = []string{SMTPStartTLS, SMTPTLS, SMTPNone}

var channelTypes = []string{ChannelWebhook, ChannelSlack, ChannelDiscord, ChannelTelegram, ChannelPagerDuty, ChannelEmail, ChannelAlertmanager}

func (d *decoder) checkChannels(chs map[string]Channel) map[string]Channel {
	out := make(map[string]Channel, len(chs))
	for _, name := range sortedKeys(chs) {
		ch, at := chs[name], "alerts.channels."+name
		ch.Name = name
		ch.Type = strings.ToLower(strings.TrimSpace(ch.Type))
		if ch.Type == ChannelEmail {
			ch.SMTP.Security = strings.ToLower(strings.TrimSpace(ch.SMTP.Security))
			if ch.SMTP.Security == "" {
				ch.SMTP.Security = SMTPStartTLS
			}
			if ch.SMTP.Port == 0 {
				ch.SMTP.Port = 587 // submission with STARTTLS
				if ch.SMTP.Security == SMTPTLS {
					ch.SMTP.Port = 465 // submissions: implicit TLS
				}
			}
		}
		switch {
		case d.hasProblem(at): // not a mapping: its fields would only repeat that
		case !slices.Contains(channelTypes, ch.Type):
			d.addf(at+".type", "must be one of %s, not %s", strings.Join(channelTypes, ", "), quote(ch.Type))
		default:
			d.checkChannelFields(at, ch)
		}
		if ch.MinSeverity == "" {
			ch.MinSeverity = SeverityInfo
			if ch.Type == ChannelPagerDuty {
				ch.MinSeverity = SeverityCritical
			}
		}
		ch.MinSeverity = strings.ToLower(ch.MinSeverity)
		if !slices.Contains([]string{SeverityInfo, SeverityWarning, SeverityCritical}, ch.MinSeverity) {
			d.addf(at+".min_severity", "must be info, warning or critical, not %s", quote(string(ch.MinSeverity)))
		}
		out[name] = ch
	}
	return out
}

func (d *decoder) checkChannelFields(at string, ch Channel) {
	need := func(field string, set bool) {
		if !set && !d.hasProblem(at+"."+field) {
			d.addf(at+"."+field, "required for a channel of type %s", ch.Type)
		}
	}
	unused := func(field string, set bool) {
		if set {
			d.addf(at+"."+field, "not used by a channel of type %s", ch.Type)
		}
	}
	if ch.Type != ChannelAlertmanager {
		unused("urls", len(ch.URLs) > 0)
	}
	switch ch.Type {
	case ChannelAlertmanager:
		need("urls", len(ch.URLs) > 0)
		unused("url", !ch.URL.IsZero())
		unused("decisions", ch.Decisions != nil)
		unused("token", !ch.Token.IsZero())
		unused("routing_key", !ch.RoutingKey.IsZero())
		for i, u := range ch.URLs {
			if err := checkHTTPURL(u, true); err != nil {
				d.addf(fmt.Sprintf("%s.urls[%d]", at, i), "%v", err)
			}
		}
	case ChannelWebhook, ChannelSlack, ChannelDiscord:
		need("url", !ch.URL.IsZero())
		unused("decisions", ch.Decisions != nil)
		unused("token", !ch.Token.IsZero())
		unused("routing_key", !ch.RoutingKey.IsZero())
	case ChannelTelegram:
		need("token", !ch.Token.IsZero())
		need("chat_id", ch.ChatID != "")
		unused("routing_key", !ch.RoutingKey.IsZero())
		d.checkDecisions(at+".decisions", ch.Decisions)
	case ChannelPagerDuty:
		need("routing_key", !ch.RoutingKey.IsZero())
		unused("decisions", ch.Decisions != nil)
		unused("token", !ch.Token.IsZero())
	case ChannelEmail:
		unused("decisions", ch.Decisions != nil)
		need("smtp.host", ch.SMTP.Host != "")
		need("smtp.from", ch.SMTP.From != "")
		need("smtp.to", len(ch.SMTP.To) > 0)
		if ch.SMTP.Port < 0 || ch.SMTP.Port > 65535 {
			d.addf(at+".smtp.port", "must be between 1 and 65535, not %d", ch.SMTP.Port)
		}
		if !slices.Contains(smtpSecurities, ch.SMTP.Security) {
			d.addf(at+".smtp.security", "must be one of %s, not %s", strings.Join(smtpSecurities, ", "), quote(ch.SMTP.Security))
		}
	}
	if !ch.URL.IsZero() {
		if err := checkHTTPURL(ch.URL.Reveal(), true); err != nil {
			d.addf(at+".url", "%v", err)
		}
	}
}

func (d *decoder) checkScalars(cfg *Config) {
	if cfg.Instance == "" {
		d.addf("instance", "must not be empty")
	}
	if host, port, err := net.SplitHostPort(cfg.Listen); err != nil {
		d.addf("listen", "must be host:port, e.g. %s: %v", DefaultListen, err)
	} else if p, err := strconv.Atoi(port); err != nil || p < 0 || p > 65535 {
		d.addf("listen", "port must be a number up to 65535, not %q", port)
	} else if host == "" {
		d.addf("listen", "host is empty: that listens on every interface; write 0.0.0.0:%s if you mean it", port)
	}
	if cfg.Store.Path == "" {
		d.addf("store.path", "must not be empty")
	}
	if cfg.Store.Retention < 31*24*time.Hour {
		d.addf("store.retention", "is %s: keep at least 31d, or the 30-day participation window loses data", fmtDuration(cfg.Store.Retention))
	}
	d.positive("poll_interval", cfg.PollInterval, time.Second)
	d.positive("alerts.thresholds.at_risk_before", cfg.Alerts.Thresholds.AtRiskBefore, time.Minute)
	d.positive("alerts.thresholds.reminder_interval", cfg.Alerts.Thresholds.ReminderInterval, time.Minute)
	if cfg.Alerts.Thresholds.FolloweeFallbacks < 0 {
		d.addf("alerts.thresholds.followee_fallbacks", "is %d: must be 0 or more", cfg.Alerts.Thresholds.FolloweeFallbacks)
	}
	d.positive("refresh.when_left", cfg.Refresh.WhenLeft, minWhenLeft)
	if cfg.Refresh.WhenLeft >= 180*24*time.Hour {
		d.addf("refresh.when_left", "is %s, not shorter than the 6 months after which voting power decays", fmtDuration(cfg.Refresh.WhenLeft))
	}
	for _, name := range sortedKeys(cfg.Policies) {
		p := cfg.Policies[name]
		if m := minMargin(p); cfg.PollInterval > 0 && m > 0 && cfg.PollInterval >= m {
			d.addf("poll_interval", "is %s, not shorter than the deadline margin %s of policy %q: the fallback could be missed",
				fmtDuration(cfg.PollInterval), fmtDuration(m), name)
		}
	}
}

func (d *decoder) positive(path string, v, least time.Duration) {
	if v < least {
		d.addf(path, "must be at least %s, not %s", fmtDuration(least), fmtDuration(v))
	}
}

// minMargin is the smallest positive deadline margin of the policy and
// its rules (0 if none).
func minMargin(p *policy.Policy) time.Duration {
	m := p.Timing.DeadlineMargin
	for _, r := range p.Rules {
		if r.Timing != nil && r.Timing.DeadlineMargin > 0 && (m <= 0 || r.Timing.DeadlineMargin < m) {
			m = r.Timing.DeadlineMargin
		}
	}
	return m
}

// fmtDuration prints whole days as "30d", else Go's form.
// minWhenLeft is the shortest refresh.when_left: a refresh needs a poll or two to land.
const minWhenLeft = time.Hour

func fmtDuration(v time.Duration) string {
	if v > 0 && v%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(v/(24*time.Hour)), 10) + "d"
	}
	return v.String()
}

func formatID(id uint64) string { return strconv.FormatUint(id, 10) }

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
