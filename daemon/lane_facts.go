package daemon

import (
	"context"
	"time"

	"github.com/votebot/votebot/rewards"
	"github.com/votebot/votebot/store"
)

// recordFacts writes what report and the console show of the DAO into its
// store: its name and token, and what prices its rewards (the reward
// parameters, when the schedule started, the latest round's pool). A read
// that fails leaves that fact unknown: only what is shown needs it. A DAO
// that has not answered since start has none yet (resolve records them).
func (l *Lane) recordFacts(ctx context.Context, now time.Time) {
	l.mu.Lock()
	resolved, symbol, g := l.resolved, l.symbol, l.gov
	l.mu.Unlock()
	if !resolved {
		return
	}
	c, err := g.client(ctx)
	if err != nil {
		return
	}
	f := store.SNSFacts{Root: l.Root, Name: l.Governance, Symbol: symbol, ReadAt: now.UTC()}
	params, err := c.GetNervousSystemParameters(ctx)
	if err != nil {
		l.log.Warn().Err(err).Msg("sns: the DAO's reward parameters could not be read")
	}
	var roundSeconds uint64
	if vr := params.VotingRewardsParameters; err == nil && vr != nil {
		p := rewards.SNSRewardParams{InitialRateBasisPoints: deref(vr.InitialRewardRateBasisPoints),
			FinalRateBasisPoints: deref(vr.FinalRewardRateBasisPoints),
			TransitionSeconds:    deref(vr.RewardRateTransitionDurationSeconds), RoundSeconds: deref(vr.RoundDurationSeconds)}
		f.Rewards, roundSeconds = &p, p.RoundSeconds
	} else if err == nil {
		f.Rewards = &rewards.SNSRewardParams{} // no voting rewards parameters: the DAO pays none
	}
	if ev, err := c.GetLatestRewardEvent(ctx); err != nil {
		l.log.Warn().Err(err).Msg("sns: the DAO's latest reward event could not be read")
	} else {
		// Round r ends at genesis + r·round: the schedule's start.
		if end := deref(ev.EndTimestampSeconds); end > 0 && roundSeconds > 0 && ev.Round*roundSeconds <= end {
			f.GenesisAt = time.Unix(int64(end-ev.Round*roundSeconds), 0).UTC()
		}
		if pool, rounds := deref(ev.TotalAvailableE8sEquivalent), max(deref(ev.RoundsSinceLastDistribution), 1); pool > 0 {
			f.RoundPoolE8s = pool / rounds
		}
	}
	if err := l.Store.SetSNSFacts(ctx, f); err != nil {
		l.log.Warn().Err(err).Msg("sns: the DAO's facts could not be recorded")
	}
}

func deref(p *uint64) uint64 {
	if p == nil {
		return 0
	}
	return *p
}
