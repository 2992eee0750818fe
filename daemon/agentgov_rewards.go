package daemon

import (
	"context"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/store"
)

var (
	_ bot.RewardEventReader = AgentGov{}
	_ bot.SupplyReader      = AgentGov{}
	_ bot.StatusStore       = (*store.Store)(nil)
)

// LedgerSupply implements bot.SupplyReader: the ICP ledger's total supply,
// which prices rewards in `votebot report`.
func (a AgentGov) LedgerSupply(ctx context.Context) (nns.LedgerSupply, error) {
	return a.C.LedgerSupply(ctx)
}

// LatestRewardEvent implements bot.RewardEventReader:
// get_latest_reward_event, for the reward audit.
func (a AgentGov) LatestRewardEvent(ctx context.Context) (bot.RewardEvent, error) {
	ev, err := a.C.GetLatestRewardEvent(ctx)
	if err != nil {
		return bot.RewardEvent{}, err
	}
	out := bot.RewardEvent{Day: ev.DayAfterGenesis, PoolE8s: ev.TotalAvailableE8sEquivalent,
		At: time.Unix(int64(ev.ActualTimestampSeconds), 0).UTC()}
	for _, id := range ev.SettledProposals {
		out.Settled = append(out.Settled, id.Id)
	}
	return out, nil
}
