// Package snsgov simulates an SNS DAO's governance canister for the devnet: neurons with
// per-principal permissions, proposals with caller ballots, voting, following by topic (the
// catch-all never covering critical topics), wait-for-quiet, eligibility by the minimum
// dissolve delay, reward rounds and settlement, with the real canister's method names, types
// and error texts (shared/spec/sns-governance.md). Time is injected, so tests compress days.
package snsgov

import (
	"fmt"
	"time"

	"github.com/votebot/votebot/sns"
)

// Config is one SNS's parameters: what get_nervous_system_parameters, get_metadata and the
// ledger's icrc1_symbol answer, and the periods the simulation runs on.
type Config struct {
	Name   string // get_metadata name, e.g. "OpenChat"
	Symbol string // the ledger's icrc1_symbol, e.g. "CHAT"

	InitialVotingPeriod time.Duration // default 4 days
	// A critical proposal runs at least CriticalVotingPeriod (default 5 days), and
	// wait-for-quiet extends it at least by CriticalWaitForQuiet (default 2.5 days), as upstream.
	CriticalVotingPeriod       time.Duration
	CriticalWaitForQuiet       time.Duration
	WaitForQuietIncrease       time.Duration // default 1 day
	MinimumDissolveDelayToVote time.Duration // default 30 days
	MaxDissolveDelay           time.Duration // default 8 years
	MaxDissolveDelayBonusPct   uint64        // default 100
	MaxAge                     time.Duration // default 4 years
	MaxAgeBonusPct             uint64        // default 25
	// RoundDuration is a reward round (default 1 day).
	RoundDuration time.Duration
	// RewardRateBasisPoints is the yearly reward rate; 0 pays no voting rewards.
	RewardRateBasisPoints uint64
	// TotalSupplyE8s prices the rounds' reward pools (default 1e8 tokens).
	TotalSupplyE8s uint64
	// Critical lists the critical topics (default: upstream's, sns.TopicID.CriticalByDefault),
	// as list_topics marks them.
	Critical []sns.TopicID
	// Functions are the DAO's custom (generic) functions, by id ≥ 1000.
	Functions []Function
	// Genesis starts round 0 (default: the canister's creation time).
	Genesis time.Time
	// Now is the canister's clock (default time.Now).
	Now func() time.Time
}

// Function is a custom proposal type of one SNS.
type Function struct {
	ID    uint64
	Name  string
	Topic sns.TopicID
}

// Defaults of a new SNS, close to mainnet's common choices.
const (
	DefaultInitialVotingPeriod  = 4 * 24 * time.Hour
	DefaultWaitForQuietIncrease = 24 * time.Hour
	DefaultMinDissolveToVote    = 30 * 24 * time.Hour
	DefaultMaxDissolveDelay     = 8 * 365 * 24 * time.Hour
	DefaultMaxAge               = 4 * 365 * 24 * time.Hour
	DefaultRoundDuration        = 24 * time.Hour
	DefaultTotalSupplyE8s       = 100_000_000 * 100_000_000
	DefaultCriticalVotingPeriod = 5 * 24 * time.Hour
	DefaultCriticalWaitForQuiet = 5 * 24 * time.Hour / 2
)

func (c *Config) setDefaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.InitialVotingPeriod, DefaultInitialVotingPeriod)
	def(&c.CriticalVotingPeriod, DefaultCriticalVotingPeriod)
	def(&c.CriticalWaitForQuiet, DefaultCriticalWaitForQuiet)
	def(&c.WaitForQuietIncrease, DefaultWaitForQuietIncrease)
	def(&c.MinimumDissolveDelayToVote, DefaultMinDissolveToVote)
	def(&c.MaxDissolveDelay, DefaultMaxDissolveDelay)
	def(&c.MaxAge, DefaultMaxAge)
	def(&c.RoundDuration, DefaultRoundDuration)
	if c.MaxDissolveDelayBonusPct == 0 {
		c.MaxDissolveDelayBonusPct = 100
	}
	if c.MaxAgeBonusPct == 0 {
		c.MaxAgeBonusPct = 25
	}
	if c.TotalSupplyE8s == 0 {
		c.TotalSupplyE8s = DefaultTotalSupplyE8s
	}
	if c.Critical == nil {
		for _, t := range sns.Topics() {
			if t.CriticalByDefault() {
				c.Critical = append(c.Critical, t)
			}
		}
	}
	if c.Now == nil {
		c.Now = time.Now
	}
	if c.Symbol == "" {
		c.Symbol = "SNS"
	}
}

func (c *Config) validate() error {
	for _, d := range []time.Duration{c.InitialVotingPeriod, c.CriticalVotingPeriod, c.CriticalWaitForQuiet, c.WaitForQuietIncrease, c.MinimumDissolveDelayToVote,
		c.MaxDissolveDelay, c.MaxAge, c.RoundDuration} {
		if d < 0 {
			return fmt.Errorf("sns %q: a period is negative", c.Name)
		}
	}
	seen := map[uint64]bool{}
	for _, f := range c.Functions {
		switch {
		case f.ID < sns.FirstCustomFunction:
			return fmt.Errorf("sns %q: custom function %d: ids below %d are native", c.Name, f.ID, sns.FirstCustomFunction)
		case seen[f.ID]:
			return fmt.Errorf("sns %q: custom function %d defined twice", c.Name, f.ID)
		case !f.Topic.Known():
			return fmt.Errorf("sns %q: custom function %d: unknown topic %d", c.Name, f.ID, f.Topic)
		}
		seen[f.ID] = true
	}
	return nil
}
