package snsgov

import (
	"github.com/votebot/votebot/rewards"
	"github.com/votebot/votebot/sns"
)

// Tick applies what time has made due: decisions at deadlines and reward rounds. Every call
// ticks first, so the canister is current whenever it answers.
func (c *Canister) Tick() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tickLocked()
}

func (c *Canister) tickLocked() {
	now := c.nowS()
	for _, p := range c.proposals {
		if p.decidedS == 0 && now >= p.deadlineS {
			c.decideAtDeadline(p)
		}
	}
	round := seconds(c.cfg.RoundDuration)
	for round > 0 && now >= c.nextRoundEndS {
		c.rewardRoundLocked(c.nextRoundEndS, now)
		c.nextRoundEndS += round
	}
}

// rewardRoundLocked ends the round at endS: every proposal whose voting ended by then is
// settled, the round's pool (plus what earlier rounds carried) is distributed over them in the
// DAO's token as maturity, and their ballots are purged. No settled proposal: the pool rolls
// over.
func (c *Canister) rewardRoundLocked(endS, nowS uint64) {
	genesis := unix(c.cfg.Genesis)
	params := rewards.SNSRewardParams{InitialRateBasisPoints: c.cfg.RewardRateBasisPoints,
		FinalRateBasisPoints: c.cfg.RewardRateBasisPoints, RoundSeconds: seconds(c.cfg.RoundDuration)}
	pool := params.RoundPoolE8s(c.cfg.TotalSupplyE8s, endS-genesis) + c.rolledOverE8s
	roundNo := (endS - genesis) / max(1, seconds(c.cfg.RoundDuration))
	var settled []rewards.SNSSettledProposal
	var ids []sns.ProposalId
	for _, p := range c.proposals {
		if p.settledS != 0 || p.deadlineS > endS {
			continue
		}
		sp := rewards.SNSSettledProposal{ID: p.id}
		for _, h := range c.order {
			if b, ok := p.ballots[h]; ok {
				sp.Ballots = append(sp.Ballots, rewards.SNSBallot{Neuron: h, Voted: b.Vote != sns.VoteUnspecified, VotingPower: b.VotingPower})
			}
		}
		settled = append(settled, sp)
		ids = append(ids, sns.ProposalId{Id: p.id})
		p.settledS, p.round, p.ballots = endS, roundNo, map[string]*sns.Ballot{}
	}
	d := rewards.DistributeSNSRewards(pool, settled)
	since := c.roundsCarried + 1
	if d.RolledOver {
		c.rolledOverE8s, c.roundsCarried = pool, since
	} else {
		c.rolledOverE8s, c.roundsCarried = 0, 0
		for h, e8s := range d.RewardsE8s {
			c.neurons[h].maturityE8s += e8s
		}
		c.counters.MaturityE8s += d.DistributedE8s
	}
	end, available := endS, d.TotalAvailableE8s
	c.latestReward = sns.RewardEvent{Round: roundNo, SettledProposals: ids, DistributedE8sEquivalent: d.DistributedE8s,
		TotalAvailableE8sEquivalent: &available, EndTimestampSeconds: &end, ActualTimestampSeconds: nowS,
		RoundsSinceLastDistribution: &since}
	c.counters.RewardRounds++
}

// rewardStatus is the proposal's reward status now.
func (p *proposal) rewardStatus(nowS uint64) int32 {
	switch {
	case p.settledS != 0:
		return sns.RewardStatusSettled
	case nowS >= p.deadlineS:
		return sns.RewardStatusReadyToSettle
	}
	return sns.RewardStatusAcceptVotes
}
