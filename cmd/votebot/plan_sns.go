package main

import (
	"context"
	"fmt"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/agent"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
)

// planLane is what plan needs of one SNS lane: its governance adapter,
// its policy, its neurons and its store (for the overrides and the votes
// votebot cast there).
type planLane struct {
	Name      string
	Gov       bot.Governance
	Decider   bot.Decider
	Neurons   []bot.NeuronConfig
	StorePath string
}

// planLanes plans every SNS lane after the NNS: the DAO's open proposals,
// decided by its policy with the overrides in its own store. A DAO that
// cannot be read is reported and skipped, not fatal: the NNS plan and the
// other DAOs still show.
func planLanes(ctx context.Context, lanes []planLane, now time.Time) ([]bot.BallotPlan, []*bot.Blocker, []error) {
	var plans []bot.BallotPlan
	var blocked []*bot.Blocker
	var errs []error
	for _, l := range lanes {
		overrides, err := storedOverrides(ctx, l.StorePath)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", l.Name, err))
			continue
		}
		ps, bs, err := bot.PlanOnce(ctx, l.Gov, l.Decider, l.Neurons, overrides, now)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", l.Name, err))
			continue
		}
		if err := markCast(ctx, l.StorePath, ps); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", l.Name, err))
			continue
		}
		plans, blocked = append(plans, ps...), append(blocked, bs...)
	}
	return plans, blocked, errs
}

// anySNS reports whether a row is of an SNS proposal.
func anySNS(rows []planRow) bool {
	for _, r := range rows {
		if r.Governance != "" {
			return true
		}
	}
	return false
}

// governanceName is "NNS" for the NNS, else the DAO's name.
func governanceName(g string) string {
	if g == "" {
		return "NNS"
	}
	return g
}

// connectPlanLanes resolves the configured SNS lanes over gov's identity,
// as the daemon assembles them; a failed discovery is a warning, as the
// daemon votes the configured DAOs then.
func connectPlanLanes(ctx context.Context, cfg *config.Config, gov *agent.Governance, log zerolog.Logger) ([]planLane, error) {
	pls, discoverErr, err := daemon.PlanLanes(ctx, cfg, gov)
	if err != nil {
		return nil, err
	}
	if discoverErr != nil {
		log.Warn().Err(discoverErr).Msg("sns discovery failed: only the DAOs configured under sns.daos are planned")
	}
	out := make([]planLane, len(pls))
	for i, pl := range pls {
		out[i] = planLane{Name: pl.Name, Gov: pl.Gov, Decider: pl.Decider, Neurons: pl.Neurons, StorePath: pl.StorePath}
	}
	return out, nil
}
