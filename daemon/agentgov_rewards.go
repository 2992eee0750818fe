package daemon

import (
	"context"
	"time"

	"github.com/votebot/votebot/bot"
)

var _ bot.RewardEventReader = AgentGov{}

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
