package config

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/sns"
)

// source remembers where each key path was written, so that warnings,
// found after Parse, point at a line like errors do.
type source struct {
	file  string
	lines map[string]int    // key path → line
	env   map[string]string // key path → VOTEBOT_* variable that set it
}

// at locates a problem at path by the closest key path with a known line.
func (s source) at(path, format string, args ...any) Problem {
	p := Problem{File: s.file, Path: path, Msg: fmt.Sprintf(format, args...)}
	for q := path; ; q = parentPath(q) {
		if env, ok := s.env[q]; ok {
			p.Env = env
			return p
		}
		if line, ok := s.lines[q]; ok && line > 0 {
			p.Line = line
			return p
		}
		if q == "" {
			return p
		}
	}
}

// VotingPeriods are the proposal voting periods a deadline margin is
// compared with. A devnet may compress them.
type VotingPeriods struct {
	// Standard is the voting period of most proposals (4 days on mainnet).
	Standard time.Duration
	// Short is the voting period of ExchangeRate proposals (12 hours).
	Short time.Duration
}

// MainnetVotingPeriods are the NNS's voting periods before wait-for-quiet.
var MainnetVotingPeriods = VotingPeriods{Standard: policy.VotingPeriod, Short: policy.ShortVotingPeriod}

// Warnings lists what is valid but almost certainly not meant: values
// left from the example, manual rules that ask nobody, deadline margins a
// topic's voting period makes act at once, policies no neuron uses. They
// do not stop the bot; `config validate --strict` treats them as errors.
func Warnings(cfg *Config) Errors {
	return WarningsWith(cfg, MainnetVotingPeriods)
}

// WarningsWith is Warnings against other voting periods, e.g. a devnet's.
func WarningsWith(cfg *Config, periods VotingPeriods) Errors {
	if cfg == nil {
		return nil
	}
	w := &warner{cfg: cfg}
	w.placeholders()
	used := w.unusedPolicies()
	for _, name := range sortedKeys(cfg.Policies) {
		if used[name] {
			w.manualReachesNobody(name, cfg.Policies[name])
			w.marginsTooLong(name, cfg.Policies[name], periods)
			w.otherGovernance(name, cfg.Policies[name])
		}
	}
	return w.out.sorted()
}

type warner struct {
	cfg *Config
	out Errors
}

func (w *warner) addf(path, format string, args ...any) {
	w.out = append(w.out, w.cfg.src.at(path, format, args...))
}

// exampleNeurons are configs/votebot.example.yaml's neuron ids. The demo
// uses them on its devnet, so they are placeholders only on mainnet.
var exampleNeurons = []uint64{1001, 1002}

const (
	exampleRoutingKey = "0123456789abcdef0123456789abcdef"
	exampleTelegram   = "123456:ABC-DEF"
	exampleProposer   = 123456789
)

func (w *warner) placeholders() {
	cfg := w.cfg
	for i, n := range cfg.Neurons {
		if cfg.Network.Mainnet && slices.Contains(exampleNeurons, n.ID) {
			w.addf("neurons["+strconv.Itoa(i)+"].id", "%d is the example's placeholder: put the id of your neuron", n.ID)
		}
	}
	for _, name := range sortedKeys(cfg.Policies) {
		for i, r := range cfg.Policies[name].Rules {
			for j, id := range r.Match.Proposers {
				if id == exampleProposer {
					w.addf(fmt.Sprintf("policies.%s.rules[%d].match.proposers[%d]", name, i, j),
						"%d is the example's placeholder proposer: name the neuron you mean", id)
				}
			}
		}
	}
	for _, name := range sortedKeys(cfg.Alerts.Channels) {
		w.placeholderChannel("alerts.channels."+name, cfg.Alerts.Channels[name])
	}
	w.snsPlaceholders()
}

// exampleSNSNeurons are the neuron ids of the example's commented sns: section.
var exampleSNSNeurons = []string{
	"8f0fa5f2d4b81f4d6d3a3e3cb3c4f3bb1d0b5a63a55e2cb2e0c5b7f6a1d2e3f4",
	"5a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9",
}

func (w *warner) snsPlaceholders() {
	for i, dao := range w.cfg.SNS.DAOs {
		at := "sns.daos[" + strconv.Itoa(i) + "]"
		for j, n := range dao.Neurons {
			if slices.Contains(exampleSNSNeurons, sns.NeuronIDHex(n.ID)) {
				w.addf(at+".neurons["+strconv.Itoa(j)+"].id", "is the example's placeholder: put the id of your SNS neuron")
			}
		}
		for _, t := range sortedTopicIDs(dao.Following) {
			for _, id := range dao.Following[t] {
				if slices.Contains(exampleSNSNeurons, sns.NeuronIDHex(id)) {
					w.addf(at+".following."+snsTopicKey(t), "%s is the example's placeholder followee", sns.NeuronIDHex(id))
				}
			}
		}
	}
}

