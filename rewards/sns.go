package rewards

import (
	"maps"
	"math"
	"math/big"
	"slices"
	"strings"
)

// SNS voting power and voting rewards, as an SNS governance canister computes them
// (shared/spec/sns-governance.md). Unlike the NNS there is no decay and no topic weight, and a
// DAO may pay nothing at all; rewards are in the DAO's own token.

// SNSVotingPowerParams are the parameters of one SNS's voting power formula
// (get_nervous_system_parameters).
type SNSVotingPowerParams struct {
	MaxDissolveDelaySeconds  uint64
	MaxDissolveDelayBonusPct uint64
	MaxAgeSeconds            uint64
	MaxAgeBonusPct           uint64
}

// SNSStake is what an SNS neuron's voting power depends on.
type SNSStake struct {
	CachedStakeE8s, FeesE8s, StakedMaturityE8s uint64
	DissolveDelaySeconds, AgeSeconds           uint64
	// MultiplierPct is voting_power_percentage_multiplier (100 for most neurons).
	MultiplierPct uint64
}

// SNSVotingPower is the neuron's voting power: its stake (less fees, plus staked maturity)
// with the dissolve-delay bonus, then the age bonus, then the multiplier, in exact integer
// arithmetic as upstream (u128 there, big.Int here).
func SNSVotingPower(p SNSVotingPowerParams, n SNSStake) uint64 {
	stake := new(big.Int).SetUint64(n.CachedStakeE8s)
	stake.Sub(stake, new(big.Int).SetUint64(min(n.FeesE8s, n.CachedStakeE8s)))
	stake.Add(stake, new(big.Int).SetUint64(n.StakedMaturityE8s))
	withBonus := func(base *big.Int, x, maxX, pct uint64) *big.Int {
		out := new(big.Int).Set(base)
		if maxX == 0 {
			return out
		}
		b := new(big.Int).Mul(base, new(big.Int).SetUint64(min(x, maxX)))
		b.Mul(b, new(big.Int).SetUint64(pct))
		b.Quo(b, new(big.Int).Mul(big.NewInt(100), new(big.Int).SetUint64(maxX)))
		return out.Add(out, b)
	}
	vp := withBonus(stake, n.DissolveDelaySeconds, p.MaxDissolveDelaySeconds, p.MaxDissolveDelayBonusPct)
	vp = withBonus(vp, n.AgeSeconds, p.MaxAgeSeconds, p.MaxAgeBonusPct)
	vp.Mul(vp, new(big.Int).SetUint64(n.MultiplierPct))
	vp.Quo(vp, big.NewInt(100))
	if !vp.IsUint64() {
		return math.MaxUint64
	}
	return vp.Uint64()
}

// SNSRewardParams are voting_rewards_parameters.
type SNSRewardParams struct {
	InitialRateBasisPoints, FinalRateBasisPoints uint64
	TransitionSeconds                            uint64
	RoundSeconds                                 uint64
}

// secondsPerYear is 365.25 days, the year the canisters use.
const secondsPerYear = 365.25 * 24 * 3600

// Rate is the yearly reward rate at elapsed seconds since genesis: from the initial rate down to
// the final one along a quadratic over the transition, then the final rate.
func (p SNSRewardParams) Rate(elapsedSeconds uint64) float64 {
	initial, final := float64(p.InitialRateBasisPoints)/10_000, float64(p.FinalRateBasisPoints)/10_000
	if p.TransitionSeconds == 0 || elapsedSeconds >= p.TransitionSeconds {
		return final
	}
	left := float64(p.TransitionSeconds-elapsedSeconds) / float64(p.TransitionSeconds)
	return final + (initial-final)*left*left
}

// RoundPoolE8s is what one round pays in all, on a supply of supplyE8s, elapsedSeconds after
// genesis. Zero for a DAO that pays no rewards.
func (p SNSRewardParams) RoundPoolE8s(supplyE8s, elapsedSeconds uint64) float64 {
	return float64(supplyE8s) * p.Rate(elapsedSeconds) * float64(p.RoundSeconds) / secondsPerYear
}

// SNSBallot is one neuron's ballot on a settled SNS proposal; Neuron is the id in hex.
type SNSBallot struct {
	Neuron      string `json:"neuron"`
	Voted       bool   `json:"voted"`
	VotingPower uint64 `json:"voting_power"`
}

// SNSSettledProposal is an SNS proposal a reward round settles.
type SNSSettledProposal struct {
	ID      uint64      `json:"id"`
	Ballots []SNSBallot `json:"ballots"`
}

// SNSDistribution is the outcome of one SNS reward round.
type SNSDistribution struct {
	RewardsE8s        map[string]uint64 `json:"rewards_e8s"`
	DistributedE8s    uint64            `json:"distributed_e8s"`
	TotalAvailableE8s uint64            `json:"total_available_e8s"`
	// RolledOver: no proposal settled, the pool waits for the next round.
	RolledOver bool `json:"rolled_over"`
}

// DistributeSNSRewards splits poolE8s over the settled proposals pro rata of the voting power
// each neuron exercised, against all the voting power that could have been exercised (every
// ballot's), so what non-voters forgo is not redistributed:
//
//	reward(n) = floor(pool · Σ_p vp(n,p)·[n voted on p] / Σ_p Σ_b vp(b,p))
func DistributeSNSRewards(poolE8s float64, proposals []SNSSettledProposal) SNSDistribution {
	d := SNSDistribution{RewardsE8s: map[string]uint64{}, TotalAvailableE8s: FloorE8s(poolE8s), RolledOver: len(proposals) == 0}
	exercised := map[string]float64{}
	var total float64
	ps := slices.Clone(proposals)
	slices.SortStableFunc(ps, func(a, b SNSSettledProposal) int { return cmpUint(a.ID, b.ID) })
	for _, p := range ps {
		bs := slices.Clone(p.Ballots)
		slices.SortStableFunc(bs, func(a, b SNSBallot) int { return strings.Compare(a.Neuron, b.Neuron) })
		for _, b := range bs {
			total += float64(b.VotingPower)
			if b.Voted {
				exercised[b.Neuron] += float64(b.VotingPower)
			}
		}
	}
	if total < minTotalWeightedVP || poolE8s <= 0 {
		return d
	}
	for _, n := range slices.Sorted(maps.Keys(exercised)) {
		r := FloorE8s(exercised[n] * poolE8s / total)
		d.RewardsE8s[n] = r
		d.DistributedE8s = saturatingAdd(d.DistributedE8s, r)
	}
	return d
}
