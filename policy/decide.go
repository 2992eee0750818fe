package policy

import (
	"fmt"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/sns"
)

// Decide says what the bot should do for one proposal and one neuron at
// in.Now, and why. It is a pure function: call it again on every poll with
// the freshly read deadline (wait-for-quiet may have moved it).
//
// Order: no ballot, already voted, or deadline passed → nothing; then a
// stored override; then the first matching rule (or the policy default)
// with its timing. A nil Policy behaves as an empty policy with defaults.
func Decide(in Input) Decision {
	p, n := in.Proposal, in.Neuron
	if !n.HasBallot {
		return Decision{Action: ActionNothing, Reason: "neuron has no ballot on this proposal (not eligible)"}
	}
	if n.Ballot != nns.VoteUnspecified {
		return Decision{Action: ActionNothing, Vote: n.Ballot, Reason: "already voted " + n.Ballot.String()}
	}
	if !p.Deadline.IsZero() && !in.Now.Before(p.Deadline) {
		return Decision{Action: ActionNothing, Reason: "deadline passed at " + stamp(p.Deadline)}
	}
	if o, ok := FindOverride(in.Overrides, p.ID, n.ID); ok {
		return holdForPrimary(in, overrideDecision(o), policyMargin(in.Policy, Rule{}))
	}
	rule, what := selectRule(in.Policy, p)
	return holdForPrimary(in, ruleDecision(in, rule, what), policyMargin(in.Policy, rule))
}

// holdForPrimary turns a standby's vote or wait into a wait until its takeover time: the
// primary's margin plus in.Takeover. At and after it, the decision stands as the primary's
// would (by then a wait for followees or a person has reached its fallback).
func holdForPrimary(in Input, d Decision, margin time.Duration) Decision {
	if in.Takeover <= 0 || (!d.Votes() && d.Action != ActionWait) {
		return d
	}
	if in.Proposal.Deadline.IsZero() {
		return Decision{Action: ActionWait, Rule: d.Rule, Override: d.Override,
			Reason: d.Reason + "; standby: the proposal has no deadline, the primary votes it"}
	}
	takeover := in.Proposal.Deadline.Add(-margin).Add(in.Takeover)
	if !in.Now.Before(takeover) {
		return d
	}
	held := d
	held.Action, held.At, held.NeedsHuman, held.NoFallback = ActionWait, takeover, false, false
	held.Reason = d.Reason + fmt.Sprintf("; standby: votes only if the ballot is still empty at %s (the primary's margin + %s)",
		stamp(takeover), in.Takeover)
	return held
}

// policyMargin is the deadline margin that applies to a ballot decided by rule r (an override:
// the policy's own).
func policyMargin(pol *Policy, r Rule) time.Duration { return timing(pol, r).DeadlineMargin }

// timing is the timing of rule r: its own, else the policy's, with the default margin for zero.
func timing(pol *Policy, r Rule) Timing {
	t := DefaultTiming()
	if pol != nil {
		t = pol.Timing
	}
	if r.Timing != nil {
		t = *r.Timing
	}
	if t.DeadlineMargin <= 0 {
		t.DeadlineMargin = DefaultDeadlineMargin // zero Timing means the defaults
	}
	return t
}

// FindOverride is the stored decision that applies to a ballot: the
// neuron's own, else the one for every neuron.
func FindOverride(list []Override, proposal, neuron uint64) (Override, bool) {
	var forAll Override
	found := false
	for _, o := range list {
		if o.ProposalID != proposal || (o.Vote != nns.VoteYes && o.Vote != nns.VoteNo) {
			continue
		}
		if o.NeuronID == neuron {
			return o, true // a neuron-specific override beats an all-neuron one
		}
		if o.NeuronID == 0 && !found {
			forAll, found = o, true
		}
	}
	return forAll, found
}