func sortedTopicIDs[V any](m map[sns.TopicID]V) []sns.TopicID {
	out := make([]sns.TopicID, 0, len(m))
	for t := range m {
		out = append(out, t)
	}
	slices.Sort(out)
	return out
}

// placeholderChannel flags the example's dummy secrets and addresses.
// Secrets are never quoted, only said to be the example's.
func (w *warner) placeholderChannel(at string, ch Channel) {
	if u := ch.URL.Reveal(); u != "" && placeholderURL(u) {
		w.addf(at+".url", "is the example's placeholder URL: put your %s webhook URL (or set $%s)", ch.Type, EnvName(at+".url"))
	}
	if ch.RoutingKey.Reveal() == exampleRoutingKey {
		w.addf(at+".routing_key", "is the example's placeholder routing key: put your PagerDuty integration key (or set $%s)", EnvName(at+".routing_key"))
	}
	if ch.Token.Reveal() == exampleTelegram {
		w.addf(at+".token", "is the example's placeholder bot token (or set $%s)", EnvName(at+".token"))
	}
	if ch.Type == ChannelEmail {
		if exampleDomain(ch.SMTP.Host) {
			w.addf(at+".smtp.host", "%s is a placeholder: put your mail server", ch.SMTP.Host)
		}
		if exampleDomain(ch.SMTP.From) {
			w.addf(at+".smtp.from", "%s is a placeholder address", ch.SMTP.From)
		}
		for i, to := range ch.SMTP.To {
			if exampleDomain(to) {
				w.addf(at+".smtp.to["+strconv.Itoa(i)+"]", "%s is a placeholder address: nobody reads it", to)
			}
		}
	}
}

// placeholderURL recognises the example's Slack URL (T000/B000/XXXX…),
// a URL cut short with "...", and the reserved example domains.
func placeholderURL(u string) bool {
	return strings.Contains(u, "/T000/B000/XXXX") || strings.Contains(u, "...") || exampleDomain(u)
}

// exampleDomain reports a host, URL or address at a domain reserved for
// examples (RFC 2606).
func exampleDomain(s string) bool {
	s = strings.ToLower(s)
	for _, d := range []string{"example.org", "example.com", "example.net"} {
		if i := strings.Index(s, d); i >= 0 {
			end := i + len(d)
			before := i == 0 || strings.ContainsRune("./@", rune(s[i-1]))
			after := end == len(s) || strings.ContainsRune("/:>", rune(s[end]))
			if before && after {
				return true
			}
		}
	}
	return false
}

// unusedPolicies warns about a policy written in the file that no neuron
// uses, and returns the set of used ones.
func (w *warner) unusedPolicies() map[string]bool {
	used := map[string]bool{}
	for _, n := range w.cfg.Neurons {
		used[n.Policy] = true
	}
	if w.cfg.SNS.Discover {
		used[w.cfg.SNS.Policy] = true // the discovered DAOs'
	}
	for _, dao := range w.cfg.SNS.DAOs {
		used[dao.Policy] = true
	}
	for _, name := range sortedKeys(w.cfg.Policies) {
		if w.written("policies."+name) && !used[name] {
			w.addf("policies."+name, "no neuron uses this policy (set policy: %s on a neuron or an SNS DAO, or remove it)", name)
		}
	}
	return used
}

// manualReachesNobody warns when a manual rule's alert
// (manual_decision_needed, severity warning) reaches no channel: nobody is
// asked, and the fallback decides at the margin.
func (w *warner) manualReachesNobody(name string, p *policy.Policy) {
	reach := w.reachesWarning()
	if reach == "" {
		return
	}
	at := "policies." + name
	for i, r := range p.Rules {
		if r.Outcome == policy.OutcomeManual {
			w.addf(at+".rules["+strconv.Itoa(i)+"].vote", "manual, but %s: nobody is asked and the fallback decides", reach)
		}
	}
	if p.Default == policy.OutcomeManual {
		w.addf(at+".default", "manual, but %s: nobody is asked and the fallback decides", reach)
	}
}

// reachesWarning explains why no channel receives a warning alert, or is
// "" when one does.
func (w *warner) reachesWarning() string {
	chs := w.cfg.Alerts.Channels
	if len(chs) == 0 {
		return "no alert channel is configured (alerts.channels)"
	}
	for _, ch := range chs {
		if ch.MinSeverity == SeverityInfo || ch.MinSeverity == SeverityWarning {
			return ""
		}
	}
	return "every alert channel has min_severity critical and manual_decision_needed is a warning"
}

