package bot

import (
	"fmt"
	"sort"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/sns"
)

// BallotPlan is what the bot will do about one proposal × neuron.
type BallotPlan struct {
	// Proposal is shared by the plans of its ballots (a copy each was
	// 230 bytes × 50,000 plans at 1,000 neurons × 50 proposals).
	Proposal *policy.Proposal
	Neuron   NeuronConfig
	Outcome  BallotOutcome
	Vote     nns.Vote // the ballot's vote when already filled
	Decision policy.Decision
	// Due is true when a vote should be sent in this pass.
	Due bool
	// Covered is true when something is planned that fills the ballot
	// before the deadline (a vote now or later, followees with a fallback).
	Covered bool
	// Blocker, shared by the plans of its neuron, is why the neuron cannot
	// vote (nil: nothing known stops it).
	Blocker *Blocker
}

// planInput is everything a pass knows; planBallots is pure.
type planInput struct {
	Proposals []policy.Proposal
	Neurons   []NeuronConfig
	// State is what was read of each neuron; a missing entry means the
	// neuron could not be read (its ballots are unknown, not empty).
	State     map[uint64]Neuron
	Overrides []policy.Override
	// OverridesUnknown: the stored overrides could not be read yet, so
	// Overrides may lack one; votes wait for the deadline margin.
	OverridesUnknown bool
	Decider          Decider
	Now              time.Time
	// Blockers are the neurons that cannot vote (blockersOf), from a read
	// that succeeded; nil when none is known.
	Blockers map[uint64]*Blocker
}

// planBallots decides every open proposal × controlled neuron.
func planBallots(in planInput) []BallotPlan {
	props := append([]policy.Proposal(nil), in.Proposals...)
	sort.Slice(props, func(i, j int) bool { return props[i].ID < props[j].ID })
	// Sized at once: a plan holds its proposal, and growing a slice of
	// 50,000 of them (1,000 neurons × 50 proposals) copied it repeatedly.
	out := make([]BallotPlan, 0, len(props)*len(in.Neurons))
	for i := range props {
		for _, nc := range in.Neurons {
			out = append(out, planBallot(&props[i], nc, in))
		}
	}
	return out
}

func planBallot(p *policy.Proposal, nc NeuronConfig, in planInput) BallotPlan {
	bp := BallotPlan{Proposal: p, Neuron: nc, Blocker: in.Blockers[nc.ID]}
	n, readable := in.State[nc.ID]
	b, hasBallot := p.Ballots.Get(nc.ID)
	switch {
	case hasBallot && b.Vote != nns.VoteUnspecified:
		bp.Outcome, bp.Vote, bp.Covered = BallotFollowing, b.Vote, true
		return bp
	case !hasBallot && readable && n.Authorized:
		// The canister shows ballots of every neuron we may act for; none
		// here means the neuron was not eligible when the proposal was made.
		bp.Outcome, bp.Covered = BallotNone, true
		return bp
	case !hasBallot:
		bp.Outcome = BallotUnknown
	default:
		bp.Outcome = BallotEmpty
	}
	if !readable {
		n = Neuron{ID: nc.ID}
	}
	d := in.Decider.Decide(*p, n, in.Overrides, in.Now)
	if in.OverridesUnknown {
		d = holdForOverrides(d, in.Now)
	}
	blocked := bp.Blocker != nil && bp.Blocker.AllBallots
	switch {
	case blocked:
		// The neuron's one alert (hotkey_missing, neuron_not_found) covers
		// this ballot: nothing is voted, nothing alerted per proposal.
		d = policy.Decision{Action: policy.ActionNothing, Reason: bp.Blocker.Cause + " (fix: " + bp.Blocker.Fix + ")"}
	case bp.Outcome == BallotUnknown:
		// Not "not eligible": whether there is a ballot cannot be told.
		d.Reason = fmt.Sprintf("neuron %d cannot be read with the bot identity (hotkey removed, or the read failed): "+
			"whether it has a ballot is unknown", nc.ID)
	}
	bp.Decision = d
	switch {
	case d.Votes():
		bp.Covered = true
		bp.Due = bp.Outcome == BallotEmpty && !d.At.After(in.Now) && in.Now.Before(p.Deadline)
	case d.Action == policy.ActionWait:
		// Waiting is safe only if something acts before the deadline.
		bp.Covered = !d.At.IsZero() && d.At.Before(p.Deadline) && !d.NoFallback
	case d.Action == policy.ActionNothing:
		bp.Covered = d.Skip
	}
	return bp
}

