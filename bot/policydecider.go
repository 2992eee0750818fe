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
	// Takeover is set on a standby (ha.takeover_after): every vote waits
	// until the ballot is still empty this long after the primary's margin.
	Takeover time.Duration
}

var _ Decider = PolicyDecider{}

// Decide implements Decider with policy.Decide.
func (d PolicyDecider) Decide(p policy.Proposal, n Neuron, overrides []policy.Override, now time.Time) policy.Decision {
	b, has := p.Ballots.Get(n.ID)
	return policy.Decide(policy.Input{
		Proposal: p,
		Neuron: policy.Neuron{ID: n.ID, HasBallot: has, Ballot: b.Vote, Followees: n.Followees, SNSFollowees: n.SNSFollowees,
			FolloweeVotes: p.FolloweeVotes},
		Policy:    d.ByNeuron[n.ID],
		Overrides: overrides,
		Now:       now,
		Takeover:  d.Takeover,
	})
}

// RuleVote implements Decider with policy.RuleVote.
func (d PolicyDecider) RuleVote(p policy.Proposal, neuron uint64) (nns.Vote, string, bool) {
	return policy.RuleVote(d.ByNeuron[neuron], p)
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
