package rewards

import (
	"testing"
	"time"
)

const icp = 100_000_000

func TestPotentialVotingPower(t *testing.T) {
	legacy, current := DefaultEconomics(RegimeLegacy), DefaultEconomics(RegimeCurrent)
	tests := []struct {
		name string
		e    Economics
		n    Stake
		want uint64
	}{
		// Seed: 60 ICP + 40 staked maturity, 8-year delay, 2-year age → 225.
		{"seed 225", legacy, Stake{CachedStakeE8s: 60 * icp, StakedMaturityE8s: 40 * icp, DissolveDelaySeconds: 8 * YearSeconds, AgeSeconds: 2 * YearSeconds}, 225 * icp},
		{"legacy fees are deducted", legacy, Stake{CachedStakeE8s: 101 * icp, FeesE8s: 1 * icp, DissolveDelaySeconds: 8 * YearSeconds}, 200 * icp},
		{"legacy maximum 2.5x", legacy, Stake{CachedStakeE8s: 100 * icp, DissolveDelaySeconds: 20 * YearSeconds, AgeSeconds: 9 * YearSeconds}, 250 * icp},
		{"legacy 6 months 1.0625x", legacy, Stake{CachedStakeE8s: 100 * icp, DissolveDelaySeconds: 6 * MonthSeconds}, 10_625_000_000},
		{"legacy gang bonus ignored", legacy, Stake{CachedStakeE8s: 100 * icp, EightYearGangBonusBaseE8s: 100 * icp}, 100 * icp},
		// Current regime: 2 years → ×3, 1 year of age → ×1.0625.
		{"current 2 years x3", current, Stake{CachedStakeE8s: 100 * icp, DissolveDelaySeconds: 2 * YearSeconds}, 300 * icp},
		{"current capped at 2 years", current, Stake{CachedStakeE8s: 100 * icp, DissolveDelaySeconds: 8 * YearSeconds}, 300 * icp},
		{"current 1 year of age x1.0625", current, Stake{CachedStakeE8s: 100 * icp, AgeSeconds: YearSeconds}, 10_625_000_000},
		{"current 1 year delay x1.5", current, Stake{CachedStakeE8s: 100 * icp, DissolveDelaySeconds: YearSeconds}, 150 * icp},
		{"current gang bonus +10%", current, Stake{CachedStakeE8s: 100 * icp, EightYearGangBonusBaseE8s: 100 * icp}, 110 * icp},
		{"current gang bonus capped by stake", current, Stake{CachedStakeE8s: 100 * icp, EightYearGangBonusBaseE8s: 500 * icp}, 110 * icp},
		{"current all bonuses", current, Stake{CachedStakeE8s: 100 * icp, EightYearGangBonusBaseE8s: 50 * icp, DissolveDelaySeconds: 2 * YearSeconds, AgeSeconds: 4 * YearSeconds}, 105 * 3 * 125 * icp / 100},
		{"fees above stake", current, Stake{CachedStakeE8s: 1, FeesE8s: 5}, 0},
		{"huge stake saturates", legacy, Stake{CachedStakeE8s: ^uint64(0), StakedMaturityE8s: ^uint64(0), DissolveDelaySeconds: 8 * YearSeconds}, ^uint64(0)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := PotentialVotingPower(tc.e, tc.n); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
}

func TestEligibleToVote(t *testing.T) {
	if EligibleToVote(DefaultEconomics(RegimeLegacy), 14*DaySeconds) {
		t.Error("legacy: 2 weeks must not be enough")
	}
	if !EligibleToVote(DefaultEconomics(RegimeCurrent), 14*DaySeconds) {
		t.Error("current: 2 weeks must be enough")
	}
}

func TestDecidingVotingPower(t *testing.T) {
	e := DefaultEconomics(RegimeCurrent)
	refreshed := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	start := DecayStarts(e, refreshed)
	cleared := FollowingClearedAt(e, refreshed)
	if got := start.Sub(refreshed); got != time.Duration(6*MonthSeconds)*time.Second {
		t.Fatalf("decay starts after %v, want 6 months", got)
	}
	if got := cleared.Sub(start); got != time.Duration(MonthSeconds)*time.Second {
		t.Fatalf("following cleared %v after decay start, want 1 month", got)
	}
	const potential = 1_000_000
	tests := []struct {
		name string
		now  time.Time
		want uint64
	}{
		{"just refreshed", refreshed, potential},
		{"clock behind refresh", refreshed.Add(-time.Hour), potential},
		{"at decay start", start, potential},
		{"halfway down", start.Add(time.Duration(MonthSeconds/2) * time.Second), potential / 2},
		{"a quarter down", start.Add(time.Duration(MonthSeconds/4) * time.Second), 750_000},
		{"at clearing", cleared, 0},
		{"long after", cleared.Add(1000 * time.Hour), 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := DecidingVotingPower(e, potential, refreshed, tc.now); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
	// Rounding: 3 × 1/2 = 1.5 → 2 (ties to even), 5 × 1/2 = 2.5 → 2.
	half := start.Add(time.Duration(MonthSeconds/2) * time.Second)
	if got := DecidingVotingPower(e, 3, refreshed, half); got != 2 {
		t.Errorf("3 at half: got %d, want 2", got)
	}
	if got := DecidingVotingPower(e, 5, refreshed, half); got != 2 {
		t.Errorf("5 at half: got %d, want 2", got)
	}
}

func TestWithVotingPowerEconomics(t *testing.T) {
	s, c, m := uint64(100), uint64(0), uint64(7)
	e := DefaultEconomics(RegimeCurrent).WithVotingPowerEconomics(&s, &c, &m)
	if e.StartReducingVotingPowerAfterSeconds != 100 || e.MinDissolveDelayToVoteSeconds != 7 {
		t.Fatalf("overrides not applied: %+v", e)
	}
	if e.ClearFollowingAfterSeconds != MonthSeconds {
		t.Fatalf("a zero clear period must keep the default, got %d", e.ClearFollowingAfterSeconds)
	}
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := DefaultEconomics("bogus").Validate(); err == nil {
		t.Fatal("unknown regime must not validate")
	}
	if _, err := ParseRegime("mission70"); err == nil {
		t.Fatal("ParseRegime accepted nonsense")
	}
}