// marginsTooLong warns when a follow or manual rule (or the policy's
// default) can match proposals whose voting period is not longer than its
// deadline margin: its fallback would act the moment they appear. (Parse
// already rejects a margin of 4 days or more, and one of 12 hours or more
// on a rule for ExchangeRate proposals only.)
func (w *warner) marginsTooLong(name string, p *policy.Policy, periods VotingPeriods) {
	at := "policies." + name
	type topicPeriod struct {
		topic  nns.Topic // TopicUnspecified: every topic but ExchangeRate
		period time.Duration
		what   string
	}
	checks := []topicPeriod{
		{nns.TopicExchangeRate, periods.Short, "ExchangeRate proposals"},
		{nns.TopicUnspecified, periods.Standard, "proposals"},
	}
	for _, c := range checks {
		if c.period <= 0 {
			continue
		}
		caught := false // an earlier rule takes every proposal of this kind
		for i, r := range p.Rules {
			if !caught && decidesByMargin(r.Outcome) && coversTopic(r.Match, c.topic) {
				t := p.Timing
				if r.Timing != nil {
					t = *r.Timing
				}
				path := at + ".deadline_margin"
				if r.Timing != nil && w.written(at+".rules["+strconv.Itoa(i)+"].deadline_margin") {
					path = at + ".rules[" + strconv.Itoa(i) + "].deadline_margin"
				}
				if t.Fallback != policy.FallbackNone && t.DeadlineMargin >= c.period {
					w.addf(path, "is %s, not shorter than the %s voting period of %s that rule %d (%q) covers: its fallback acts on them at once",
						fmtDuration(t.DeadlineMargin), fmtDuration(c.period), c.what, i, r.Name)
				}
			}
			caught = caught || catchesAll(r.Match, c.topic)
		}
		if !caught && decidesByMargin(p.Default) && p.Timing.Fallback != policy.FallbackNone &&
			p.Timing.DeadlineMargin >= c.period {
			w.addf(at+".deadline_margin", "is %s, not shorter than the %s voting period of %s the default (%s) covers: its fallback acts on them at once",
				fmtDuration(p.Timing.DeadlineMargin), fmtDuration(c.period), c.what, p.Default)
		}
	}
}

func (w *warner) written(path string) bool {
	_, ok := w.cfg.src.lines[path]
	return ok
}

// decidesByMargin: follow and manual wait, then the fallback acts at the
// deadline margin; yes/no and skip do not depend on it.
func decidesByMargin(o policy.Outcome) bool {
	return o == policy.OutcomeFollow || o == policy.OutcomeManual
}

// coversTopic reports whether the match can take a proposal of topic (for
// TopicUnspecified: of some topic other than ExchangeRate). Title, summary,
// proposer and id matchers may or may not match, so they count as "can".
func coversTopic(m policy.Match, topic nns.Topic) bool {
	if m.OnlySNS() {
		return false
	}
	if topic == nns.TopicExchangeRate {
		if len(m.Topics) > 0 && !slices.Contains(m.Topics, topic) {
			return false
		}
		// ExchangeRate proposals execute NNS function 10 (IcpXdrConversionRate).
		if len(m.Actions) > 0 && !slices.Contains(m.Actions, policy.ActionExecuteNnsFunction) {
			return false
		}
		return len(m.NnsFunctions) == 0 || slices.Contains(m.NnsFunctions, 10)
	}
	return len(m.Topics) == 0 || slices.ContainsFunc(m.Topics, func(x nns.Topic) bool { return x != nns.TopicExchangeRate })
}

// catchesAll reports whether the match takes every proposal of topic, so
// later rules and the default never see one.
func catchesAll(m policy.Match, topic nns.Topic) bool {
	if len(m.Actions) > 0 || len(m.NnsFunctions) > 0 || len(m.Proposers) > 0 || len(m.ProposerNames) > 0 || m.OnlySNS() ||
		m.Title != nil || m.Summary != nil || len(m.ProposalIDs) > 0 {
		return false
	}
	if topic == nns.TopicExchangeRate {
		return len(m.Topics) == 0 || slices.Contains(m.Topics, topic)
	}
	return len(m.Topics) == 0
}

// otherGovernance warns about what a policy says for a governance none of its users is in: a
// rule only NNS proposals can match (or NNS following) in a policy only SNS DAOs use, a rule
// only SNS proposals can match in a policy only NNS neurons use.
func (w *warner) otherGovernance(name string, p *policy.Policy) {
	nns, sns := false, w.cfg.SNS.Discover && w.cfg.SNS.Policy == name
	for _, n := range w.cfg.Neurons {
		nns = nns || n.Policy == name
	}
	for _, d := range w.cfg.SNS.DAOs {
		sns = sns || d.Policy == name
	}
	at := "policies." + name
	for i, r := range p.Rules {
		path := at + ".rules[" + strconv.Itoa(i) + "]"
		switch {
		case !nns && r.Match.OnlyNNS():
			w.addf(path, "rule %q matches NNS proposals only, and only SNS DAOs use this policy: it never matches", r.Name)
		case !sns && r.Match.OnlySNS():
			w.addf(path, "rule %q matches SNS proposals only, and no SNS DAO uses this policy: it never matches", r.Name)
		}
	}
	if !nns && len(p.Following) > 0 {
		w.addf(at+".following", "is NNS following, and only SNS DAOs use this policy: an SNS DAO's following is set in sns.daos[].following")
	}
}
