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
	if len(cfg.SNS.DAOs) == 0 {
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
	return config.SNSNetworkProblems(cfg, gov.Sender().String(), facts)
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
