package daemon

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"sync"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/rs/zerolog"

	"github.com/votebot/votebot/agent"
	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/sns"
	"github.com/votebot/votebot/store"
)

// Lane is the loop of one SNS DAO: a Bot over the DAO's governance
// canister with its own store file, its own alert manager (sharing the NNS
// lane's channels) and the DAO's policy. The NNS lane is App.Bot.
type Lane struct {
	// Governance is the DAO's display name: the config's, else its
	// get_metadata name, else its root canister id.
	Governance string
	Root       string
	// Symbol is the DAO token's symbol (icrc1_symbol; "" when it could
	// not be read at start).
	Symbol string
	Bot    *bot.Bot
	Store  *store.Store

	canisters agent.SNSCanisters
	alerts    *alert.Manager
	log       zerolog.Logger
	events    func(bot.Event)

	mu  sync.Mutex // guards gov and dao, swapped by a reload
	gov *SNSGov
	dao config.DAO // as in force, its neurons resolved
}

// laneDAO is a DAO of the sns: section (or found by discovery) with its
// canisters and neurons resolved.
type laneDAO struct {
	dao       config.DAO
	canisters agent.SNSCanisters
}

// resolveDAOs lists the DAOs to vote in: those configured and, with
// discover, every SNS where the hotkey holds Vote on a neuron. A DAO that
// lists no neurons gets every neuron where the hotkey holds Vote.
func resolveDAOs(ctx context.Context, cfg *config.Config, gov *agent.Governance) ([]laneDAO, error) {
	found := map[string]agent.VotingSNS{}
	var order []string // discovery's order, for the DAOs not configured
	if cfg.SNS.Discover {
		vs, err := gov.DiscoverSNSes(ctx)
		if err != nil {
			return nil, err
		}
		for _, v := range vs {
			found[v.Root.String()] = v
			order = append(order, v.Root.String())
		}
	}
	me := gov.Sender()
	var out []laneDAO
	listed := map[string]bool{}
	for _, d := range cfg.SNS.DAOs {
		listed[d.Root] = true
		v, ok := found[d.Root]
		if !ok {
			root, err := principal.Decode(d.Root)
			if err != nil {
				return nil, fmt.Errorf("sns dao %s: root: %w", d.Root, err)
			}
			cs, err := gov.SNSCanistersOf(ctx, root)
			if err != nil {
				return nil, err
			}
			v = agent.VotingSNS{SNSCanisters: cs}
			if len(d.Neurons) == 0 {
				ns, err := gov.SNS(cs.Governance).ListNeurons(ctx, &me)
				if err != nil {
					return nil, fmt.Errorf("sns dao %s: list neurons: %w", d.Root, err)
				}
				for _, n := range ns {
					if slices.Contains(n.PermissionsOf(me), sns.PermissionVote) {
						v.Neurons = append(v.Neurons, n)
					}
				}
			}
		}
		if len(d.Neurons) == 0 {
			d.Neurons = votingNeurons(v.Neurons)
		}
		out = append(out, laneDAO{dao: d, canisters: v.SNSCanisters})
	}
	for _, root := range order {
		if !listed[root] {
			v := found[root]
			out = append(out, laneDAO{dao: config.DAO{Root: root, Neurons: votingNeurons(v.Neurons)}, canisters: v.SNSCanisters})
		}
	}
	for _, ld := range out {
		ids := make([][]byte, len(ld.dao.Neurons))
		for i, n := range ld.dao.Neurons {
			ids[i] = n.ID
		}
		if err := sns.CheckShortIDs(ids); err != nil {
			return nil, fmt.Errorf("sns dao %s: %w", ld.dao.Root, err)
		}
	}
	return out, nil
}

func votingNeurons(ns []sns.Neuron) []config.SNSNeuron {
	var out []config.SNSNeuron
	for _, n := range ns {
		if n.Id != nil {
			out = append(out, config.SNSNeuron{ID: slices.Clone(n.Id.Id)})
		}
	}
	return out
}

// laneStorePath is the DAO's store file, beside the NNS one.
func laneStorePath(cfg *config.Config, root string) string {
	return filepath.Join(filepath.Dir(cfg.Store.Path), "sns-"+root+".db")
}

// assembleLanes builds one lane per DAO; their votes pass through gate
// with the NNS lane's. On error the lanes already opened are closed.
func (a *App) assembleLanes(ctx context.Context, cfg *config.Config, gov *agent.Governance, routes []alert.Route, gate *bot.VoteGate) ([]*Lane, error) {
	if !cfg.SNS.Discover && len(cfg.SNS.DAOs) == 0 {
		return nil, nil
	}
	daos, err := resolveDAOs(ctx, cfg, gov)
	if err != nil {
		return nil, fmt.Errorf("sns: %w", err)
	}
	var lanes []*Lane
	for _, ld := range daos {
		if len(ld.dao.Neurons) == 0 {
			a.opts.Logger.Warn().Str("sns_root", ld.dao.Root).Msg("sns: no neuron of this DAO to vote with (the hotkey holds Vote on none): no lane")
			continue
		}
		l, err := a.newLane(ctx, cfg, gov, ld, routes, gate)
		if err != nil {
			closeLanes(lanes)
			return nil, fmt.Errorf("sns dao %s: %w", ld.dao.Root, err)
		}
		lanes = append(lanes, l)
	}
	return lanes, nil
}

