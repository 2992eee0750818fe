package rewards

import (
	"math"
	"testing"
	"time"
)

func near(a, b, rel float64) bool { return math.Abs(a-b) <= rel*math.Max(math.Abs(a), math.Abs(b)) }

func TestAnnualRate(t *testing.T) {
	tests := []struct {
		day  int
		want float64
	}{
		{0, 0.10},    // R(t) = 10% at genesis
		{2922, 0.05}, // 5% after 8 years
		{5000, 0.05}, // and flat afterwards
		{1461, 0.0625},
		{-3, 0.10},
	}
	for _, tc := range tests {
		if got := AnnualRate(tc.day); !near(got, tc.want, 1e-12) {
			t.Errorf("R(day %d) = %v, want %v", tc.day, got, tc.want)
		}
	}
	for d := 1; d < 2922; d++ {
		if AnnualRate(d) >= AnnualRate(d-1) {
			t.Fatalf("rate not decreasing at day %d", d)
		}
	}
}

func TestDailyPool(t *testing.T) {
	legacy, current := DefaultEconomics(RegimeLegacy), DefaultEconomics(RegimeCurrent)
	// Canister test vector: 365,250 e8s of supply → exactly 100 e8s on day 0.
	if got := DailyPoolE8s(legacy, 0, 365_250); FloorE8s(got) != 100 {
		t.Fatalf("legacy day-0 pool = %v, want 100", got)
	}
	if got := current.RewardPoolFactor; got != 0.6329 {
		t.Fatalf("current pool factor %v, want 0.6329", got)
	}
	for _, day := range []int{0, 100, 2922, 4000} {
		l, c := RewardFraction(RegimeLegacy, day), RewardFraction(RegimeCurrent, day)
		if !near(c, 0.6329*l, 1e-15) {
			t.Errorf("day %d: current %v is not 0.6329 × legacy %v", day, c, l)
		}
	}
	// Seed: pool = supply × R(t) / 365.25.
	supply := uint64(500_000_000 * icp)
	if got, want := DailyPoolE8s(legacy, 2922, supply), float64(supply)*0.05/365.25; !near(got, want, 1e-12) {
		t.Errorf("flat pool %v, want %v", got, want)
	}
	// An event covering two days with a rollover.
	two := EventPoolE8s(legacy, 0, 2, 365_250, 7)
	if want := DailyPoolE8s(legacy, 0, 365_250) + DailyPoolE8s(legacy, 1, 365_250) + 7; !near(two, want, 1e-12) {
		t.Errorf("two-day pool %v, want %v", two, want)
	}
}

func TestExpectedRewards(t *testing.T) {
	e := DefaultEconomics(RegimeLegacy)
	if got := ExpectedDailyRewardE8s(1000, 20, 100, 1); got != 200 {
		t.Errorf("full participation: %v, want 200", got)
	}
	if got := ExpectedDailyRewardE8s(1000, 20, 100, 0.5); got != 100 {
		t.Errorf("half participation: %v, want 100", got)
	}
	if got := ExpectedDailyRewardE8s(1000, 20, 0, 1); got != 0 {
		t.Errorf("zero total: %v, want 0", got)
	}
	if got := ExpectedDailyRewardE8s(1000, 20, 100, math.NaN()); got != 0 {
		t.Errorf("NaN participation: %v, want 0", got)
	}
	// After day 2922 the rate is flat: a year is 365.25 equal days, 5%.
	supply := uint64(1_000_000 * icp)
	got := ExpectedYearlyRewardE8s(e, 3000, supply, 1, 1, 1)
	if want := 0.05 * float64(supply); !near(got, want, 1e-9) {
		t.Errorf("yearly %v, want %v", got, want)
	}
}

func TestDayAfterGenesis(t *testing.T) {
	e := DefaultEconomics(RegimeCurrent)
	if got := e.DayAfterGenesis(time.Date(2021, 5, 11, 12, 0, 0, 0, time.UTC)); got != 1 {
		t.Errorf("got %d, want 1", got)
	}
	if got := e.DayAfterGenesis(time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)); got != 0 {
		t.Errorf("before genesis: got %d, want 0", got)
	}
	if got := e.DayStart(1); !got.Equal(time.Date(2021, 5, 11, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("day 1 starts %v", got)
	}
}