func overrideDecision(o Override) Decision {
	reason := "manual override: vote " + o.Vote.String()
	if o.Note != "" {
		reason += " (" + o.Note + ")"
	}
	return Decision{Action: ActionVoteNow, Vote: o.Vote, Reason: reason, Override: true}
}

// selectRule returns the first matching rule and what matched, or a
// synthetic rule for the policy default.
func selectRule(pol *Policy, p Proposal) (Rule, string) {
	if pol == nil {
		return Rule{Outcome: OutcomeFollow}, "no policy: default follow"
	}
	for _, r := range pol.Rules {
		if ok, what := r.Match.Explain(p); ok {
			return r, what
		}
	}
	return Rule{Outcome: pol.Default, Vote: pol.DefaultVote}, "no rule matched: policy default"
}

func ruleDecision(in Input, r Rule, what string) Decision {
	t := timing(in.Policy, r)
	if r.Outcome == OutcomeVote && r.Vote != nns.VoteYes && r.Vote != nns.VoteNo {
		r.Outcome = OutcomeFollow // a vote rule without a vote cannot cast one
	}
	d := Decision{Rule: r.Name}
	d.Reason = describeRule(r, what)
	margin := in.Proposal.Deadline.Add(-t.DeadlineMargin)
	if !in.Proposal.Deadline.IsZero() {
		d.Margin = margin
	}
	switch r.Outcome {
	case OutcomeSkip:
		d.Action, d.Skip = ActionNothing, true
		return d
	case OutcomeVote:
		return voteAfterDelay(d, in, r.Vote, t, margin)
	case OutcomeManual:
		d.NeedsHuman = true
	case OutcomeFollow:
		if len(FolloweesFor(in.Proposal, in.Neuron.Followees, in.Neuron.SNSFollowees)) == 0 {
			d.Reason += "; the neuron has no followees for " + in.Proposal.TopicName()
			if ignoresCatchAll(in.Proposal) {
				d.Reason += " (the catch-all does not apply)"
			}
		}
	}
	return waitThenFallback(d, in, t, margin)
}

// voteAfterDelay casts the rule's vote at Created+VoteDelay, but never later
// than the deadline margin.
func voteAfterDelay(d Decision, in Input, v nns.Vote, t Timing, margin time.Time) Decision {
	d.Vote = v
	at := in.Proposal.Created.Add(t.VoteDelay)
	if !in.Proposal.Deadline.IsZero() && at.After(margin) {
		at = margin
	}
	if in.Now.Before(at) {
		d.Action, d.At = ActionVoteAt, at
		d.Reason += fmt.Sprintf("; vote delay until %s", stamp(at))
		return d
	}
	d.Action = ActionVoteNow
	return d
}

// waitThenFallback waits for followees or a human until the margin, then
// applies the fallback.
func waitThenFallback(d Decision, in Input, t Timing, margin time.Time) Decision {
	if in.Proposal.Deadline.IsZero() || in.Now.Before(margin) {
		d.Action, d.At = ActionWait, margin
		if v, ok := fixedFallback(t.Fallback); ok {
			d.Vote = v
		}
		if in.Proposal.Deadline.IsZero() {
			d.At = time.Time{}
			d.Reason += "; proposal has no deadline: waiting"
			return d
		}
		d.Reason += fmt.Sprintf("; fallback %s at %s", t.Fallback, stamp(margin))
		// At the margin every fallback but none votes (with_followees and
		// with_majority end in the tally): a wait that ends in none covers
		// nothing, and the ballot is at risk once the deadline nears.
		d.NoFallback = t.Fallback == FallbackNone
		return d
	}
	v, why := fallbackVote(t.Fallback, in)
	d.Reason += "; deadline margin reached: fallback " + why
	if v == nns.VoteUnspecified {
		d.Action = ActionNothing
		return d
	}
	d.Action, d.Vote, d.Fallback, d.NeedsHuman = ActionVoteNow, v, true, false
	return d
}

