package bot

import (
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// PolicyDecider is the Decider over policy/: each neuron has its policy.
type PolicyDecider struct {
	// ByNeuron maps a neuron id to its compiled policy.
	ByNeuron map[uint64]*policy.Policy
}

var _ Decider = PolicyDecider{}

// Decide implements Decider with policy.Decide.
func (d PolicyDecider) Decide(p Proposal, n Neuron, o *Override, now time.Time) Decision {
	b, has := p.Ballots.Get(n.ID)
	in := policy.Input{
		Proposal: PolicyProposal(p),
		Neuron: policy.Neuron{ID: n.ID, HasBallot: has, Ballot: b.Vote, Followees: n.Followees,
			FolloweeVotes: followeeVotes(n, p)},
		Policy: d.ByNeuron[n.ID],
		Now:    now,
	}
	if o != nil {
		in.Overrides = []policy.Override{{ProposalID: o.Proposal, NeuronID: o.Neuron, Vote: o.Vote, Note: "votebot vote"}}
	}
	pd := policy.Decide(in)
	out := FromPolicy(pd, now)
	if pd.Action == policy.ActionWait && !pd.At.IsZero() {
		// What happens at the margin? Nothing (fallback none) means the
		// wait covers nothing.
		at := in
		at.Now = pd.At
		if next := policy.Decide(at); next.Action == policy.ActionNothing && !next.Skip {
			out.NoFallback = true
		}
	}
	return out
}

// followeeVotes is what is known of the followees' votes: the votes the
// loop attached to the proposal (Followees' recent ballots), if any.
func followeeVotes(n Neuron, p Proposal) map[uint64]nns.Vote {
	if len(p.FolloweeVotes) == 0 {
		return nil
	}
	return p.FolloweeVotes
}

// PolicyProposal maps the loop's proposal to the policy's view.
func PolicyProposal(p Proposal) policy.Proposal {
	return policy.Proposal{ID: p.ID, Topic: p.Topic, Action: policy.ActionKind(p.Action), NnsFunction: p.NNSFunction,
		ProposerID: p.Proposer, ProposerName: p.ProposerName, Title: p.Title, Summary: p.Summary,
		Created: p.Created, Deadline: p.Deadline,
		Tally: policy.Tally{Yes: p.Tally.Yes, No: p.Tally.No, Total: p.Tally.Total}}
}

// FromPolicy maps policy.Decision to the loop's Decision.
func FromPolicy(pd policy.Decision, now time.Time) Decision {
	d := Decision{Vote: pd.Vote, At: pd.At, Reason: pd.Reason, Rule: pd.Rule, Manual: pd.NeedsHuman, Skip: pd.Skip}
	switch pd.Action {
	case policy.ActionVoteNow:
		d.Kind, d.At = DecideVote, now
	case policy.ActionVoteAt:
		d.Kind = DecideVote
	case policy.ActionWait:
		d.Kind = DecideWait
	default:
		d.Kind = DecideNothing
	}
	switch {
	case pd.Override:
		d.Source = "override"
	case pd.Fallback:
		d.Source = "fallback"
	default:
		d.Source = "rule"
	}
	return d
}

// FollowingChanges implements Decider with policy.FollowingDiff.
func (d PolicyDecider) FollowingChanges(neuron uint64, actual map[nns.Topic][]uint64, known map[string]uint64) (map[nns.Topic][]uint64, []string) {
	pol := d.ByNeuron[neuron]
	if pol == nil || len(pol.Following) == 0 {
		return nil, nil
	}
	changes, warnings := policy.FollowingDiff(pol.Following, actual, known)
	out := make(map[nns.Topic][]uint64, len(changes))
	for _, c := range changes {
		out[c.Topic] = c.Followees
	}
	return out, warnings
}
