package config

import (
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/sns"
)

// compilePolicy turns a policy as written into a policy.Policy, recording
// unknown names, invalid regexps and rules that can never match.
func (d *decoder) compilePolicy(name string, spec policySpec) *policy.Policy {
	at := "policies." + name
	p := &policy.Policy{Name: name, Timing: d.timing(at, policy.DefaultTiming(), spec.VoteDelay, spec.DeadlineMargin, spec.Fallback)}
	if spec.Default != "" {
		o, v, err := policy.ParseOutcome(spec.Default)
		if err != nil {
			d.addf(at+".default", "%v", err)
		}
		p.Default, p.DefaultVote = o, v
	}
	p.Following = d.following(at+".following", spec.Following)
	names := map[string]int{}
	for i, rs := range spec.Rules {
		r := d.rule(at+".rules["+strconv.Itoa(i)+"]", name, i, rs, p.Timing)
		if j, dup := names[r.Name]; dup && rs.Name != "" {
			d.addf(at+".rules["+strconv.Itoa(i)+"].name", "duplicate rule name %q (also rules[%d])", r.Name, j)
		}
		names[r.Name] = i
		p.Rules = append(p.Rules, r)
	}
	for _, prob := range p.Check() {
		if strings.HasPrefix(prob.Field, "following") {
			continue // checked above, by the key as written
		}
		if d.shadowedByBrokenRule(at, prob.Msg, len(p.Rules)) {
			continue // the earlier rule matches all only because of a reported mistake
		}
		d.addf(joinPath(at, prob.Field), "%s", prob.Msg)
	}
	return p
}

// shadowedByBrokenRule reports whether msg blames a match-all rule that
// has problems of its own (e.g. a misspelt "match" key), to avoid a
// confusing follow-on error.
func (d *decoder) shadowedByBrokenRule(at, msg string, rules int) bool {
	for j := range rules {
		if !strings.Contains(msg, "rule "+strconv.Itoa(j)+" (") {
			continue
		}
		prefix := at + ".rules[" + strconv.Itoa(j) + "]"
		for _, p := range d.problems {
			if p.Path == prefix || strings.HasPrefix(p.Path, prefix+".") {
				return true
			}
		}
	}
	return false
}

func (d *decoder) timing(at string, base policy.Timing, delay, margin *time.Duration, fallback string) policy.Timing {
	t := base
	if delay != nil {
		t.VoteDelay = *delay
	}
	if margin != nil {
		t.DeadlineMargin = *margin
		if *margin == 0 {
			d.addf(joinPath(at, "deadline_margin"), "must be positive: at the deadline it is too late to vote")
		}
	}
	if fallback != "" {
		f, err := policy.ParseFallback(fallback)
		if err != nil {
			d.addf(joinPath(at, "fallback"), "%v", err)
		}
		t.Fallback = f
	}
	return t
}

func (d *decoder) rule(at, policyName string, i int, rs ruleSpec, base policy.Timing) policy.Rule {
	r := policy.Rule{Name: strings.TrimSpace(rs.Name)}
	if r.Name == "" {
		r.Name = policyName + "#" + strconv.Itoa(i+1)
	}
	if rs.Vote == "" {
		d.addf(at, "missing vote: yes, no, follow, manual or skip")
	} else {
		o, v, err := policy.ParseOutcome(rs.Vote)
		if err != nil {
			d.addf(at+".vote", "%v", err)
		}
		r.Outcome, r.Vote = o, v
	}
	if rs.VoteDelay != nil || rs.DeadlineMargin != nil || rs.Fallback != "" {
		t := d.timing(at, base, rs.VoteDelay, rs.DeadlineMargin, rs.Fallback)
		r.Timing = &t
	}
	r.Match = d.match(at+".match", rs.Match)
	return r
}

func (d *decoder) match(at string, ms matchSpec) policy.Match {
	var m policy.Match
	for j, s := range ms.Topics {
		t, err := nns.ParseAnyTopic(s)
		if err != nil {
			d.addf(at+".topics["+strconv.Itoa(j)+"]", "%v", err)
			continue
		}
		m.Topics = append(m.Topics, t)
	}
	for j, s := range ms.Actions {
		k, err := policy.ParseActionKind(s)
		if err != nil {
			d.addf(at+".actions["+strconv.Itoa(j)+"]", "%v", err)
			continue
		}
		m.Actions = append(m.Actions, k)
	}
	m.NnsFunctions = ms.NnsFunctions
	for j, s := range ms.Proposers {
		s = strings.TrimSpace(s)
		switch id, err := strconv.ParseUint(s, 10, 64); {
		case err == nil && id > 0:
			m.Proposers = append(m.Proposers, id)
		case s == "" || err == nil:
			d.addf(at+".proposers["+strconv.Itoa(j)+"]", "must be a neuron id or a known-neuron name")
		case isSNSNeuronID(s):
			d.addf(at+".proposers["+strconv.Itoa(j)+"]", "is an SNS neuron id: write it under sns_proposers (proposers are NNS neurons)")
		default:
			m.ProposerNames = append(m.ProposerNames, s)
		}
	}
	m.Title = d.regexp(at+".title", ms.Title)
	m.Summary = d.regexp(at+".summary", ms.Summary)
	m.ProposalIDs = ms.Proposals
	d.snsMatch(at, ms, &m)
	return m
}

func isSNSNeuronID(s string) bool {
	_, err := sns.ParseNeuronID(s)
	return err == nil
}

func (d *decoder) regexp(at, expr string) *regexp.Regexp {
	if expr == "" {
		return nil
	}
	re, err := regexp.Compile(expr)
	if err != nil {
		d.addf(at, "invalid regular expression: %v", err)
		return nil
	}
	return re
}

// following resolves topic keys (names, old names, numbers, "catch_all")
// and followees (ids, or known-neuron names resolved at run time).
func (d *decoder) following(at string, spec map[string][]string) map[nns.Topic][]policy.Followee {
	if spec == nil {
		return nil
	}
	out := map[nns.Topic][]policy.Followee{}
	keyOf := map[nns.Topic]string{}
	for _, key := range sortedKeys(spec) {
		p := at + "." + key
		topic, err := parseFollowTopic(key)
		if err != nil {
			d.addf(p, "%v", err)
			continue
		}
		if prev, dup := keyOf[topic]; dup {
			d.addf(p, "same topic as %q", prev)
			continue
		}
		keyOf[topic] = key
		if topic == nns.TopicNeuronManagement {
			d.addf(p, "NeuronManagement following needs the controller key; a hotkey cannot set it")
			continue
		}
		fs := d.followees(p, spec[key])
		if len(fs) > policy.MaxFollowees {
			d.addf(p, "has %d followees, at most %d allowed", len(fs), policy.MaxFollowees)
		}
		out[topic] = fs
	}
	return out
}

func (d *decoder) followees(at string, list []string) []policy.Followee {
	fs := make([]policy.Followee, 0, len(list))
	for j, s := range list {
		s = strings.TrimSpace(s)
		switch id, err := strconv.ParseUint(s, 10, 64); {
		case err == nil && id > 0:
			fs = append(fs, policy.Followee{ID: id})
		case s == "" || err == nil:
			d.addf(at+"["+strconv.Itoa(j)+"]", "must be a neuron id or a known-neuron name")
		default:
			fs = append(fs, policy.Followee{Name: s})
		}
	}
	return fs
}

func parseFollowTopic(key string) (nns.Topic, error) {
	switch strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(strings.TrimSpace(key))) {
	case "catch_all", "catchall", "all", "unspecified":
		return nns.TopicUnspecified, nil
	}
	return nns.ParseAnyTopic(key)
}
