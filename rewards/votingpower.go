package rewards

import (
	"math/big"
	"time"
)

// Stake is what a neuron's voting power is computed from, as the canister
// reports it in Neuron / NeuronInfo.
type Stake struct {
	CachedStakeE8s            uint64 `json:"cached_neuron_stake_e8s"`
	FeesE8s                   uint64 `json:"neuron_fees_e8s"`
	StakedMaturityE8s         uint64 `json:"staked_maturity_e8s_equivalent"`
	EightYearGangBonusBaseE8s uint64 `json:"eight_year_gang_bonus_base_e8s"`
	DissolveDelaySeconds      uint64 `json:"dissolve_delay_seconds"`
	AgeSeconds                uint64 `json:"age_seconds"`
}

// VotingStakeE8s is cached stake − fees + staked maturity, saturating like
// the canister (fees never make it negative, the sum never wraps).
func (s Stake) VotingStakeE8s() uint64 {
	stake := uint64(0)
	if s.CachedStakeE8s > s.FeesE8s {
		stake = s.CachedStakeE8s - s.FeesE8s
	}
	if sum := stake + s.StakedMaturityE8s; sum >= stake {
		return sum
	}
	return ^uint64(0)
}

// EligibleToVote reports whether a neuron with this dissolve delay gets a
// ballot on new proposals.
func EligibleToVote(e Economics, dissolveDelaySeconds uint64) bool {
	return dissolveDelaySeconds >= e.MinDissolveDelayToVoteSeconds
}

// PotentialVotingPower is the neuron's voting power before periodic
// confirmation is applied, in integer e8s with every division truncating,
// in the canister's order (stake, then dissolve bonus, then age bonus).
//
//	legacy:  stake·(1 + d/8y)·(1 + a/4y/4)
//	current: (stake + min(gang, stake)/10)·(1 + 2·(d/2y)²)·(1 + a/4y/4)
//
// with d and a capped at the maximum dissolve delay and age. It does not
// check the minimum dissolve delay to vote: see EligibleToVote.
func PotentialVotingPower(e Economics, n Stake) uint64 {
	if e.MaxDissolveDelaySeconds == 0 || e.MaxAgeSeconds == 0 {
		return 0
	}
	stake := new(big.Int).SetUint64(n.VotingStakeE8s())
	maxD := new(big.Int).SetUint64(e.MaxDissolveDelaySeconds)
	d := new(big.Int).SetUint64(min(n.DissolveDelaySeconds, e.MaxDissolveDelaySeconds))
	a := new(big.Int).SetUint64(min(n.AgeSeconds, e.MaxAgeSeconds))

	var dStake *big.Int
	if e.Regime == RegimeLegacy {
		// stake + stake·d/maxD
		bonus := new(big.Int).Mul(stake, d)
		bonus.Quo(bonus, maxD)
		dStake = bonus.Add(bonus, stake)
	} else {
		gang := new(big.Int).SetUint64(min(n.EightYearGangBonusBaseE8s, n.VotingStakeE8s()))
		base := gang.Quo(gang, big.NewInt(10))
		base.Add(base, stake)
		// base + 2·base·d²/maxD²
		bonus := new(big.Int).Mul(base, d)
		bonus.Mul(bonus, d)
		bonus.Lsh(bonus, 1)
		bonus.Quo(bonus, new(big.Int).Mul(maxD, maxD))
		dStake = bonus.Add(bonus, base)
	}
	// dStake + dStake·a/(4·maxAge)
	ageBonus := new(big.Int).Mul(dStake, a)
	ageBonus.Quo(ageBonus, new(big.Int).SetUint64(4*e.MaxAgeSeconds))
	vp := ageBonus.Add(ageBonus, dStake)
	if !vp.IsUint64() {
		return ^uint64(0)
	}
	return vp.Uint64()
}

// DecisionFactor is the periodic-confirmation multiplier in [0, 1]: 1 until
// StartReducingVotingPowerAfterSeconds after the last refresh, then falling
// linearly to 0 over ClearFollowingAfterSeconds.
func DecisionFactor(e Economics, refreshedAt, now time.Time) float64 {
	num, den := decisionFraction(e, refreshedAt, now)
	return float64(num) / float64(den)
}

// decisionFraction returns DecisionFactor as num/den with den > 0.
func decisionFraction(e Economics, refreshedAt, now time.Time) (num, den uint64) {
	clear := max(e.ClearFollowingAfterSeconds, 1)
	elapsed := uint64(0)
	if now.After(refreshedAt) {
		elapsed = uint64(now.Unix() - refreshedAt.Unix())
	}
	if elapsed <= e.StartReducingVotingPowerAfterSeconds {
		return 1, 1
	}
	over := elapsed - e.StartReducingVotingPowerAfterSeconds
	if over >= clear {
		return 0, 1
	}
	return clear - over, clear
}

// DecidingVotingPower is potential × DecisionFactor, rounded to the nearest
// e8 (ties to even). Ballots on new proposals carry this value.
func DecidingVotingPower(e Economics, potential uint64, refreshedAt, now time.Time) uint64 {
	num, den := decisionFraction(e, refreshedAt, now)
	if num == den {
		return potential
	}
	p := new(big.Int).Mul(new(big.Int).SetUint64(potential), new(big.Int).SetUint64(num))
	q, r := p.QuoRem(p, new(big.Int).SetUint64(den), new(big.Int))
	twice := r.Lsh(r, 1).Cmp(new(big.Int).SetUint64(den))
	if twice > 0 || (twice == 0 && q.Bit(0) == 1) {
		q.Add(q, big.NewInt(1))
	}
	return q.Uint64()
}

// DecayStarts is when deciding voting power starts to fall below potential
// if nothing refreshes the neuron.
func DecayStarts(e Economics, refreshedAt time.Time) time.Time {
	return refreshedAt.Add(secondsDuration(e.StartReducingVotingPowerAfterSeconds))
}

// FollowingClearedAt is when deciding voting power reaches zero and the
// canister clears the neuron's following (all topics but NeuronManagement).
func FollowingClearedAt(e Economics, refreshedAt time.Time) time.Time {
	return DecayStarts(e, refreshedAt).Add(secondsDuration(e.ClearFollowingAfterSeconds))
}

func secondsDuration(s uint64) time.Duration {
	const maxSeconds = uint64(1<<63-1) / uint64(time.Second)
	return time.Duration(min(s, maxSeconds)) * time.Second
}
