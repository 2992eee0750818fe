package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/votebot/votebot/rewards"
)

// MetaSNSFacts is the meta key of an SNS lane's SNSFacts.
const MetaSNSFacts = "sns_facts"

// SNSFacts are what an SNS lane's store says of its DAO, so that `votebot
// report` and the console can name the DAO and price its rewards in its
// token without asking the network. The lane writes them when it reads them
// (get_metadata, icrc1_symbol, get_nervous_system_parameters, the ledger's
// supply); every field may be unknown.
type SNSFacts struct {
	Root   string `json:"root"`             // root canister id
	Name   string `json:"name,omitempty"`   // display name
	Symbol string `json:"symbol,omitempty"` // icrc1_symbol
	// Rewards is voting_rewards_parameters; nil: not read yet. A DAO that
	// pays nothing has zero rates.
	Rewards *rewards.SNSRewardParams `json:"rewards,omitempty"`
	// GenesisAt is when the reward schedule started (the rate falls from
	// it); zero: unknown.
	GenesisAt time.Time `json:"genesis_at,omitempty"`
	// SupplyE8s is the token's total supply; 0: unknown.
	SupplyE8s uint64 `json:"supply_e8s,omitempty"`
	// RoundPoolE8s is what the latest reward round made available
	// (get_latest_reward_event's total_available_e8s_equivalent over the
	// rounds it covers); it prices a round when the supply is unknown.
	RoundPoolE8s uint64    `json:"round_pool_e8s,omitempty"`
	ReadAt       time.Time `json:"read_at,omitempty"`
}

// SetSNSFacts records the lane's facts of its DAO, replacing the last.
func (s *Store) SetSNSFacts(ctx context.Context, f SNSFacts) error {
	raw, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("encode sns facts: %w", err)
	}
	return s.SetMeta(ctx, MetaSNSFacts, string(raw))
}

// SNSFacts returns the facts last recorded; ok is false when none were.
func (s *Store) SNSFacts(ctx context.Context) (f SNSFacts, ok bool, err error) {
	raw, ok, err := s.Meta(ctx, MetaSNSFacts)
	if err != nil || !ok {
		return SNSFacts{}, false, err
	}
	if err := json.Unmarshal([]byte(raw), &f); err != nil {
		return SNSFacts{}, false, fmt.Errorf("read sns facts: %w", err)
	}
	return f, true, nil
}
