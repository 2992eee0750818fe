package rewards

import (
	"math"
	"testing"
)

func TestSNSVotingPower(t *testing.T) {
	const year = 365 * 24 * 3600
	p := SNSVotingPowerParams{MaxDissolveDelaySeconds: 8 * year, MaxDissolveDelayBonusPct: 100, MaxAgeSeconds: 4 * year, MaxAgeBonusPct: 25}
	tests := []struct {
		name string
		n    SNSStake
		want uint64
	}{
		{"no bonus", SNSStake{CachedStakeE8s: 1000, MultiplierPct: 100}, 1000},
		{"full dissolve bonus doubles", SNSStake{CachedStakeE8s: 1000, DissolveDelaySeconds: 8 * year, MultiplierPct: 100}, 2000},
		{"delay over the max counts as the max", SNSStake{CachedStakeE8s: 1000, DissolveDelaySeconds: 20 * year, MultiplierPct: 100}, 2000},
		{"half delay, full age", SNSStake{CachedStakeE8s: 1000, DissolveDelaySeconds: 4 * year, AgeSeconds: 4 * year, MultiplierPct: 100}, 1875},
		{"fees out, staked maturity in", SNSStake{CachedStakeE8s: 1000, FeesE8s: 100, StakedMaturityE8s: 50, MultiplierPct: 100}, 950},
		{"multiplier", SNSStake{CachedStakeE8s: 1000, MultiplierPct: 50}, 500},
		{"zero multiplier", SNSStake{CachedStakeE8s: 1000}, 0},
		{"fees above stake", SNSStake{CachedStakeE8s: 10, FeesE8s: 100, MultiplierPct: 100}, 0},
		{"huge stake saturates", SNSStake{CachedStakeE8s: math.MaxUint64, DissolveDelaySeconds: 8 * year, MultiplierPct: 100}, math.MaxUint64},
	}
	for _, tt := range tests {
		if got := SNSVotingPower(p, tt.n); got != tt.want {
			t.Errorf("%s: %d, want %d", tt.name, got, tt.want)
		}
	}
	if got := SNSVotingPower(SNSVotingPowerParams{}, SNSStake{CachedStakeE8s: 7, DissolveDelaySeconds: 5, MultiplierPct: 100}); got != 7 {
		t.Errorf("zero maxima: %d, want the stake", got)
	}
}

func TestSNSRewardRate(t *testing.T) {
	p := SNSRewardParams{InitialRateBasisPoints: 1000, FinalRateBasisPoints: 250, TransitionSeconds: 100, RoundSeconds: 86400}
	for _, c := range []struct {
		at   uint64
		want float64
	}{{0, 0.10}, {50, 0.025 + 0.075*0.25}, {100, 0.025}, {1000, 0.025}} {
		if got := p.Rate(c.at); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("Rate(%d) = %v, want %v", c.at, got, c.want)
		}
	}
	if got, want := p.RoundPoolE8s(365.25*1e8, 1000), 0.025*1e8; math.Abs(got-want) > 1e-6 {
		t.Errorf("RoundPoolE8s = %v, want %v", got, want)
	}
	if (SNSRewardParams{RoundSeconds: 86400}).RoundPoolE8s(1e16, 0) != 0 {
		t.Error("a DAO with rates 0 pays")
	}
}

func TestDistributeSNSRewards(t *testing.T) {
	d := DistributeSNSRewards(1000, []SNSSettledProposal{
		{ID: 2, Ballots: []SNSBallot{{"aa", true, 100}, {"bb", false, 100}}},
		{ID: 1, Ballots: []SNSBallot{{"aa", true, 100}, {"bb", true, 100}, {"cc", false, 600}}},
	})
	// total 1000 vp; aa exercised 200, bb 100, cc 0
	if d.RewardsE8s["aa"] != 200 || d.RewardsE8s["bb"] != 100 || d.RewardsE8s["cc"] != 0 || d.DistributedE8s != 300 {
		t.Errorf("distribution %+v", d)
	}
	if _, ok := d.RewardsE8s["cc"]; ok {
		t.Error("a neuron that voted nothing is listed")
	}
	if d := DistributeSNSRewards(1000, nil); !d.RolledOver || d.DistributedE8s != 0 {
		t.Errorf("no settled proposal: %+v", d)
	}
	if d := DistributeSNSRewards(0, []SNSSettledProposal{{ID: 1, Ballots: []SNSBallot{{"aa", true, 5}}}}); d.DistributedE8s != 0 || d.RolledOver {
		t.Errorf("a DAO paying nothing: %+v", d)
	}
}
