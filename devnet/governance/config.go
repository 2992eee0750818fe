// Package governance is the devnet's NNS governance canister: neurons,
// proposals, ballots, following, wait-for-quiet, decisions and reward
// events, following the rules of the real canister
// (rs/nns/governance in dfinity/ic) with every period configurable and the
// clock injected, so that tests and scenarios can compress days into
// seconds. Voting power and reward arithmetic come from package rewards.
package governance

import (
	"fmt"
	"github.com/rs/zerolog"
	"time"

	"github.com/votebot/votebot/rewards"
)

// Config holds the canister's parameters. Zero values take mainnet's
// defaults (see withDefaults).
type Config struct {
	// Economics selects the regime and its voting-power parameters.
	Economics rewards.Economics
	// VotingPeriod is the initial voting period of a proposal (4 days).
	VotingPeriod time.Duration
	// ShortVotingPeriod applies to ExchangeRate proposals (12 hours).
	ShortVotingPeriod time.Duration
	// WaitForQuietIncrease is W in the wait-for-quiet rule (2 days).
	WaitForQuietIncrease time.Duration
	// RewardPeriod is the length of a reward "day" (1 day); reward events
	// happen on its boundaries counted from Economics.GenesisSeconds.
	RewardPeriod time.Duration
	// TotalSupplyE8s is the ICP supply the reward pool is a fraction of.
	TotalSupplyE8s uint64
	// RejectCostE8s is reported as reject_cost_e8s (25 ICP).
	RejectCostE8s uint64
	// NeuronMinimumStakeE8s is reported in the network economics (1 ICP).
	NeuronMinimumStakeE8s uint64
	// MinDissolveDelayToPropose is what a proposer needs (6 months).
	MinDissolveDelayToPropose time.Duration
	// Now is the governance clock; nil means time.Now.
	Now func() time.Time
	// Log receives the scenario's events at info: proposals made and decided, reward events,
	// following cleared. The zero Logger logs nothing.
	Log zerolog.Logger
}

// Mainnet defaults.
const (
	DefaultVotingPeriod         = 4 * 24 * time.Hour
	DefaultShortVotingPeriod    = 12 * time.Hour
	DefaultWaitForQuietIncrease = 2 * 24 * time.Hour
	DefaultRewardPeriod         = 24 * time.Hour
	// DefaultTotalSupplyE8s is roughly mainnet's supply (about 540 M ICP).
	DefaultTotalSupplyE8s uint64 = 540_000_000 * 100_000_000
	e8                           = 100_000_000
)

// DefaultConfig is mainnet's configuration in the current regime.
func DefaultConfig() Config { return Config{}.withDefaults() }

func (c Config) withDefaults() Config {
	if c.Economics.Regime == "" {
		c.Economics = rewards.DefaultEconomics(rewards.RegimeCurrent)
	}
	setDefault(&c.VotingPeriod, DefaultVotingPeriod)
	setDefault(&c.ShortVotingPeriod, DefaultShortVotingPeriod)
	setDefault(&c.WaitForQuietIncrease, DefaultWaitForQuietIncrease)
	setDefault(&c.RewardPeriod, DefaultRewardPeriod)
	setDefault(&c.MinDissolveDelayToPropose, time.Duration(6*rewards.MonthSeconds)*time.Second)
	if c.TotalSupplyE8s == 0 {
		c.TotalSupplyE8s = DefaultTotalSupplyE8s
	}
	if c.RejectCostE8s == 0 {
		c.RejectCostE8s = 25 * e8
	}
	if c.NeuronMinimumStakeE8s == 0 {
		c.NeuronMinimumStakeE8s = e8
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	return c
}

func setDefault(d *time.Duration, v time.Duration) {
	if *d == 0 {
		*d = v
	}
}

// Validate reports a configuration the canister cannot run with.
func (c Config) Validate() error {
	if err := c.Economics.Validate(); err != nil {
		return err
	}
	for name, d := range map[string]time.Duration{
		"voting_period": c.VotingPeriod, "short_voting_period": c.ShortVotingPeriod,
		"reward_period": c.RewardPeriod,
	} {
		if d < time.Second {
			return fmt.Errorf("governance config: %s %v is shorter than one second", name, d)
		}
	}
	if c.WaitForQuietIncrease < 0 {
		return fmt.Errorf("governance config: wait_for_quiet_increase is negative")
	}
	return nil
}

// seconds converts a period to whole seconds as the canister counts them.
func seconds(d time.Duration) uint64 {
	if d <= 0 {
		return 0
	}
	return uint64(d / time.Second)
}
