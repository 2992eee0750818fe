package bot

import (
	"sort"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// urgency is the moment a due vote must have landed by: its decision's
// margin (deadline minus the rule's deadline margin), else the deadline.
// Votes are sent earliest urgency first, so a ballot near its margin never
// waits behind a bulk of ballots with days left.
func urgency(bp *BallotPlan) time.Time {
	if !bp.Decision.Margin.IsZero() {
		return bp.Decision.Margin
	}
	return bp.Proposal.Deadline
}

// moreUrgent orders plans by urgency, then proposal and neuron id.
func moreUrgent(a, b *BallotPlan) bool {
	ua, ub := urgency(a), urgency(b)
	if !ua.Equal(ub) {
		return ua.Before(ub)
	}
	if a.Proposal.ID != b.Proposal.ID {
		return a.Proposal.ID < b.Proposal.ID
	}
	return a.Neuron.ID < b.Neuron.ID
}

// cascadeGroup is one proposal's due votes split by the NNS's following,
// in the order they are sent. First are ballots whose followees would fill
// them otherwise than their policy votes: they land before any followee's
// vote, so the policy, not the race, decides them. Direct follow. Deferred
// are expected to be filled by following once the direct votes land, so
// the proposal is re-read and only those still empty are sent.
type cascadeGroup struct {
	Proposal uint64
	First    []int // indices into the plans
	Direct   []int
	Deferred []int
}

// cascadeGroups splits the due plans of each proposal (see cascadeGroup).
// A ballot is deferred only when the votes planned for its followees (and
// the ballots already filled) decide it by the NNS rule — Yes when more
// than half of its followees on the topic vote Yes, No when at least half
// vote No — and decide it the way the policy would vote it; a cascade that
// would vote otherwise is not waited for. Followees are the topic's, else
// the catch-all's except on topics that ignore it (policy.FolloweesFor).
// Groups are in the order of their most urgent ballot.
func cascadeGroups(plans []BallotPlan, state map[uint64]Neuron) []cascadeGroup {
	byProp := map[uint64][]int{}
	var order []uint64
	for i := range plans {
		if !plans[i].Due {
			continue
		}
		id := plans[i].Proposal.ID
		if _, ok := byProp[id]; !ok {
			order = append(order, id)
		}
		byProp[id] = append(byProp[id], i)
	}
	groups := make([]cascadeGroup, 0, len(order))
	for _, id := range order {
		groups = append(groups, splitCascade(plans, byProp[id], state))
	}
	return groups
}

func splitCascade(plans []BallotPlan, due []int, state map[uint64]Neuron) cascadeGroup {
	sort.Slice(due, func(i, j int) bool { return moreUrgent(&plans[due[i]], &plans[due[j]]) })
	g := cascadeGroup{Proposal: plans[due[0]].Proposal.ID}
	p := plans[due[0]].Proposal
	if p.Topic == nns.TopicNeuronManagement {
		// No cascade on this topic (controller-only following).
		g.Direct = due
		return g
	}
	planned := make(map[uint64]nns.Vote, len(due))
	for _, i := range due {
		planned[plans[i].Neuron.ID] = plans[i].Decision.Vote
	}
	// Candidates: ballots that the planned votes would fill as planned.
	candidate := map[uint64]bool{}
	for _, i := range due {
		id := plans[i].Neuron.ID
		fs := policy.FolloweesFor(*p, state[id].Followees, state[id].SNSFollowees)
		if v := followingVote(fs, p, planned); v != nns.VoteUnspecified && v == planned[id] {
			candidate[id] = true
		}
	}
	// Simulate the cascade from the votes sent directly: a candidate not
	// reached (a cycle of followers) is promoted to a direct vote, the most
	// urgent first, until every candidate is reached.
	reached := map[uint64]bool{}
	for {
		spread(plans, due, state, p, planned, candidate, reached)
		promoted := false
		for _, i := range due {
			id := plans[i].Neuron.ID
			if candidate[id] && !reached[id] {
				delete(candidate, id)
				promoted = true
				break
			}
		}
		if !promoted {
			break
		}
	}
	for _, i := range due {
		id := plans[i].Neuron.ID
		fs := policy.FolloweesFor(*p, state[id].Followees, state[id].SNSFollowees)
		switch v := followingVote(fs, p, planned); {
		case candidate[id]:
			g.Deferred = append(g.Deferred, i)
		case v != nns.VoteUnspecified && v != planned[id]:
			g.First = append(g.First, i)
		default:
			g.Direct = append(g.Direct, i)
		}
	}
	return g
}

// spread marks the candidates the cascade from the direct votes reaches.
func spread(plans []BallotPlan, due []int, state map[uint64]Neuron, p *policy.Proposal,
	planned map[uint64]nns.Vote, candidate, reached map[uint64]bool) {
	landed := map[uint64]nns.Vote{} // votes that will have landed
	for id, v := range planned {
		if !candidate[id] || reached[id] {
			landed[id] = v
		}
	}
	for changed := true; changed; {
		changed = false
		for _, i := range due {
			id := plans[i].Neuron.ID
			if !candidate[id] || reached[id] {
				continue
			}
			fs := policy.FolloweesFor(*p, state[id].Followees, state[id].SNSFollowees)
			if followingVote(fs, p, landed) == planned[id] {
				reached[id], landed[id], changed = true, planned[id], true
			}
		}
	}
}

// followingVote is the vote followees decide by the NNS rule: each votes
// as votes says, else as its ballot on p already shows. Unspecified: they
// do not decide (yet).
func followingVote(followees []uint64, p *policy.Proposal, votes map[uint64]nns.Vote) nns.Vote {
	return policy.FollowingVote(followees, func(f uint64) nns.Vote {
		if v, ok := votes[f]; ok {
			return v
		}
		b, _ := p.Ballots.Get(f)
		return b.Vote
	})
}
