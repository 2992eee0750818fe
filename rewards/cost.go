package rewards

import (
	"slices"
	"time"

	"github.com/votebot/votebot/nns"
)

// rewardDay is what one reward day looks like from the bot's observations:
// every reward-eligible proposal closing that day, with the ballots of the
// bot's neurons.
type rewardDay struct {
	day       int
	proposals map[uint64]*SettledProposal
	missed    map[uint64]*SettledProposal // same, with missed ballots filled
	unpriced  int                         // proposals with no total potential VP
}

// entryShares prices each counted ballot (voted or missed) of the bot's
// neurons: pool(d) · w · vp / Σ w·total_potential_vp over the reward day's
// proposals, the denominator coming from DistributeRewards. The proposals
// closing on day d are settled by the event at the start of d+1, which pays
// the pool of day d. Summing a neuron's voted shares for a day and flooring
// gives exactly its DistributeRewards reward; per-proposal shares let any
// window sum them. A proposal's total potential voting power comes from the
// observations, else from networkVP; a day with a proposal priced by neither
// is skipped (its proposals are returned in unpriced) because its
// denominator would be wrong.
func entryShares(e Economics, entries []Entry, supplyE8s, networkVP uint64, now time.Time) (shares map[[2]uint64]float64, unpriced map[uint64]bool) {
	shares, unpriced = map[[2]uint64]float64{}, map[uint64]bool{}
	if supplyE8s == 0 {
		return shares, unpriced
	}
	for _, day := range groupByRewardDay(e, entries, networkVP, now) {
		if day.unpriced > 0 {
			for id := range day.proposals {
				unpriced[id] = true
			}
			continue
		}
		pool := DailyPoolE8s(e, day.day, supplyE8s)
		all := DistributeRewards(pool, values(day.missed))
		if all.TotalWeightedVP < minTotalWeightedVP {
			continue
		}
		for _, p := range day.proposals {
			for _, b := range p.Ballots {
				shares[[2]uint64{b.Neuron, p.ID}] = pool * p.Topic.RewardWeight() * float64(b.VotingPower) / all.TotalWeightedVP
			}
		}
	}
	return shares, unpriced
}

func groupByRewardDay(e Economics, entries []Entry, networkVP uint64, now time.Time) map[int]*rewardDay {
	days := map[int]*rewardDay{}
	for _, en := range entries {
		if en.Outcome == OutcomeIneligible || en.Outcome == OutcomePending || !closing(en).Before(now) {
			continue
		}
		d := e.DayAfterGenesis(closing(en))
		day := days[d]
		if day == nil {
			day = &rewardDay{day: d, proposals: map[uint64]*SettledProposal{}, missed: map[uint64]*SettledProposal{}}
			days[d] = day
		}
		p, m := day.proposals[en.ProposalID], day.missed[en.ProposalID]
		if p == nil {
			p = &SettledProposal{ID: en.ProposalID, Topic: en.Topic}
			m = &SettledProposal{ID: en.ProposalID, Topic: en.Topic}
			day.proposals[en.ProposalID], day.missed[en.ProposalID] = p, m
		}
		p.TotalPotentialVotingPower = max(p.TotalPotentialVotingPower, en.TotalPotentialVP)
		m.TotalPotentialVotingPower = p.TotalPotentialVotingPower
		switch en.Outcome {
		case OutcomeVoted:
			b := Ballot{Neuron: en.Neuron, Vote: votedAs(en.Vote), VotingPower: en.BallotVP}
			p.Ballots, m.Ballots = append(p.Ballots, b), append(m.Ballots, b)
		case OutcomeMissed:
			p.Ballots = append(p.Ballots, Ballot{Neuron: en.Neuron, VotingPower: en.BallotVP})
			m.Ballots = append(m.Ballots, Ballot{Neuron: en.Neuron, Vote: nns.VoteYes, VotingPower: en.BallotVP})
		}
	}
	for _, day := range days {
		for id, p := range day.proposals {
			if p.TotalPotentialVotingPower == 0 {
				if networkVP == 0 {
					day.unpriced++
					continue
				}
				p.TotalPotentialVotingPower = networkVP
				day.missed[id].TotalPotentialVotingPower = networkVP
			}
		}
	}
	return days
}

// votedAs keeps the recorded vote, or stands in Yes when a filled ballot's
// direction was not recorded (both earn the same).
func votedAs(v nns.Vote) nns.Vote {
	if v == nns.VoteYes || v == nns.VoteNo {
		return v
	}
	return nns.VoteYes
}

func values(m map[uint64]*SettledProposal) []SettledProposal {
	out := make([]SettledProposal, 0, len(m))
	for _, p := range m {
		out = append(out, *p)
	}
	slices.SortFunc(out, func(a, b SettledProposal) int { return cmpUint(a.ID, b.ID) })
	return out
}