func (a *App) newLane(ctx context.Context, cfg *config.Config, gov *agent.Governance, ld laneDAO, routes []alert.Route, gate *bot.VoteGate) (*Lane, error) {
	o := a.opts
	sg := gov.SNS(ld.canisters.Governance)
	name := ld.dao.Name
	if name == "" {
		md, err := sg.GetMetadata(ctx)
		if err != nil {
			return nil, fmt.Errorf("read its name (get_metadata; or give it a name in the config): %w", err)
		}
		if md.Name != nil && *md.Name != "" {
			name = *md.Name
		} else {
			name = ld.dao.Root
		}
	}
	log := o.Logger.With().Str("dao", name).Logger()
	symbol, err := gov.TokenSymbol(ctx, ld.canisters.Ledger)
	if err != nil {
		// Only what is shown needs it; the lane votes without it.
		log.Warn().Err(err).Msg("sns: the DAO token's symbol could not be read")
	}
	path := laneStorePath(cfg, ld.dao.Root)
	st, err := store.Open(ctx, path, store.WithClock(o.Now), store.Exclusive())
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	mgr, err := alert.NewManager(alert.ManagerConfig{Instance: cfg.Instance, Routes: routes, State: st, Now: o.Now,
		Reminder: cfg.Alerts.Thresholds.ReminderInterval})
	if err != nil {
		st.Close()
		return nil, err
	}
	l := &Lane{Governance: name, Root: ld.dao.Root, Symbol: symbol, Store: st, canisters: ld.canisters,
		alerts: mgr, log: log, events: o.Events, dao: ld.dao}
	l.gov = l.newGov(gov, o)
	b, err := bot.New(bot.Deps{Gov: l.gov, Errors: l.gov, Store: st, Alerter: mgr, Decider: laneDecider(cfg, ld.dao),
		Metrics: a.Metrics.ForGovernance(name), Logger: log, Now: o.Now, Events: o.Events, Governance: name, Gate: gate,
		Participation: func(ctx context.Context) (map[uint64]map[string]float64, error) { return a.participationOf(ctx, st) }},
		a.laneOptions(cfg, ld.dao))
	if err != nil {
		st.Close()
		return nil, err
	}
	l.Bot = b
	l.recordFacts(ctx, o.Now())
	return l, nil
}

// newGov is the lane's adapter over gov, knowing the lane's neurons.
func (l *Lane) newGov(gov *agent.Governance, o AppOptions) *SNSGov {
	g := &SNSGov{G: gov, C: gov.SNS(l.canisters.Governance), Root: l.Root, DAO: l.Governance, Now: o.Now}
	g.SetNeurons(neuronIDs(l.dao))
	return g
}

func neuronIDs(d config.DAO) [][]byte {
	ids := make([][]byte, len(d.Neurons))
	for i, n := range d.Neurons {
		ids[i] = n.ID
	}
	return ids
}

// laneDecider is the DAO's policy for each of its neurons: the DAO's, else
// the sns: section's, else the default policy.
func laneDecider(cfg *config.Config, d config.DAO) bot.PolicyDecider {
	name := d.Policy
	if name == "" {
		name = cfg.SNS.Policy
	}
	if name == "" {
		name = config.DefaultPolicyName
	}
	dec := bot.PolicyDecider{ByNeuron: map[uint64]*policy.Policy{}}
	if cfg.HA.Standby() {
		dec.Takeover = cfg.HA.TakeoverAfter
	}
	for _, n := range d.Neurons {
		dec.ByNeuron[sns.ShortID(n.ID)] = cfg.Policies[name]
	}
	return dec
}

// laneOptions are the loop's options of cfg with the DAO's neurons, by
// short id.
func (a *App) laneOptions(cfg *config.Config, d config.DAO) bot.Options {
	opts := a.loopOptions(cfg)
	opts.Neurons = nil
	for _, n := range d.Neurons {
		opts.Neurons = append(opts.Neurons, bot.NeuronConfig{ID: sns.ShortID(n.ID), Alias: n.Alias, SNSID: sns.NeuronIDHex(n.ID)})
	}
	return opts
}

// Lanes are the SNS lanes, in the order configured then discovered.
func (a *App) Lanes() []*Lane { return a.lanes }

func closeLanes(lanes []*Lane) error {
	var errs []error
	for _, l := range lanes {
		if err := l.Store.Close(); err != nil {
			errs = append(errs, fmt.Errorf("sns %s store: %w", l.Governance, err))
		}
	}
	return errors.Join(errs...)
}

// governance is the lane's adapter in use.
func (l *Lane) governance() *SNSGov {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.gov
}

// DAO is the lane's DAO as in force (its neurons resolved).
func (l *Lane) DAO() config.DAO {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.dao
}
