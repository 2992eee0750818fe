package rewards

// The reward schedule follows the canister's floating-point arithmetic step
// by step (rewards_pool_to_distribute_in_supply_fraction_for_one_day), so
// that the devnet's pools match mainnet's to the last bit: the rate at the
// start of the day times one day, no integration.

const (
	initialRatePerDay = 0.10 / DaysPerYear // R = 10% per year at genesis
	finalRatePerDay   = 0.05 / DaysPerYear // R = 5% per year from day 2922 on
	flatteningDay     = 8 * DaysPerYear    // 2922
)

// AnnualRate is R(t) for reward day d, as a fraction of supply per year:
// 5% + 5%·((2922 − d)/2922)² until day 2922, 5% afterwards. It is the legacy
// rate; the current regime pays RewardPoolFactor times it.
func AnnualRate(day int) float64 {
	return ratePerDay(day) * DaysPerYear
}

// ratePerDay is the unscaled rate for day d, computed as the canister does.
func ratePerDay(day int) float64 {
	if day < 0 {
		day = 0
	}
	t := float64(day)
	variable := 0.0
	if t <= flatteningDay {
		closeness := (t - flatteningDay) / (0 - flatteningDay)
		variable = closeness * closeness * (initialRatePerDay - finalRatePerDay)
	}
	return finalRatePerDay + variable
}

// RewardFraction is the share of the total supply paid out for reward day
// d under a regime's default pool factor (1 legacy, 0.6329 current).
func RewardFraction(r Regime, day int) float64 {
	return DefaultEconomics(r).DailyFraction(day)
}

// DailyFraction is the share of the supply paid out for reward day d with
// this economics' pool factor.
func (e Economics) DailyFraction(day int) float64 {
	return e.RewardPoolFactor * ratePerDay(day) * 1.0
}

// DailyPoolE8s is the reward pool for one day: supply × fraction(d). A
// supply of 365,250 e8s gives exactly 100 e8s on day 0 (legacy).
func DailyPoolE8s(e Economics, day int, supplyE8s uint64) float64 {
	return float64(supplyE8s) * e.DailyFraction(day)
}

// EventPoolE8s is what a reward event has to distribute when it covers the
// days [fromDay, toDay) (usually one): supply × Σ fraction(d) plus what the
// previous event rolled over because it settled no proposal.
func EventPoolE8s(e Economics, fromDay, toDay int, supplyE8s, rolledOverE8s uint64) float64 {
	fraction := 0.0
	for d := fromDay; d < toDay; d++ {
		fraction += e.DailyFraction(d)
	}
	return float64(supplyE8s)*fraction + float64(rolledOverE8s)
}

// ExpectedDailyRewardE8s is the maturity a neuron can expect for one day's
// pool: pool × participation × vp / totalVP, where participation is its
// weighted participation in [0, 1] and totalVP the total potential voting
// power of the network. Zero when totalVP is zero.
func ExpectedDailyRewardE8s(poolE8s float64, vp, totalVP uint64, participation float64) float64 {
	if totalVP == 0 || poolE8s <= 0 {
		return 0
	}
	participation = clamp01(participation)
	return poolE8s * participation * float64(vp) / float64(totalVP)
}

// ExpectedYearlyRewardE8s sums ExpectedDailyRewardE8s over the 365.25 days
// starting at reward day d, holding supply, voting power and participation
// constant (the schedule's decline is accounted for).
func ExpectedYearlyRewardE8s(e Economics, day int, supplyE8s, vp, totalVP uint64, participation float64) float64 {
	total := 0.0
	for i := range 365 {
		total += ExpectedDailyRewardE8s(DailyPoolE8s(e, day+i, supplyE8s), vp, totalVP, participation)
	}
	total += 0.25 * ExpectedDailyRewardE8s(DailyPoolE8s(e, day+365, supplyE8s), vp, totalVP, participation)
	return total
}

func clamp01(x float64) float64 {
	if !(x > 0) { // also NaN
		return 0
	}
	if x > 1 {
		return 1
	}
	return x
}
