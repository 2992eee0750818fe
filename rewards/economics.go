// Package rewards is the NNS reward arithmetic shared by the devnet and the
// bot: voting power in both regimes, periodic confirmation, the reward
// schedule, the canister's distribution formula, and the participation
// ledger behind `votebot report`. It is pure: no network, storage or clock.
package rewards

import (
	"fmt"
	"time"
)

// Time units of the governance canister. A year is 365.25 days and a month
// a twelfth of it, exactly as ONE_YEAR_SECONDS / ONE_MONTH_SECONDS.
const (
	DaySeconds   uint64 = 86_400
	YearSeconds  uint64 = 31_557_600
	MonthSeconds uint64 = YearSeconds / 12 // 2,629,800

	// DaysPerYear is the average year length used by the reward schedule.
	DaysPerYear = 365.25

	// MainnetGenesisSeconds is governance genesis on mainnet, 2021-05-10T00:00Z.
	MainnetGenesisSeconds int64 = 1_620_604_800
)

// Regime selects which tokenomics apply.
type Regime string

const (
	// RegimeLegacy is the seed documents' rules: 8-year maximum dissolve
	// delay, 6-month minimum to vote, full reward pool.
	RegimeLegacy Regime = "legacy"
	// RegimeCurrent is "Mission 70" (NNS proposal 141441, 2026-04-17):
	// 2-year maximum, quadratic dissolve bonus, 8-year-gang bonus, 2-week
	// minimum to vote, reward pool scaled down.
	RegimeCurrent Regime = "current"
)

// ParseRegime accepts "legacy" or "current" (empty means current).
func ParseRegime(s string) (Regime, error) {
	switch Regime(s) {
	case RegimeLegacy:
		return RegimeLegacy, nil
	case RegimeCurrent, "":
		return RegimeCurrent, nil
	}
	return "", fmt.Errorf("unknown reward regime %q (want %q or %q)", s, RegimeLegacy, RegimeCurrent)
}

// Economics are the parameters the arithmetic depends on. Values the
// canister publishes (get_network_economics_parameters →
// voting_power_economics) should replace the defaults when available.
type Economics struct {
	Regime Regime `json:"regime"`
	// MaxDissolveDelaySeconds caps the dissolve-delay bonus.
	MaxDissolveDelaySeconds uint64 `json:"max_dissolve_delay_seconds"`
	// MaxAgeSeconds caps the age bonus (4 years in both regimes).
	MaxAgeSeconds uint64 `json:"max_age_seconds"`
	// MinDissolveDelayToVoteSeconds: neurons below it get no ballot
	// (neuron_minimum_dissolve_delay_to_vote_seconds).
	MinDissolveDelayToVoteSeconds uint64 `json:"min_dissolve_delay_to_vote_seconds"`
	// StartReducingVotingPowerAfterSeconds: time after the last refresh
	// during which deciding voting power equals potential voting power.
	StartReducingVotingPowerAfterSeconds uint64 `json:"start_reducing_voting_power_after_seconds"`
	// ClearFollowingAfterSeconds: length of the linear decay to zero, after
	// which following (except NeuronManagement) is cleared.
	ClearFollowingAfterSeconds uint64 `json:"clear_following_after_seconds"`
	// RewardPoolFactor scales the daily reward pool (1 legacy, 0.6329 current).
	RewardPoolFactor float64 `json:"reward_pool_factor"`
	// GenesisSeconds is the Unix time of governance genesis; reward day d
	// starts at GenesisSeconds + d·86400.
	GenesisSeconds int64 `json:"genesis_seconds"`
}

// MissionSeventyPoolFactor is the current regime's reward pool multiplier
// as given by the project spec. (One upstream source revision carries 0.635;
// pass the canister's value in Economics when it differs.)
const MissionSeventyPoolFactor = 0.6329

// DefaultEconomics returns mainnet's parameters for a regime. An unknown
// regime gets the current one's values with that regime name kept, so that
// Validate reports it.
func DefaultEconomics(r Regime) Economics {
	e := Economics{
		Regime:                               r,
		MaxDissolveDelaySeconds:              2 * YearSeconds,
		MaxAgeSeconds:                        4 * YearSeconds,
		MinDissolveDelayToVoteSeconds:        14 * DaySeconds,
		StartReducingVotingPowerAfterSeconds: 6 * MonthSeconds,
		ClearFollowingAfterSeconds:           MonthSeconds,
		RewardPoolFactor:                     MissionSeventyPoolFactor,
		GenesisSeconds:                       MainnetGenesisSeconds,
	}
	if r == RegimeLegacy {
		e.MaxDissolveDelaySeconds = 8 * YearSeconds
		e.MinDissolveDelayToVoteSeconds = 6 * MonthSeconds
		e.RewardPoolFactor = 1
	}
	return e
}

// Validate reports parameters the arithmetic cannot use.
func (e Economics) Validate() error {
	if e.Regime != RegimeLegacy && e.Regime != RegimeCurrent {
		return fmt.Errorf("economics: unknown regime %q", e.Regime)
	}
	if e.MaxDissolveDelaySeconds == 0 || e.MaxAgeSeconds == 0 {
		return fmt.Errorf("economics: max dissolve delay and max age must be positive")
	}
	if e.ClearFollowingAfterSeconds == 0 {
		return fmt.Errorf("economics: clear_following_after_seconds must be positive")
	}
	if !(e.RewardPoolFactor > 0 && e.RewardPoolFactor <= 1) {
		return fmt.Errorf("economics: reward pool factor %v outside (0, 1]", e.RewardPoolFactor)
	}
	return nil
}

// WithVotingPowerEconomics overrides the periodic-confirmation and minimum
// dissolve delay parameters with the canister's published values; nil
// fields (the canister's opt) keep the defaults.
func (e Economics) WithVotingPowerEconomics(startReducing, clearFollowing, minDissolveToVote *uint64) Economics {
	if startReducing != nil {
		e.StartReducingVotingPowerAfterSeconds = *startReducing
	}
	if clearFollowing != nil && *clearFollowing > 0 {
		e.ClearFollowingAfterSeconds = *clearFollowing
	}
	if minDissolveToVote != nil {
		e.MinDissolveDelayToVoteSeconds = *minDissolveToVote
	}
	return e
}

// Genesis is GenesisSeconds as a time.
func (e Economics) Genesis() time.Time { return time.Unix(e.GenesisSeconds, 0).UTC() }

// DayAfterGenesis is the reward day index containing t (0 before genesis).
func (e Economics) DayAfterGenesis(t time.Time) int {
	s := t.Unix() - e.GenesisSeconds
	if s < 0 {
		return 0
	}
	return int(uint64(s) / DaySeconds)
}

// DayStart is the moment reward day d begins.
func (e Economics) DayStart(day int) time.Time {
	return e.Genesis().Add(time.Duration(day) * 24 * time.Hour)
}
