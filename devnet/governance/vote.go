package governance

import (
	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/nns"
)

// registerVote is manage_neuron's RegisterVote, with the real canister's
// checks in its order and its error texts.
func (c *Canister) registerVote(n *neuron, caller principal.Principal, rv *nns.RegisterVote, now uint64) *nns.GovernanceError {
	if !n.isAuthorized(caller) {
		return nns.NewGovernanceError(nns.ErrorTypeNotAuthorized, "Caller is not authorized to vote for neuron.")
	}
	if rv.Proposal == nil {
		return nns.NewGovernanceError(nns.ErrorTypePreconditionFailed, "Vote must include a proposal id.")
	}
	p := c.proposal(rv.Proposal.Id)
	if p == nil {
		return nns.NewGovernanceError(nns.ErrorTypeNotFound, "Can't find proposal.")
	}
	return c.castDirectVote(p, n, nns.Vote(rv.Vote), now)
}

// castDirectVote validates and casts a direct vote, then refreshes the
// neuron, applies wait-for-quiet and decides the proposal if it can be.
func (c *Canister) castDirectVote(p *proposal, n *neuron, vote nns.Vote, now uint64) *nns.GovernanceError {
	if vote != nns.VoteYes && vote != nns.VoteNo {
		return nns.NewGovernanceError(nns.ErrorTypePreconditionFailed, "Invalid vote specified.")
	}
	if !p.acceptsVotes(now) {
		return nns.NewGovernanceError(nns.ErrorTypePreconditionFailed, "Proposal deadline has passed.")
	}
	b := p.ballot(n.idx)
	if b == nil {
		return nns.NewGovernanceError(nns.ErrorTypeNotAuthorized, "Neuron not authorized to vote on proposal.")
	}
	if b.vote != nns.VoteUnspecified {
		return nns.NewGovernanceError(nns.ErrorTypeNeuronAlreadyVoted, "Neuron already voted on proposal.")
	}
	oldYes, oldNo := p.yes, p.no
	c.castAndCascade(p, n, vote, now)
	c.counters.DirectVotes++
	n.refreshedS = now
	c.noteRefresh(n)
	p.tallyS = now
	c.waitForQuiet(p, oldYes, oldNo, now)
	c.decide(p, now)
	return nil
}

// castAndCascade fills the neuron's ballot and then, breadth first, the
// ballots of every follower whose followees now decide its vote: Yes when
// more than half of them voted Yes, No when at least half voted No. A
// filled ballot is never changed. Followers use their followees for the
// proposal's topic, or else their catch-all followees, except on topics that
// ignore the catch-all.
func (c *Canister) castAndCascade(p *proposal, n *neuron, vote nns.Vote, now uint64) {
	c.fill(p, n, vote)
	queue := []int32{n.idx}
	for len(queue) > 0 {
		voter := c.neurons[queue[0]]
		queue = queue[1:]
		for _, f := range c.followers[followKey{p.topic, voter.id}] {
			if v := c.followingDecision(p, c.neurons[f], p.topic, now); v != nns.VoteUnspecified {
				c.fill(p, c.neurons[f], v)
				c.counters.FollowingVotes++
				queue = append(queue, f)
			}
		}
		if p.topic.IgnoresCatchAll() {
			continue
		}
		for _, f := range c.followers[followKey{nns.TopicUnspecified, voter.id}] {
			follower := c.neurons[f]
			if len(follower.followees[p.topic]) > 0 {
				continue // topic followees take precedence over the catch-all
			}
			if v := c.followingDecision(p, follower, nns.TopicUnspecified, now); v != nns.VoteUnspecified {
				c.fill(p, follower, v)
				c.counters.FollowingVotes++
				queue = append(queue, f)
			}
		}
	}
}

// followingDecision is the vote the follower's followees on topic dictate,
// or Unspecified when they do not (yet) or the follower cannot vote.
func (c *Canister) followingDecision(p *proposal, follower *neuron, topic nns.Topic, now uint64) nns.Vote {
	b := p.ballot(follower.idx)
	if b == nil || b.vote != nns.VoteUnspecified {
		return nns.VoteUnspecified
	}
	if now >= c.followingClearedAt(follower) {
		return nns.VoteUnspecified // following has lapsed without a refresh
	}
	followees := follower.followees[topic]
	var yes, no int
	for _, id := range followees {
		f := c.byID[id]
		if f == nil {
			continue
		}
		if fb := p.ballot(f.idx); fb != nil {
			switch fb.vote {
			case nns.VoteYes:
				yes++
			case nns.VoteNo:
				no++
			}
		}
	}
	switch {
	case 2*yes > len(followees):
		return nns.VoteYes
	case 2*no >= len(followees) && len(followees) > 0:
		return nns.VoteNo
	}
	return nns.VoteUnspecified
}

func (c *Canister) fill(p *proposal, n *neuron, vote nns.Vote) {
	b := &p.ballots[n.idx]
	b.vote = vote
	if vote == nns.VoteYes {
		p.yes += b.votingPower
	} else {
		p.no += b.votingPower
	}
	if p.topic != nns.TopicExchangeRate {
		n.recordBallot(p.id, vote)
	}
}

// waitForQuiet moves the deadline when the vote turned (the leading side
// flipped between yes > no and yes <= no): to
// max(deadline, now + W + P/2 − elapsed/2).
func (c *Canister) waitForQuiet(p *proposal, oldYes, oldNo, now uint64) {
	if !p.acceptsVotes(now) {
		return
	}
	turned := (oldYes > oldNo) != (p.yes > p.no)
	if !turned {
		return
	}
	elapsed := now - p.createdS
	margin := seconds(c.cfg.WaitForQuietIncrease) + p.votingPeriodS/2
	if elapsed/2 < margin {
		margin -= elapsed / 2
	} else {
		margin = 0
	}
	p.deadlineS = max(p.deadlineS, now+margin)
}

// noteRefresh keeps the clearing sweep's schedule correct after a refresh.
func (c *Canister) noteRefresh(n *neuron) {
	if len(n.followees) > 0 {
		c.nextClearS = min(c.nextClearS, c.followingClearedAt(n))
	}
}

func (c *Canister) proposal(id uint64) *proposal {
	if id == 0 || id > uint64(len(c.proposals)) {
		return nil
	}
	return c.proposals[id-1]
}
