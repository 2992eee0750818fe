package policy

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/votebot/votebot/nns"
)

// Matches reports whether the proposal satisfies every non-empty field.
func (m Match) Matches(p Proposal) bool {
	ok, _ := m.Explain(p)
	return ok
}

// Explain reports whether p matches and, if so, what matched, for the
// decision's reason ("topic Governance, title ~ /upgrade/").
func (m Match) Explain(p Proposal) (bool, string) {
	if (p.SNS != nil && m.hasNNS()) || (p.SNS == nil && m.hasSNS()) {
		return false, "" // a condition of the other governance
	}
	var parts []string
	if p.SNS != nil {
		what, ok := m.explainSNS(*p.SNS)
		if !ok {
			return false, ""
		}
		parts = what
	}
	if len(m.Topics) > 0 {
		if !slices.Contains(m.Topics, p.Topic) {
			return false, ""
		}
		parts = append(parts, "topic "+p.Topic.String())
	}
	if len(m.Actions) > 0 {
		if !slices.Contains(m.Actions, p.Action) {
			return false, ""
		}
		parts = append(parts, "action "+string(p.Action))
	}
	if len(m.NnsFunctions) > 0 {
		if p.Action != ActionExecuteNnsFunction || !slices.Contains(m.NnsFunctions, p.NNSFunction) {
			return false, ""
		}
		parts = append(parts, "nns_function "+strconv.Itoa(int(p.NNSFunction)))
	}
	if len(m.Proposers) > 0 || len(m.ProposerNames) > 0 {
		what, ok := m.matchProposer(p)
		if !ok {
			return false, ""
		}
		parts = append(parts, what)
	}
	if m.Title != nil {
		if !m.Title.MatchString(p.Title) {
			return false, ""
		}
		parts = append(parts, "title ~ /"+m.Title.String()+"/")
	}
	if m.Summary != nil {
		if !m.Summary.MatchString(p.Summary) {
			return false, ""
		}
		parts = append(parts, "summary ~ /"+m.Summary.String()+"/")
	}
	if len(m.ProposalIDs) > 0 {
		if !slices.Contains(m.ProposalIDs, p.ID) {
			return false, ""
		}
		parts = append(parts, "proposal "+strconv.FormatUint(p.ID, 10))
	}
	if len(parts) == 0 {
		return true, "matches every proposal"
	}
	return true, strings.Join(parts, ", ")
}

func (m Match) matchProposer(p Proposal) (string, bool) {
	if slices.Contains(m.Proposers, p.Proposer) {
		return "proposer " + strconv.FormatUint(p.Proposer, 10), true
	}
	if p.ProposerName == "" {
		return "", false
	}
	for _, name := range m.ProposerNames {
		if strings.EqualFold(strings.TrimSpace(name), strings.TrimSpace(p.ProposerName)) {
			return "proposer " + p.ProposerName, true
		}
	}
	return "", false
}

// IsZero reports whether m has no condition (matches everything).
func (m Match) IsZero() bool {
	return !m.hasNNS() && !m.hasSNS() && m.Title == nil && m.Summary == nil && len(m.ProposalIDs) == 0
}

// Problem is a policy mistake found by Check, with the field it concerns
// relative to the policy ("rules[2].match.nns_functions").
type Problem struct {
	Field string
	Msg   string
}

func (p Problem) Error() string { return p.Field + ": " + p.Msg }

// Check finds rules that can never match and other impossible settings.
func (pol *Policy) Check() []Problem {
	var out []Problem
	catchAll := -1
	for i, r := range pol.Rules {
		at := "rules[" + strconv.Itoa(i) + "]"
		if catchAll >= 0 {
			out = append(out, Problem{at, "can never match: rule " + strconv.Itoa(catchAll) +
				" (" + strconv.Quote(pol.Rules[catchAll].Name) + ") matches every proposal before it"})
			continue
		}
		for _, msg := range r.Match.neverReasons() {
			out = append(out, Problem{at + ".match." + msg.Field, msg.Msg})
		}
		if r.Match.IsZero() {
			catchAll = i
		}
		if r.Timing != nil {
			out = append(out, r.Timing.checkChanged(at, pol.Timing)...)
		}
		out = append(out, checkShortPeriod(at, r, pol.Timing)...)
	}
	out = append(out, pol.Timing.check("")...)
	for topic, fs := range pol.Following {
		if len(fs) > MaxFollowees {
			out = append(out, Problem{"following." + topic.String(),
				"has " + strconv.Itoa(len(fs)) + " followees, at most " + strconv.Itoa(MaxFollowees) + " allowed"})
		}
		if topic == nns.TopicNeuronManagement {
			out = append(out, Problem{"following." + topic.String(),
				"NeuronManagement following needs the controller key; a hotkey cannot set it"})
		}
	}
	return out
}