func fixedFallback(f Fallback) (nns.Vote, bool) {
	switch f {
	case FallbackYes:
		return nns.VoteYes, true
	case FallbackNo:
		return nns.VoteNo, true
	}
	return nns.VoteUnspecified, false
}

// fallbackVote computes the fallback vote and explains it.
func fallbackVote(f Fallback, in Input) (nns.Vote, string) {
	switch f {
	case FallbackYes:
		return nns.VoteYes, "yes"
	case FallbackNo:
		return nns.VoteNo, "no"
	case FallbackNone:
		return nns.VoteUnspecified, "none: ballot left empty"
	case FallbackWithFollowees:
		yes, no := followeeCounts(in.Neuron, in.Proposal)
		switch {
		case yes > no:
			return nns.VoteYes, fmt.Sprintf("with_followees: %d yes, %d no → Yes", yes, no)
		case no > yes:
			return nns.VoteNo, fmt.Sprintf("with_followees: %d yes, %d no → No", yes, no)
		}
		v, why := majorityVote(in.Proposal.Tally)
		return v, fmt.Sprintf("with_followees: %d yes, %d no, undecided → %s", yes, no, why)
	}
	v, why := majorityVote(in.Proposal.Tally)
	return v, why
}

func majorityVote(t Tally) (nns.Vote, string) {
	if t.Yes > t.No {
		return nns.VoteYes, fmt.Sprintf("with_majority: tally yes %s > no %s → Yes", icpString(t.Yes), icpString(t.No))
	}
	return nns.VoteNo, fmt.Sprintf("with_majority: tally yes %s ≤ no %s → No", icpString(t.Yes), icpString(t.No))
}

// followeeCounts counts the known votes of the neuron's effective followees
// on p.
func followeeCounts(n Neuron, p Proposal) (yes, no int) {
	for _, id := range FolloweesFor(p, n.Followees, n.SNSFollowees) {
		switch n.FolloweeVotes[id] {
		case nns.VoteYes:
			yes++
		case nns.VoteNo:
			no++
		}
	}
	return yes, no
}

// EffectiveFollowees returns the followees NNS uses for a proposal of
// topic: the topic's own, else the catch-all's — except for topics that
// ignore the catch-all (Governance, SnsAndCommunityFund, NeuronManagement).
func EffectiveFollowees(following map[nns.Topic][]uint64, topic nns.Topic) []uint64 {
	if f := following[topic]; len(f) > 0 {
		return f
	}
	if topic.IgnoresCatchAll() {
		return nil
	}
	return following[nns.TopicUnspecified]
}

// FolloweesFor returns the followees whose votes fill a neuron's ballot on p
// by following, for either governance: on an NNS proposal those of
// EffectiveFollowees (nnsFollowing); on an SNS proposal the SNS topic's own
// (snsFollowing), else the catch-all's unless the proposal is critical (an
// SNS never applies the catch-all to a critical topic).
func FolloweesFor(p Proposal, nnsFollowing map[nns.Topic][]uint64, snsFollowing map[sns.TopicID][]uint64) []uint64 {
	if p.SNS == nil {
		return EffectiveFollowees(nnsFollowing, p.Topic)
	}
	if f := snsFollowing[p.SNS.Topic]; len(f) > 0 && p.SNS.Topic != sns.TopicUnspecified {
		return f
	}
	if p.SNS.Critical {
		return nil
	}
	return snsFollowing[sns.TopicUnspecified]
}

// ignoresCatchAll reports whether the catch-all following never covers p.
func ignoresCatchAll(p Proposal) bool {
	if p.SNS != nil {
		return p.SNS.Critical
	}
	return p.Topic.IgnoresCatchAll()
}

func describeRule(r Rule, what string) string {
	name := "default"
	if r.Name != "" {
		name = fmt.Sprintf("rule %q", r.Name)
	}
	do := r.Outcome.String()
	if r.Outcome == OutcomeVote {
		do = "vote " + r.Vote.String()
	}
	return fmt.Sprintf("%s (%s): %s", name, what, do)
}

func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }
