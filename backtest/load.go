package backtest

import (
	"context"
	"fmt"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/policy"
)

// Source is the history a backtest reads; *store.Store implements it.
type Source interface {
	DecisionHistory(ctx context.Context, since time.Time) ([]bot.DecisionRecord, error)
	FollowingFills(ctx context.Context, since time.Time) ([]bot.FollowingFill, error)
	FolloweeVotes(ctx context.Context, since time.Time) ([]bot.FolloweeVote, error)
	StoredProposals(ctx context.Context, since time.Time) ([]policy.Proposal, error)
	Overrides(ctx context.Context) ([]policy.Override, error)
}

// Load reads the history of the proposals created at or after since, as of
// now (History.Until).
func Load(ctx context.Context, src Source, since, now time.Time) (History, error) {
	h := History{Until: now}
	var err error
	if h.Decisions, err = src.DecisionHistory(ctx, since); err != nil {
		return h, fmt.Errorf("backtest: %w", err)
	}
	if h.Fills, err = src.FollowingFills(ctx, since); err != nil {
		return h, fmt.Errorf("backtest: %w", err)
	}
	if h.Votes, err = src.FolloweeVotes(ctx, since); err != nil {
		return h, fmt.Errorf("backtest: %w", err)
	}
	if h.Proposals, err = src.StoredProposals(ctx, since); err != nil {
		return h, fmt.Errorf("backtest: %w", err)
	}
	if h.Overrides, err = src.Overrides(ctx); err != nil {
		return h, fmt.Errorf("backtest: %w", err)
	}
	return h, nil
}
