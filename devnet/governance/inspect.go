package governance

import (
	"maps"

	"github.com/votebot/votebot/nns"
)

// CastVote casts a direct vote as any neuron (admin API, scenarios): the
// caller check is skipped, every other rule of RegisterVote applies.
func (c *Canister) CastVote(neuronID, proposalID uint64, vote nns.Vote) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.nowS()
	c.tickLocked(now)
	n, gerr := c.lookupNeuron(neuronID)
	if gerr != nil {
		return gerr
	}
	p := c.proposal(proposalID)
	if p == nil {
		return nns.NewGovernanceError(nns.ErrorTypeNotFound, "Can't find proposal.")
	}
	if gerr := c.castDirectVote(p, n, vote, now); gerr != nil {
		return gerr
	}
	return nil
}

// ProposalInfo returns a proposal with every ballot (admin view); ok is
// false for an unknown id.
func (c *Canister) ProposalInfo(id uint64) (nns.ProposalInfo, bool) {
	c.Tick()
	c.mu.RLock()
	defer c.mu.RUnlock()
	p := c.proposal(id)
	if p == nil {
		return nns.ProposalInfo{}, false
	}
	all := make([]int32, 0, len(p.ballots))
	for i, b := range p.ballots {
		if b.eligible {
			all = append(all, int32(i))
		}
	}
	return c.proposalInfo(p, c.nowS(), all, false), true
}

// Neuron returns the full view of a neuron; ok is false for an unknown id.
func (c *Canister) Neuron(id uint64) (nns.Neuron, bool) {
	c.Tick()
	c.mu.RLock()
	defer c.mu.RUnlock()
	n := c.byID[id]
	if n == nil {
		return nns.Neuron{}, false
	}
	return c.fullNeuron(n, c.nowS()), true
}

// NeuronInfo returns the public view of a neuron.
func (c *Canister) NeuronInfo(id uint64) (nns.NeuronInfo, bool) {
	c.Tick()
	c.mu.RLock()
	defer c.mu.RUnlock()
	n := c.byID[id]
	if n == nil {
		return nns.NeuronInfo{}, false
	}
	return c.neuronInfo(n, c.nowS()), true
}

// Counters returns what the canister has done so far.
func (c *Canister) Counters() Counters {
	c.mu.RLock()
	out := c.counters
	c.mu.RUnlock()
	c.callsMu.Lock()
	out.Calls = maps.Clone(c.calls)
	c.callsMu.Unlock()
	return out
}

// Summary is a compact state view for the admin API.
type Summary struct {
	Now          uint64            `json:"now_seconds"`
	Neurons      int               `json:"neurons"`
	Proposals    []ProposalSummary `json:"proposals"`
	LatestReward nns.RewardEvent   `json:"latest_reward_event"`
	Counters     Counters          `json:"counters"`
}

// ProposalSummary is one proposal in a Summary.
type ProposalSummary struct {
	ID           uint64 `json:"id"`
	Topic        string `json:"topic"`
	Title        string `json:"title"`
	Status       string `json:"status"`
	RewardStatus string `json:"reward_status"`
	Yes          uint64 `json:"yes"`
	No           uint64 `json:"no"`
	Total        uint64 `json:"total"`
	Deadline     uint64 `json:"deadline_seconds"`
}

// State summarises the canister.
func (c *Canister) State() Summary {
	c.Tick()
	c.mu.RLock()
	now := c.nowS()
	s := Summary{Now: now, Neurons: len(c.neurons), LatestReward: c.latestReward, Proposals: []ProposalSummary{}}
	for i := len(c.proposals) - 1; i >= 0; i-- {
		p := c.proposals[i]
		title := ""
		if p.body.Title != nil {
			title = *p.body.Title
		}
		s.Proposals = append(s.Proposals, ProposalSummary{
			ID: p.id, Topic: p.topic.String(), Title: title, Status: p.status.String(),
			RewardStatus: p.rewardStatus(now).String(), Yes: p.yes, No: p.no, Total: p.total, Deadline: p.deadlineS,
		})
	}
	c.mu.RUnlock()
	s.Counters = c.Counters()
	return s
}
