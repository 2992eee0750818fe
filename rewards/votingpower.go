package rewards

import (
	"math/bits"
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
	v := vpInputs{
		stake: n.VotingStakeE8s(),
		gang:  min(n.EightYearGangBonusBaseE8s, n.VotingStakeE8s()) / 10,
		d:     min(n.DissolveDelaySeconds, e.MaxDissolveDelaySeconds),
		a:     min(n.AgeSeconds, e.MaxAgeSeconds),
	}
	if vp, ok := v.narrow(e); ok {
		return vp
	}
	return v.wide(e)
}

// vpInputs are PotentialVotingPower's operands: the voting stake, the
// eight-year-gang bonus (a tenth of the capped base) and the capped delay
// and age.
type vpInputs struct{ stake, gang, d, a uint64 }

// narrow computes the voting power in 128-bit arithmetic, one hardware
// division per step, for every realistic neuron (the ballot snapshot runs
// it for every neuron). It reports false when an intermediate value does
// not fit; wide then computes the same exact floors.
func (v vpInputs) narrow(e Economics) (uint64, bool) {
	maxD, maxA := e.MaxDissolveDelaySeconds, e.MaxAgeSeconds
	var dStake, carry uint64
	if e.Regime == RegimeLegacy {
		// stake + stake·d/maxD; d ≤ maxD, so the quotient fits (hi < maxD).
		hi, lo := bits.Mul64(v.stake, v.d)
		bonus, _ := bits.Div64(hi, lo, maxD)
		dStake, carry = bits.Add64(bonus, v.stake, 0)
	} else {
		// base + 2·base·d²/maxD², with maxD² and d² in 64 bits.
		base, c := bits.Add64(v.stake, v.gang, 0)
		if c != 0 || maxD >= 1<<32 {
			return 0, false
		}
		hi, lo := bits.Mul64(base, v.d*v.d)
		if hi >= 1<<63 || hi<<1|lo>>63 >= maxD*maxD {
			return 0, false
		}
		bonus, _ := bits.Div64(hi<<1|lo>>63, lo<<1, maxD*maxD)
		dStake, carry = bits.Add64(bonus, base, 0)
	}
	if carry != 0 || maxA >= 1<<62 {
		return 0, false
	}
	// dStake + dStake·a/(4·maxAge)
	hi, lo := bits.Mul64(dStake, v.a)
	if hi >= 4*maxA {
		return 0, false
	}
	bonus, _ := bits.Div64(hi, lo, 4*maxA)
	if vp, carry := bits.Add64(bonus, dStake, 0); carry == 0 {
		return vp, true
	}
	return ^uint64(0), true // saturates, like the canister
}

// wide computes the voting power for any inputs in 256-bit arithmetic.
func (v vpInputs) wide(e Economics) uint64 {
	maxD := e.MaxDissolveDelaySeconds
	var dStake wide // < 2^66: at most 1.1 × 3 × stake
	if e.Regime == RegimeLegacy {
		// stake + stake·d/maxD
		dStake = wideOf(v.stake).mul(v.d).div(maxD).add(wideOf(v.stake))
	} else {
		base := wideOf(v.stake).add(wideOf(v.gang))
		// base + 2·base·d²/maxD², dividing by maxD twice (⌊⌊x/m⌋/m⌋ = ⌊x/m²⌋)
		dStake = base.mul(v.d).mul(v.d).mul(2).div(maxD).div(maxD).add(base)
	}
	// dStake + dStake·a/(4·maxAge), dividing by maxAge and then by 4
	return dStake.mul(v.a).div(e.MaxAgeSeconds).div(4).add(dStake).saturated()
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
	return mulFraction(potential, num, den)
}

// mulFraction is x·num/den rounded to the nearest integer, ties to even,
// for num ≤ den and den > 0.
func mulFraction(x, num, den uint64) uint64 {
	if num == den {
		return x
	}
	// num < den, so the quotient is below x and hi < den.
	hi, lo := bits.Mul64(x, num)
	q, r := bits.Div64(hi, lo, den)
	// Compare 2r with den without overflowing 2r.
	if r > den-r || (r == den-r && q&1 == 1) {
		q++
	}
	return q
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
