package daemon

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/votebot/votebot/agent"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
)

// laneReload is what a reload gives a running lane.
type laneReload struct {
	lane    *Lane
	dao     config.DAO
	decider bot.PolicyDecider
	opts    bot.Options
}

// prepareLanes resolves the DAOs of cfg (discovery too) with gov and
// builds each running lane's new policy and neurons; it changes nothing.
// A DAO added or removed (or left without neurons) takes a restart: the
// lanes of the running loop are fixed at start.
func (a *App) prepareLanes(ctx context.Context, cfg *config.Config, gov *agent.Governance) ([]laneReload, []restartKey, error) {
	var daos []laneDAO
	if cfg.SNS.Discover || len(cfg.SNS.DAOs) > 0 {
		var err error
		if daos, err = resolveDAOs(ctx, cfg, gov); err != nil {
			return nil, nil, fmt.Errorf("sns: %w", err)
		}
	}
	byRoot := map[string]config.DAO{}
	for _, ld := range daos {
		if len(ld.dao.Neurons) > 0 {
			byRoot[ld.dao.Root] = ld.dao
		}
	}
	var out []laneReload
	var changed []string
	for _, l := range a.lanes {
		d, ok := byRoot[l.Root]
		if !ok {
			changed = append(changed, l.Governance+" removed")
			continue
		}
		delete(byRoot, l.Root)
		out = append(out, laneReload{lane: l, dao: d, decider: laneDecider(cfg, d), opts: a.laneOptions(cfg, d)})
	}
	for root := range byRoot {
		changed = append(changed, root+" added")
	}
	var restart []restartKey
	if len(changed) > 0 {
		slices.Sort(changed)
		restart = append(restart, restartKey{"sns", "DAOs changed (" + strings.Join(changed, ", ") + ")"})
	}
	return out, restart, nil
}

// applyLanes swaps each lane's new neurons and policy in at once, with the
// new clients when gov is set.
func (a *App) applyLanes(lrs []laneReload, gov *agent.Governance) {
	for _, lr := range lrs {
		l := lr.lane
		l.mu.Lock()
		l.dao = lr.dao
		if gov != nil {
			l.gov = l.newGov(gov, a.opts)
		} else {
			l.gov.SetNeurons(neuronIDs(lr.dao))
		}
		g := l.gov
		l.mu.Unlock()
		if gov != nil {
			l.Bot.ReplaceGovernance(g)
		}
		l.Bot.Reload(lr.decider, lr.opts)
	}
}
