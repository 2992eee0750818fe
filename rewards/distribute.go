package rewards

import (
	"math"
	"slices"

	"github.com/votebot/votebot/nns"
)

// Ballot is one neuron's ballot on a proposal: its vote (Unspecified while
// empty) and the voting power it was given when the proposal was made.
type Ballot struct {
	Neuron      uint64   `json:"neuron"`
	Vote        nns.Vote `json:"vote"`
	VotingPower uint64   `json:"voting_power"`
}

// Voted reports whether the ballot earns rewards: Yes or No.
func (b Ballot) Voted() bool { return b.Vote == nns.VoteYes || b.Vote == nns.VoteNo }

// SettledProposal is a proposal a reward event settles.
type SettledProposal struct {
	ID    uint64    `json:"id"`
	Topic nns.Topic `json:"topic"`
	// TotalPotentialVotingPower is ProposalInfo.total_potential_voting_power:
	// the potential voting power of every eligible neuron when the proposal
	// was made. Zero means not recorded; the sum of the ballots' voting power
	// then stands in, as the canister does for older proposals.
	TotalPotentialVotingPower uint64   `json:"total_potential_voting_power,omitempty"`
	Ballots                   []Ballot `json:"ballots"`
}

// Distribution is the outcome of one reward event.
type Distribution struct {
	// RewardsE8s maps each neuron that voted on a settled proposal to the
	// maturity it earns (possibly 0 after truncation).
	RewardsE8s map[uint64]uint64 `json:"rewards_e8s"`
	// DistributedE8s is the sum of RewardsE8s (distributed_e8s_equivalent).
	DistributedE8s uint64 `json:"distributed_e8s"`
	// TotalAvailableE8s is the pool truncated to e8s
	// (total_available_e8s_equivalent).
	TotalAvailableE8s uint64 `json:"total_available_e8s"`
	// RolledOver is true when no proposal settled: nothing is distributed
	// and the whole pool is added to the next event's.
	RolledOver bool `json:"rolled_over"`
	// ExercisedWeightedVP is Σ w·vp over the neuron's Yes/No ballots.
	ExercisedWeightedVP map[uint64]float64 `json:"exercised_weighted_vp"`
	// TotalWeightedVP is Σ w·total potential voting power over the settled
	// proposals: the denominator. Non-voters stay in it, so what they forgo
	// is not redistributed.
	TotalWeightedVP float64 `json:"total_weighted_vp"`
}

// RollOverE8s is what the next event adds to its pool.
func (d Distribution) RollOverE8s() uint64 {
	if d.RolledOver {
		return d.TotalAvailableE8s
	}
	return 0
}

// minTotalWeightedVP mirrors the canister's guard against dividing by zero
// (or a tiny number): below it nothing is distributed.
const minTotalWeightedVP = 0.001

// DistributeRewards splits poolE8s (the day's pool plus any rollover, see
// EventPoolE8s) over the settled proposals exactly as the governance
// canister does:
//
//	reward(n) = floor(pool · Σ_p w_p·vp(n,p)·[n voted Yes/No on p] / Σ_p w_p·total_potential_vp(p))
//
// in float64, with w_p the topic's reward weight. Proposals are summed in
// id order and ballots in neuron order, so the result is deterministic.
func DistributeRewards(poolE8s float64, proposals []SettledProposal) Distribution {
	d := Distribution{
		RewardsE8s:          map[uint64]uint64{},
		ExercisedWeightedVP: map[uint64]float64{},
		TotalAvailableE8s:   FloorE8s(poolE8s),
		RolledOver:          len(proposals) == 0,
	}
	for _, p := range sortedProposals(proposals) {
		w := p.Topic.RewardWeight()
		var ballotsVP uint64
		for _, b := range sortedBallots(p.Ballots) {
			ballotsVP = saturatingAdd(ballotsVP, b.VotingPower)
			if b.Voted() {
				d.ExercisedWeightedVP[b.Neuron] += float64(b.VotingPower) * w
			}
		}
		total := p.TotalPotentialVotingPower
		if total == 0 {
			total = ballotsVP
		}
		d.TotalWeightedVP += w * float64(total)
	}
	if d.TotalWeightedVP < minTotalWeightedVP {
		return d
	}
	for _, n := range sortedKeys(d.ExercisedWeightedVP) {
		r := FloorE8s(d.ExercisedWeightedVP[n] * poolE8s / d.TotalWeightedVP)
		d.RewardsE8s[n] = r
		d.DistributedE8s = saturatingAdd(d.DistributedE8s, r)
	}
	return d
}

// FloorE8s truncates an e8s amount like Rust's `as u64`: toward zero, NaN and negatives
// to 0, saturating at the top.
func FloorE8s(x float64) uint64 {
	switch {
	case !(x > 0):
		return 0
	case x >= math.MaxUint64:
		return math.MaxUint64
	}
	return uint64(x)
}

func saturatingAdd(a, b uint64) uint64 {
	if s := a + b; s >= a {
		return s
	}
	return math.MaxUint64
}

func sortedProposals(ps []SettledProposal) []SettledProposal {
	out := slices.Clone(ps)
	slices.SortStableFunc(out, func(a, b SettledProposal) int { return cmpUint(a.ID, b.ID) })
	return out
}

func sortedBallots(bs []Ballot) []Ballot {
	out := slices.Clone(bs)
	slices.SortStableFunc(out, func(a, b Ballot) int { return cmpUint(a.Neuron, b.Neuron) })
	return out
}

func sortedKeys[V any](m map[uint64]V) []uint64 {
	keys := make([]uint64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func cmpUint(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
