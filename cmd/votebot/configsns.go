package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/rs/zerolog"

	"github.com/votebot/votebot/agent"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/sns"
)

// snsCheckTimeout bounds the online checks of the sns: section.
const snsCheckTimeout = 30 * time.Second

// snsNetworkCheck asks the network, signed by the hotkey, about every configured DAO (see
// config.SNSNetworkProblems). A network that does not answer at all is noted, not an error:
// validate also runs before the devnet does.
func snsNetworkCheck(ctx context.Context, w io.Writer, cfg *config.Config) (errs, warns []config.Problem) {
	if len(cfg.SNS.DAOs) == 0 && !cfg.SNS.Discover {
		return nil, nil
	}
	ctx, cancel := context.WithTimeout(ctx, snsCheckTimeout)
	defer cancel()
	gov, err := daemon.Connect(ctx, cfg, zerolog.Nop(), nil)
	if err != nil {
		fmt.Fprintf(w, "note: the SNS DAOs were not checked on the network: %v\n", err)
		return nil, nil
	}
	facts := make([]config.DAOFacts, len(cfg.SNS.DAOs))
	for i, dao := range cfg.SNS.DAOs {
		f, err := daoFacts(ctx, gov, dao)
		if errors.Is(err, agent.ErrAllEndpointsDown) || errors.Is(err, context.DeadlineExceeded) {
			fmt.Fprintf(w, "note: the SNS DAOs were not checked on the network: %v\n", err)
			return nil, nil
		}
		f.Err = err
		facts[i] = f
	}
	errs, warns = config.SNSNetworkProblems(cfg, gov.Sender().String(), facts)
	if cfg.SNS.Discover {
		warns = append(warns, discoveryCheck(ctx, w, cfg, gov)...)
	}
	return errs, warns
}

// discoveryCheck runs sns.discover's discovery, says what it adds to the DAOs listed and warns
// about discovered neurons the hotkey may do more than vote with.
func discoveryCheck(ctx context.Context, w io.Writer, cfg *config.Config, gov *agent.Governance) []config.Problem {
	found, err := gov.DiscoverSNSes(ctx)
	if err != nil {
		fmt.Fprintf(w, "note: sns.discover not checked: %v\n", err)
		return nil
	}
	listed := map[string]bool{}
	for _, dao := range cfg.SNS.DAOs {
		listed[dao.Root] = true
	}
	me := gov.Sender()
	var neurons []config.DiscoveredNeuron
	added := 0
	for _, v := range found {
		if listed[v.Root.String()] {
			continue
		}
		added++
		fmt.Fprintf(w, "note: sns.discover adds SNS %s: %d %s the hotkey may vote with (policy %s)\n",
			v.Root, len(v.Neurons), plural(len(v.Neurons), "neuron", "neurons"), cfg.SNS.Policy)
		for _, n := range v.Neurons {
			if n.Id != nil {
				neurons = append(neurons, config.DiscoveredNeuron{Root: v.Root.String(), ID: n.Id.Id, Held: n.PermissionsOf(me)})
			}
		}
	}
	if added == 0 {
		fmt.Fprintln(w, "note: sns.discover finds no SNS beyond those listed where the hotkey may vote")
	}
	return config.DiscoveryWarnings(cfg, me.String(), neurons)
}

// daoFacts reads what SNSNetworkProblems needs of one DAO; the error is the DAO's own
// (its root or governance did not answer).
func daoFacts(ctx context.Context, gov *agent.Governance, dao config.DAO) (config.DAOFacts, error) {
	var f config.DAOFacts
	root, err := principal.Decode(dao.Root)
	if err != nil {
		return f, fmt.Errorf("root: %w", err) // validated with the file: not reached
	}
	cs, err := gov.SNSCanistersOf(ctx, root)
	if err != nil {
		return f, err
	}
	g := gov.SNS(cs.Governance)
	me := gov.Sender()
	neurons, err := g.ListNeurons(ctx, &me)
	if err != nil {
		return f, fmt.Errorf("governance %s: list_neurons: %w", cs.Governance, err)
	}
	f.Held = make(map[string][]sns.Permission, len(neurons))
	for _, n := range neurons {
		if n.Id == nil {
			continue
		}
		f.Held[sns.NeuronIDHex(n.Id.Id)] = n.PermissionsOf(me)
	}
	if params, err := g.GetNervousSystemParameters(ctx); err == nil && params.InitialVotingPeriodSeconds != nil {
		f.VotingPeriod = time.Duration(*params.InitialVotingPeriodSeconds) * time.Second
	}
	fns, err := g.ListNervousSystemFunctions(ctx)
	f.FunctionsErr = err
	for _, fn := range fns.Functions {
		f.Functions = append(f.Functions, fn.Id)
	}
	if len(dao.Following) > 0 {
		topics, err := g.ListTopics(ctx)
		switch {
		case err != nil:
			f.TopicsErr = err
		case topics.Topics == nil:
			f.TopicsErr = errors.New("no topics listed")
		default:
			for _, t := range *topics.Topics {
				if id := t.Topic.ID(); id != sns.TopicUnspecified {
					f.Topics = append(f.Topics, id)
				}
			}
		}
	}
	return f, nil
}
