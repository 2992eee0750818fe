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
// lanes of the running loop are fixed at start. A DAO that does not answer
// keeps its lane, with the neurons the config lists, else those the lane
// has; when discovery fails (discoverErr) the lanes it had found stay as
// they are.
func (a *App) prepareLanes(ctx context.Context, cfg *config.Config, gov *agent.Governance) (lrs []laneReload, restart []restartKey, discoverErr, err error) {
	var daos []laneDAO
	if cfg.SNS.Discover || len(cfg.SNS.DAOs) > 0 {
		if daos, discoverErr, err = resolveDAOs(ctx, cfg, gov); err != nil {
			return nil, nil, nil, fmt.Errorf("sns: %w", err)
		}
	}
	configured := map[string]bool{}
	for _, d := range cfg.SNS.DAOs {
		configured[d.Root] = true
	}
	byRoot := map[string]laneDAO{}
	for _, ld := range daos {
		// As assembleLanes: a DAO that does not answer has a lane.
		if ld.err != nil || len(ld.dao.Neurons) > 0 {
			byRoot[ld.dao.Root] = ld
		}
	}
	var changed []string
	for _, l := range a.lanes {
		ld, ok := byRoot[l.Root]
		switch {
		case !ok && discoverErr != nil && !configured[l.Root]:
			// Found by the discovery that failed now: unchanged.
			ld, ok = laneDAO{dao: l.DAO()}, true
		case !ok:
			changed = append(changed, l.Governance+" removed")
			continue
		}
		delete(byRoot, l.Root)
		d := ld.dao
		if ld.err != nil && len(d.Neurons) == 0 {
			d.Neurons = l.DAO().Neurons // as the lane read them, or none yet
		}
		lrs = append(lrs, laneReload{lane: l, dao: d, decider: laneDecider(cfg, d), opts: a.laneOptions(cfg, d)})
	}
	for root := range byRoot {
		changed = append(changed, root+" added")
	}
	if len(changed) > 0 {
		slices.Sort(changed)
		restart = append(restart, restartKey{"sns", "DAOs changed (" + strings.Join(changed, ", ") + ")"})
	}
	return lrs, restart, discoverErr, nil
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
