package daemon

import (
	"context"
	"fmt"

	"github.com/votebot/votebot/agent"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
)

// PlanLane is one SNS lane as `votebot plan` plans it: the DAO's governance
// adapter, policy and neurons as the daemon's lane has them, and the
// lane's store file (its overrides, the votes votebot cast).
type PlanLane struct {
	Name, Root string
	Gov        bot.Governance
	Decider    bot.Decider
	Neurons    []bot.NeuronConfig
	StorePath  string
}

// PlanLanes resolves the SNS DAOs of cfg (configured and, with discover,
// found) as the daemon does, over gov's identity, without opening their
// stores: plan reads, it never creates. A DAO that does not answer is
// listed with an adapter that fails with its error (plan reports it and
// shows the others); discovery failing is discoverErr, the configured DAOs
// still listed.
func PlanLanes(ctx context.Context, cfg *config.Config, gov *agent.Governance) (lanes []PlanLane, discoverErr, err error) {
	if !cfg.SNS.Discover && len(cfg.SNS.DAOs) == 0 {
		return nil, nil, nil
	}
	daos, discoverErr, err := resolveDAOs(ctx, cfg, gov)
	if err != nil {
		return nil, nil, fmt.Errorf("sns: %w", err)
	}
	var out []PlanLane
	for _, ld := range daos {
		if ld.err == nil && len(ld.dao.Neurons) == 0 {
			continue // no neuron the hotkey may vote with: the daemon runs no lane either
		}
		name := ld.dao.Name
		if name == "" {
			name = ld.dao.Root
		}
		g := &SNSGov{G: gov, Root: ld.dao.Root, DAO: name}
		if ld.err != nil {
			why := ld.err
			g.Resolve = func(context.Context) (*agent.SNSGovernance, error) {
				return nil, fmt.Errorf("the SNS does not answer: %w", why)
			}
		} else {
			g.C = gov.SNS(ld.canisters.Governance)
			if ld.dao.Name == "" {
				if md, err := g.C.GetMetadata(ctx); err == nil && md.Name != nil && *md.Name != "" {
					name = *md.Name
					g.DAO = name
				}
			}
		}
		g.SetNeurons(neuronIDs(ld.dao))
		pl := PlanLane{Name: name, Root: ld.dao.Root, Gov: g, Decider: laneDecider(cfg, ld.dao), StorePath: LaneStorePath(cfg.Store.Path, ld.dao.Root),
			Neurons: SNSNeuronConfigs(ld.dao.Neurons)}
		out = append(out, pl)
	}
	return out, discoverErr, nil
}
