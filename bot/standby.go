package bot

import (
	"context"
	"fmt"
	"strconv"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// A standby (Options.Standby) runs beside a primary on another host, with its own hotkey. It
// alerts on its own health as any instance does; about proposals it says only what the primary
// cannot: that it voted a ballot the primary left empty (standby_took_over), or that a ballot
// holds the other vote than its own rules cast (policy_mismatch). Everything else about
// proposals — at risk, decision needed, missed — is the primary's to send: from both, every
// channel but an Alertmanager cluster would get it twice.

// quietOnStandby reports whether a standby keeps an alert of kind to itself.
func quietOnStandby(kind alert.Kind) bool {
	switch kind {
	case alert.KindProposalAtRisk, alert.KindManualDecisionNeeded, alert.KindVoteMissed,
		alert.KindVoteUnconfirmed, alert.KindUnknownProposalType:
		return true
	}
	return false
}

// tookOverAlert tells that the standby filled a ballot the primary left empty past its
// takeover time: the primary is down, cut off, or not voting this neuron.
func tookOverAlert(bp BallotPlan) alert.Alert {
	d := bp.Decision
	by := d.Source()
	if d.Rule != "" {
		by += " " + strconv.Quote(d.Rule)
	}
	headline := fmt.Sprintf("Primary did not vote proposal %d for neuron %s: standby voted %s by %s",
		bp.Proposal.ID, bp.Neuron.Label(), d.Vote, by)
	return alert.Alert{Kind: alert.KindStandbyTookOver, Severity: alert.SeverityWarning,
		Neuron: bp.Neuron.ID, ProposalID: bp.Proposal.ID, Deadline: bp.Proposal.Deadline, Headline: headline,
		Text: fmt.Sprintf("%s (%s). The ballot was still empty at the standby's takeover time (the primary's deadline "+
			"margin + ha.takeover_after); deadline %s. Check the primary: is it running, and can it reach the IC?",
			headline, d.Reason, fmtTime(bp.Proposal.Deadline))}
}

// compareWithChain is the standby's check of the ballots filled by someone else: one its rules
// would vote by themselves (policy.RuleVote), filled with the other vote, and not by following
// (no followee of the neuron voted it), was voted by an instance that decides otherwise — the
// primary's configuration differs — or by a person. Each ballot is compared once; a ballot whose
// followees cannot be read is compared again next pass.
func (b *Bot) compareWithChain(ctx context.Context, p *pass, plans []BallotPlan) {
	for _, bp := range plans {
		k := ballotKey{bp.Neuron.ID, bp.Proposal.ID}
		if bp.Outcome != BallotFollowing || b.isDirect(k) || b.marks.has(k, markCompared) {
			continue
		}
		want, rule, ok := p.decider.RuleVote(*bp.Proposal, k.neuron)
		if !ok || bp.Vote == want {
			b.marks.set(k, markCompared)
			continue
		}
		n, read := p.state[k.neuron]
		if !read {
			continue // its followees are not known: next pass
		}
		followed, err := b.votedByFollowee(ctx, n, bp)
		if err != nil {
			b.log.Warn().Err(err).Uint64("neuron", k.neuron).Uint64("proposal", k.proposal).
				Msg("compare a filled ballot with the policy: followees' votes unreadable; next pass")
			continue
		}
		b.marks.set(k, markCompared)
		if followed {
			continue
		}
		b.fire(ctx, mismatchAlert(bp, want, rule))
	}
}

// votedByFollowee reports whether one of n's followees on the proposal's topic voted what the
// ballot holds: then following may have filled it.
func (b *Bot) votedByFollowee(ctx context.Context, n Neuron, bp BallotPlan) (bool, error) {
	for _, f := range policy.FolloweesFor(*bp.Proposal, n.Followees, n.SNSFollowees) {
		recent, err := b.gov.RecentBallots(ctx, f)
		if err != nil {
			return false, fmt.Errorf("followee %d's recent ballots: %w", f, err)
		}
		if recent[bp.Proposal.ID] == bp.Vote {
			return true, nil
		}
	}
	return false, nil
}

func mismatchAlert(bp BallotPlan, want nns.Vote, rule string) alert.Alert {
	by := "the policy default"
	if rule != "" {
		by = "rule " + strconv.Quote(rule)
	}
	return alert.Alert{Kind: alert.KindPolicyMismatch, Severity: alert.SeverityWarning,
		Neuron: bp.Neuron.ID, ProposalID: bp.Proposal.ID, Deadline: bp.Proposal.Deadline,
		Headline: fmt.Sprintf("Proposal %d, neuron %s: the chain shows %s, the standby's %s votes %s",
			bp.Proposal.ID, bp.Neuron.Label(), bp.Vote, by, want),
		Text: fmt.Sprintf("Neuron %s's ballot on proposal %d was filled with %s, not by following, while the standby's "+
			"policy votes %s by %s. The primary's configuration decides otherwise (compare votebot_policy_fingerprint "+
			"of the two instances), or a person voted (votebot vote on the primary, or the NNS dapp). "+
			"Bring the two configurations together: after a takeover the standby votes by its own.",
			bp.Neuron.Label(), bp.Proposal.ID, bp.Vote, want, by)}
}
