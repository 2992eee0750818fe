package governance

import (
	"math"
	"slices"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

// Tick applies what time has made due: decisions at deadlines, reward
// events on period boundaries and the clearing of lapsed following. Every
// method calls it; nnslocal also calls it on a timer so that reward events
// happen while nobody asks.
func (c *Canister) Tick() {
	now := c.nowS()
	c.mu.RLock()
	due := c.dueLocked(now)
	c.mu.RUnlock()
	if !due {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.tickLocked(now)
}

// dueLocked is a cheap check whether tickLocked would change anything.
func (c *Canister) dueLocked(now uint64) bool {
	if c.rewardDay(now) > c.latestReward.DayAfterGenesis || now >= c.nextClearS {
		return true
	}
	for i := len(c.proposals) - 1; i >= 0 && c.openCount > 0; i-- {
		if p := c.proposals[i]; p.status == nns.ProposalStatusOpen && !p.acceptsVotes(now) {
			return true
		}
	}
	return false
}

func (c *Canister) tickLocked(now uint64) {
	open := 0
	for _, p := range c.proposals {
		if p.status == nns.ProposalStatusOpen {
			c.decide(p, now)
		}
		if p.status == nns.ProposalStatusOpen {
			open++
		}
	}
	c.openCount = open
	if day := c.rewardDay(now); day > c.latestReward.DayAfterGenesis {
		c.distributeLocked(day, now)
	}
	if now >= c.nextClearS {
		c.clearLapsedFollowing(now)
	}
}

// TriggerRewardEvent makes a reward event now, even inside a reward period
// (admin API). Its day is the current reward day, or the next one when the
// current day already had its event.
func (c *Canister) TriggerRewardEvent() nns.RewardEvent {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.nowS()
	c.tickLocked(now)
	day := max(c.rewardDay(now), c.latestReward.DayAfterGenesis+1)
	c.distributeLocked(day, now)
	return c.latestReward
}

// distributeLocked settles every proposal whose voting has ended and
// credits maturity by the canister's formula (package rewards). With
// nothing to settle, the pool rolls over to the next event.
func (c *Canister) distributeLocked(day, now uint64) {
	e := c.cfg.Economics
	from := c.latestReward.DayAfterGenesis
	pool := rewards.EventPoolE8s(e, int(from), int(day), c.cfg.TotalSupplyE8s, c.rolledOverE8s)
	round := rewards.EventPoolE8s(e, int(from), int(day), c.cfg.TotalSupplyE8s, 0)

	var settled []*proposal
	var input []rewards.SettledProposal
	for _, p := range c.proposals {
		if p.rewardStatus(now) != nns.RewardStatusReadyToSettle {
			continue
		}
		settled = append(settled, p)
		input = append(input, c.settledProposal(p))
	}
	dist := rewards.DistributeRewards(pool, input)
	for id, r := range dist.RewardsE8s {
		if n := c.byID[id]; n != nil {
			n.maturityE8s = satAdd(n.maturityE8s, c.paidLocked(id, r))
		}
	}
	rounds := day - from + c.roundsCarried
	ids := make([]nns.ProposalId, 0, len(settled))
	for _, p := range settled {
		p.settled = true
		p.rewardRound = day
		p.ballots = nil // the canister deletes ballots at settlement
		ids = append(ids, nns.ProposalId{Id: p.id})
	}
	c.latestReward = nns.RewardEvent{
		DayAfterGenesis:                   day,
		ActualTimestampSeconds:            now,
		TotalAvailableE8sEquivalent:       dist.TotalAvailableE8s,
		DistributedE8sEquivalent:          dist.DistributedE8s,
		SettledProposals:                  ids,
		RoundsSinceLastDistribution:       ptr(rounds),
		LatestRoundAvailableE8sEquivalent: ptr(rewards.FloorE8s(round)),
	}
	c.rolledOverE8s, c.roundsCarried = dist.RollOverE8s(), 0
	if dist.RolledOver {
		c.roundsCarried = rounds
	}
	c.counters.RewardEvents++
	c.cfg.Log.Info().Uint64("day", day).Int("settled_proposals", len(ids)).
		Uint64("distributed_e8s", dist.DistributedE8s).Bool("rolled_over", dist.RolledOver).Msg("reward event")
	c.counters.MaturityE8s = satAdd(c.counters.MaturityE8s, dist.DistributedE8s)
}

func (c *Canister) settledProposal(p *proposal) rewards.SettledProposal {
	sp := rewards.SettledProposal{ID: p.id, Topic: p.topic, TotalPotentialVotingPower: p.totalPotentialVP}
	for idx, b := range p.ballots {
		if b.eligible {
			sp.Ballots = append(sp.Ballots, rewards.Ballot{Neuron: c.neurons[idx].id, Vote: b.vote, VotingPower: b.votingPower})
		}
	}
	return sp
}

// clearLapsedFollowing removes the following (except NeuronManagement) of
// neurons whose deciding voting power has reached zero.
func (c *Canister) clearLapsedFollowing(now uint64) {
	next := uint64(math.MaxUint64)
	for _, n := range c.neurons {
		if len(n.followees) == 0 {
			continue
		}
		at := c.followingClearedAt(n)
		if now < at {
			next = min(next, at)
			continue
		}
		topics := make([]nns.Topic, 0, len(n.followees))
		for t := range n.followees {
			if t != nns.TopicNeuronManagement {
				topics = append(topics, t)
			}
		}
		slices.Sort(topics)
		for _, t := range topics {
			c.setFollowees(n, t, nil)
		}
		if len(topics) > 0 {
			c.counters.ClearedFollows++
			c.cfg.Log.Info().Uint64("neuron", n.id).Int("topics", len(topics)).Msg("following cleared: voting power lapsed")
		}
	}
	c.nextClearS = next
}