// neverReasons lists conditions no proposal can satisfy.
func (m Match) neverReasons() []Problem {
	var out []Problem
	if len(m.NnsFunctions) > 0 && len(m.Actions) > 0 && !slices.Contains(m.Actions, ActionExecuteNnsFunction) {
		out = append(out, Problem{"nns_functions", "can never match: nns_functions needs action ExecuteNnsFunction"})
	}
	for i, t := range m.Topics {
		if t == nns.TopicUnspecified || t == nns.TopicSnsDecentralizationSale {
			out = append(out, Problem{"topics[" + strconv.Itoa(i) + "]",
				"can never match: no proposal has topic " + t.String()})
		}
	}
	for i, id := range m.ProposalIDs {
		if id == 0 {
			out = append(out, Problem{"proposals[" + strconv.Itoa(i) + "]", "can never match: proposal ids start at 1"})
		}
	}
	return append(out, m.snsNeverReasons()...)
}

// ShortVotingPeriod is the voting period of ExchangeRate proposals.
const ShortVotingPeriod = 12 * time.Hour

// checkShortPeriod rejects a follow/manual rule for ExchangeRate proposals
// only whose margin is not shorter than their 12-hour voting period: the
// fallback would act the moment the proposal appears.
func checkShortPeriod(at string, r Rule, base Timing) []Problem {
	if len(r.Match.Topics) == 0 || r.Outcome == OutcomeSkip || r.Outcome == OutcomeVote {
		return nil
	}
	for _, t := range r.Match.Topics {
		if t != nns.TopicExchangeRate {
			return nil
		}
	}
	t := base
	if r.Timing != nil {
		t = *r.Timing
	}
	if t.DeadlineMargin < ShortVotingPeriod {
		return nil
	}
	field := at + ".deadline_margin"
	return []Problem{{field, "is " + fmtDuration(t.DeadlineMargin) +
		", not shorter than the 12-hour voting period of ExchangeRate proposals: the fallback would act at once"}}
}

// VotingPeriod is the standard NNS voting period (before wait-for-quiet).
// A deadline margin at least this long would act the moment a proposal
// appears.
const VotingPeriod = 4 * 24 * time.Hour

// MaxFollowees is the NNS limit of followees per topic.
const MaxFollowees = 15

// checkChanged checks a rule's timing, reporting only the values that
// differ from the policy's (those are reported once, for the policy).
func (t Timing) checkChanged(at string, base Timing) []Problem {
	var out []Problem
	for _, p := range t.check(at) {
		field := p.Field[strings.LastIndexByte(p.Field, '.')+1:]
		if (field == "deadline_margin" && t.DeadlineMargin == base.DeadlineMargin) ||
			(field == "vote_delay" && t.VoteDelay == base.VoteDelay) {
			continue
		}
		out = append(out, p)
	}
	return out
}

func (t Timing) check(at string) []Problem {
	prefix := at
	if prefix != "" {
		prefix += "."
	}
	var out []Problem
	if t.DeadlineMargin < 0 {
		out = append(out, Problem{prefix + "deadline_margin", "must not be negative"})
	}
	if t.DeadlineMargin >= VotingPeriod {
		out = append(out, Problem{prefix + "deadline_margin", "is " + fmtDuration(t.DeadlineMargin) +
			", not shorter than the 4-day voting period: the fallback would act at once"})
	}
	if t.VoteDelay < 0 {
		out = append(out, Problem{prefix + "vote_delay", "must not be negative"})
	}
	if t.VoteDelay >= VotingPeriod {
		out = append(out, Problem{prefix + "vote_delay", "is " + fmtDuration(t.VoteDelay) +
			", not shorter than the 4-day voting period"})
	}
	return out
}

// fmtDuration prints whole days as "5d", else Go's form.
func fmtDuration(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
	}
	return d.String()
}