// holdForOverrides turns a rule's vote into a wait until the deadline
// margin while the stored overrides were never read: an override may say
// otherwise, and a vote cannot be taken back. At the margin the rules act,
// deadline first: a missed vote cannot be taken back either.
func holdForOverrides(d policy.Decision, now time.Time) policy.Decision {
	if !d.Votes() || d.Override || (!d.Margin.IsZero() && !now.Before(d.Margin)) {
		return d
	}
	d.Action, d.At = policy.ActionWait, d.Margin
	d.Reason += "; held until the deadline margin: the stored overrides cannot be read"
	return d
}

// nextWake is the earliest future moment a plan wants to act at.
func nextWake(plans []BallotPlan, now time.Time) time.Time {
	var t time.Time
	for _, bp := range plans {
		if bp.Outcome != BallotEmpty || bp.Decision.At.IsZero() || !bp.Decision.At.After(now) {
			continue
		}
		if !bp.Decision.Votes() && bp.Decision.Action != policy.ActionWait {
			continue
		}
		if t.IsZero() || bp.Decision.At.Before(t) {
			t = bp.Decision.At
		}
	}
	return t
}

// atRisk reports whether a ballot is unvoted, not deliberately skipped, with
// its deadline within threshold, and nothing planned (or the planned vote
// failed) — the moment a person must be told.
func atRisk(bp BallotPlan, voteFailed bool, threshold time.Duration, now time.Time) bool {
	if bp.Outcome != BallotEmpty && bp.Outcome != BallotUnknown {
		return false
	}
	if bp.Blocker != nil && bp.Blocker.AllBallots {
		return false // the neuron's own alert is the page
	}
	if bp.Decision.Skip || !now.Before(bp.Proposal.Deadline) {
		return false
	}
	if bp.Proposal.Deadline.Sub(now) > threshold {
		return false
	}
	return !bp.Covered || voteFailed || bp.Outcome == BallotUnknown
}

// atRiskCriticalWithin is when an at-risk ballot turns from a warning into a
// critical alert (the pager): the hour the Prometheus rule
// VotebotUnvotedProposalSoon also pages at.
const atRiskCriticalWithin = time.Hour

func atRiskAlert(bp BallotPlan, now time.Time) alert.Alert {
	left := bp.Proposal.Deadline.Sub(now).Round(time.Second)
	sev := alert.SeverityWarning
	if left <= atRiskCriticalWithin {
		sev = alert.SeverityCritical
	}
	return alert.Alert{
		Kind: alert.KindProposalAtRisk, Severity: sev, Neuron: bp.Neuron.ID, ProposalID: bp.Proposal.ID,
		Headline: fmt.Sprintf("Unvoted proposal %d soon: neuron %s", bp.Proposal.ID, bp.Neuron.Label()),
		Text:     fmt.Sprintf("Neuron %s has not voted on proposal %d (%s, %s); the deadline is %s (in %s). %s", bp.Neuron.Label(), bp.Proposal.ID, bp.Proposal.TopicName(), bp.Proposal.Title, bp.Proposal.Deadline.UTC().Format(time.RFC3339), left, bp.Decision.Reason),
		Deadline: bp.Proposal.Deadline,
	}
}

// voteCommand is the command that decides p for the neuron. An SNS one
// names its DAO by root canister id, not by name: the alert names the DAO
// once, in its headline, and the id is what cannot be mistaken.
func voteCommand(p policy.Proposal, nc NeuronConfig) string {
	if p.SNS != nil {
		return fmt.Sprintf("votebot vote %d yes|no --dao %s --neuron %s", p.ID, p.SNS.Root, sns.FormatShortID(nc.ID))
	}
	return fmt.Sprintf("votebot vote %d yes|no --neuron %d", p.ID, nc.ID)
}

func manualAlert(bp BallotPlan) alert.Alert {
	return alert.Alert{
		Kind: alert.KindManualDecisionNeeded, Severity: alert.SeverityWarning, Neuron: bp.Neuron.ID, ProposalID: bp.Proposal.ID,
		Headline: fmt.Sprintf("Manual decision needed on proposal %d for neuron %s", bp.Proposal.ID, bp.Neuron.Label()),
		Text: fmt.Sprintf("Proposal %d (%s): %s. Decide with `%s` before %s. %s",
			bp.Proposal.ID, bp.Proposal.TopicName(), bp.Proposal.Title, voteCommand(*bp.Proposal, bp.Neuron),
			bp.Proposal.Deadline.UTC().Format(time.RFC3339), bp.Decision.Reason),
		Deadline: bp.Proposal.Deadline,
	}
}
