package daemon

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
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

	alerts *alert.Manager
	log    zerolog.Logger
	events func(bot.Event)
	app    *App

	mu  sync.Mutex // guards what follows: a reload swaps gov and dao
	gov *SNSGov
	dao config.DAO // as in force, its neurons resolved
	// resolved: the DAO's canisters are known (canisters). A DAO that did
	// not answer at start is read by its lane's adapter when it answers.
	resolved  bool
	canisters agent.SNSCanisters
	// followingPending: the following could not be set before the DAO
	// answered; it is set when it does.
	followingPending bool
	// symbol is the token's symbol as last read: Symbol, or read when a
	// DAO silent at start answered.
	symbol string
}

// laneDAO is a DAO of the sns: section (or found by discovery) with its
// canisters and neurons resolved.
type laneDAO struct {
	dao       config.DAO
	canisters agent.SNSCanisters
	// err: the DAO's canisters (or, when it lists none, its neurons) could
	// not be read. It still gets a lane, which reads them when the SNS
	// answers: one DAO must not stop the others.
	err error
}

// resolveDAOs lists the DAOs to vote in: those configured and, with
// discover, every SNS where the hotkey holds Vote on a neuron. A DAO that
// lists no neurons gets every neuron where the hotkey holds Vote. A DAO
// that does not answer is listed with its error (laneDAO.err); discovery
// failing is discoverErr, and the configured DAOs are still resolved. err
// is a configuration the DAOs cannot be voted with at all.
func resolveDAOs(ctx context.Context, cfg *config.Config, gov *agent.Governance) (daos []laneDAO, discoverErr, err error) {
	found := map[string]agent.VotingSNS{}
	var order []string // discovery's order, for the DAOs not configured
	if cfg.SNS.Discover {
		vs, err := gov.DiscoverSNSes(ctx)
		if err != nil {
			discoverErr = err
		}
		for _, v := range vs {
			found[v.Root.String()] = v
			order = append(order, v.Root.String())
		}
	}
	var out []laneDAO
	listed := map[string]bool{}
	for _, d := range cfg.SNS.DAOs {
		listed[d.Root] = true
		if v, ok := found[d.Root]; ok {
			if len(d.Neurons) == 0 {
				d.Neurons = votingNeurons(v.Neurons)
			}
			out = append(out, laneDAO{dao: d, canisters: v.SNSCanisters})
			continue
		}
		root, err := principal.Decode(d.Root)
		if err != nil {
			return nil, nil, fmt.Errorf("sns dao %s: root: %w", d.Root, err)
		}
		cs, neurons, err := resolveDAO(ctx, gov, root, d.Neurons)
		if err == nil {
			d.Neurons = neurons
		}
		out = append(out, laneDAO{dao: d, canisters: cs, err: err})
	}
	for _, root := range order {
		if !listed[root] {
			v := found[root]
			out = append(out, laneDAO{dao: config.DAO{Root: root, Neurons: votingNeurons(v.Neurons)}, canisters: v.SNSCanisters})
		}
	}
	for _, ld := range out {
		if err := sns.CheckShortIDs(neuronIDs(ld.dao)); err != nil {
			return nil, nil, fmt.Errorf("sns dao %s: %w", ld.dao.Root, err)
		}
	}
	return out, discoverErr, nil
}

// resolveDAO reads the canisters of the SNS at root and, when neurons is
// empty, the neurons of it where the hotkey holds Vote; else neurons.
func resolveDAO(ctx context.Context, gov *agent.Governance, root principal.Principal, neurons []config.SNSNeuron) (agent.SNSCanisters, []config.SNSNeuron, error) {
	// Not SNSCanistersOf: its error names the root, and the alert this
	// becomes names the DAO already (the replica's reject names the
	// canister).
	resp, err := gov.ListSNSCanisters(ctx, root)
	if err != nil {
		return agent.SNSCanisters{}, nil, fmt.Errorf("its canisters (list_sns_canisters): %w", err)
	}
	if resp.Governance == nil || resp.Ledger == nil {
		return agent.SNSCanisters{}, nil, errors.New("its root names no governance or no ledger canister (list_sns_canisters)")
	}
	cs := agent.SNSCanisters{Root: root, Governance: *resp.Governance, Ledger: *resp.Ledger}
	if len(neurons) > 0 {
		return cs, neurons, nil
	}
	me := gov.Sender()
	ns, err := gov.SNS(cs.Governance).ListNeurons(ctx, &me)
	if err != nil {
		return agent.SNSCanisters{}, nil, fmt.Errorf("its neurons (list_neurons): %w", err)
	}
	var voting []sns.Neuron
	for _, n := range ns {
		if slices.Contains(n.PermissionsOf(me), sns.PermissionVote) {
			voting = append(voting, n)
		}
	}
	return cs, votingNeurons(voting), nil
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

// laneStorePrefix and laneStoreSuffix frame an SNS lane's store file name,
// sns-<root canister id>.db beside the NNS store.
const (
	laneStorePrefix = "sns-"
	laneStoreSuffix = ".db"
)

// LaneStorePath is the store file of the DAO whose root canister is root,
// beside the NNS store nnsStore: the daemon's lane writes it, the
// commands (report, plan, vote --dao) read it.
func LaneStorePath(nnsStore, root string) string {
	return filepath.Join(filepath.Dir(nnsStore), laneStorePrefix+root+laneStoreSuffix)
}

// LaneStores lists the lane store files beside nnsStore, each with its
// DAO's root canister id: a discovered DAO's too.
func LaneStores(nnsStore string) (map[string]string, error) {
	files, err := filepath.Glob(filepath.Join(filepath.Dir(nnsStore), laneStorePrefix+"*"+laneStoreSuffix))
	if err != nil {
		return nil, fmt.Errorf("list sns stores: %w", err)
	}
	out := make(map[string]string, len(files))
	for _, f := range files {
		out[strings.TrimSuffix(strings.TrimPrefix(filepath.Base(f), laneStorePrefix), laneStoreSuffix)] = f
	}
	return out, nil
}

// SNSNeuronConfigs are the DAO's configured neurons as the loop knows
// them: by short id, with the whole id in hex.
func SNSNeuronConfigs(ns []config.SNSNeuron) []bot.NeuronConfig {
	out := make([]bot.NeuronConfig, len(ns))
	for i, n := range ns {
		out[i] = bot.NeuronConfig{ID: sns.ShortID(n.ID), Alias: n.Alias, SNSID: sns.NeuronIDHex(n.ID)}
	}
	return out
}

// assembleLanes builds one lane per DAO; their votes pass through gate
// with the NNS lane's. A DAO that does not answer still gets its lane,
// which reads the DAO when it answers (and alerts, naming the DAO, until
// then); discovery failing is alerted, and the configured DAOs and the NNS
// are voted all the same. On error the lanes already opened are closed.
func (a *App) assembleLanes(ctx context.Context, cfg *config.Config, gov *agent.Governance, routes []alert.Route, gate *bot.VoteGate) ([]*Lane, error) {
	if !cfg.SNS.Discover && len(cfg.SNS.DAOs) == 0 {
		return nil, nil
	}
	daos, discoverErr, err := resolveDAOs(ctx, cfg, gov)
	if err != nil {
		return nil, fmt.Errorf("sns: %w", err)
	}
	if cfg.SNS.Discover {
		a.noteDiscovery(ctx, discoverErr)
	}
	var todo []laneDAO
	for _, ld := range daos {
		if ld.err == nil && len(ld.dao.Neurons) == 0 {
			a.opts.Logger.Warn().Str("sns_root", ld.dao.Root).Msg("sns: no neuron of this DAO to vote with (the hotkey holds Vote on none): no lane")
			continue
		}
		todo = append(todo, ld)
	}
	// Each lane reads a few facts of its DAO and opens its store: 0.9 s at
	// 200 ms a query, 44 s for 50 DAOs one after another. Built
	// laneBuilders at a time, in the order given.
	lanes, errs := make([]*Lane, len(todo)), make([]error, len(todo))
	sem := make(chan struct{}, laneBuilders)
	var wg sync.WaitGroup
	for i, ld := range todo {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			lanes[i], errs[i] = a.newLane(ctx, cfg, gov, ld, routes, gate)
		})
	}
	wg.Wait()
	for i, ld := range todo {
		if errs[i] != nil {
			closeLanes(lanes)
			return nil, fmt.Errorf("sns dao %s: %w", ld.dao.Root, errs[i])
		}
		if ld.err != nil {
			lanes[i].log.Error().Err(ld.err).Str("sns_root", ld.dao.Root).
				Msg("sns: the DAO does not answer; its lane reads it at each pass until it does, the other DAOs and the NNS are voted meanwhile")
		}
	}
	return lanes, nil
}

// laneBuilders bounds the lanes assembled at once: the agent bounds the
// calls in flight anyway, and each lane opens a store file.
const laneBuilders = 8

// noteDiscovery alerts (once, on the NNS lane's channels) that sns.discover
// could not list the SNSes, or resolves that alert once it could.
func (a *App) noteDiscovery(ctx context.Context, err error) {
	if err == nil {
		al := alert.Alert{Kind: alert.KindSNSDiscoveryFailed, Text: "The SNSes where the hotkey can vote were listed."}
		if _, err := a.Alerts.Resolve(ctx, al); err != nil {
			a.opts.Logger.Error().Err(err).Msg("alert resolution failed")
		}
		return
	}
	a.opts.Logger.Error().Err(err).Msg("sns discovery failed (SNS-W, or an SNS it lists, did not answer). " + alert.SNSDiscoveryRetry)
	al := alert.SNSDiscoveryFailed(err)
	if _, err := a.Alerts.Fire(ctx, al); err != nil {
		a.opts.Logger.Error().Err(err).Msg("alert delivery failed")
	}
}

// newLane builds the lane of ld. A DAO that did not answer (ld.err) is
// named by the config, else by its root, and read by the lane later.
func (a *App) newLane(ctx context.Context, cfg *config.Config, gov *agent.Governance, ld laneDAO, routes []alert.Route, gate *bot.VoteGate) (*Lane, error) {
	o := a.opts
	resolved := ld.err == nil
	name := ld.dao.Name
	if name == "" {
		name = ld.dao.Root
		if resolved {
			md, err := gov.SNS(ld.canisters.Governance).GetMetadata(ctx)
			switch {
			case err != nil:
				o.Logger.Warn().Err(err).Str("sns_root", ld.dao.Root).
					Msg("sns: the DAO's name could not be read (get_metadata): it is named by its root (give it a name in the config)")
			case md.Name != nil && *md.Name != "":
				name = *md.Name
			}
		}
	}
	log := o.Logger.With().Str("dao", name).Logger()
	var symbol string
	if resolved {
		var err error
		if symbol, err = gov.TokenSymbol(ctx, ld.canisters.Ledger); err != nil {
			// Only what is shown needs it; the lane votes without it.
			log.Warn().Err(err).Msg("sns: the DAO token's symbol could not be read")
		}
	}
	path := LaneStorePath(cfg.Store.Path, ld.dao.Root)
	st, err := store.Open(ctx, path, store.WithClock(o.Now), store.Exclusive(), store.Small())
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", path, err)
	}
	mgr, err := alert.NewManager(alert.ManagerConfig{Instance: cfg.Instance, Routes: routes, State: st, Now: o.Now,
		Reminder: cfg.Alerts.Thresholds.ReminderInterval})
	if err != nil {
		st.Close()
		return nil, err
	}
	l := &Lane{Governance: name, Root: ld.dao.Root, Symbol: symbol, symbol: symbol, Store: st, canisters: ld.canisters,
		alerts: mgr, log: log, events: o.Events, app: a, resolved: resolved, dao: ld.dao}
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

// newGov is the lane's adapter over gov, knowing the lane's neurons; while
// the DAO has not answered, the adapter reads it at each use (resolve).
// The caller holds l.mu, or has not shared l yet.
func (l *Lane) newGov(gov *agent.Governance, o AppOptions) *SNSGov {
	g := &SNSGov{G: gov, Root: l.Root, DAO: l.Governance, Now: o.Now}
	if l.resolved {
		g.C = gov.SNS(l.canisters.Governance)
	} else {
		g.Resolve = func(ctx context.Context) (*agent.SNSGovernance, error) { return l.resolve(ctx, gov, g) }
	}
	g.SetNeurons(neuronIDs(l.dao))
	return g
}

// resolve reads the canisters of the lane's DAO that did not answer at
// start (and its neurons, when it lists none) for g. Once it answers, the
// lane votes as any other: its neurons and policy are in force from the
// next pass, and the following it was to set at start is set now.
// Until then each pass tries once: the lane's pass rate bounds the calls.
func (l *Lane) resolve(ctx context.Context, gov *agent.Governance, g *SNSGov) (*agent.SNSGovernance, error) {
	root, err := principal.Decode(l.Root)
	if err != nil {
		return nil, err // resolveDAOs decoded it already
	}
	l.mu.Lock()
	if l.resolved {
		cs := l.canisters
		l.mu.Unlock()
		return gov.SNS(cs.Governance), nil
	}
	neurons := l.dao.Neurons
	l.mu.Unlock()
	cs, found, err := resolveDAO(ctx, gov, root, neurons)
	if err != nil {
		return nil, fmt.Errorf("the SNS does not answer yet: %w", err)
	}
	if err := sns.CheckShortIDs(neuronIDs(config.DAO{Neurons: found})); err != nil {
		return nil, err
	}
	c := gov.SNS(cs.Governance)
	l.mu.Lock()
	if l.resolved { // another caller got there first
		l.mu.Unlock()
		return c, nil
	}
	l.canisters, l.resolved = cs, true
	gained := len(l.dao.Neurons) == 0 && len(found) > 0
	if gained {
		l.dao.Neurons = found
	}
	dao, following := l.dao, l.followingPending
	l.followingPending = false
	l.mu.Unlock()
	g.setClient(c)
	l.log.Info().Int("neurons", len(dao.Neurons)).Msg("sns: the DAO answers now: its lane votes")
	cfg := l.app.Config()
	if gained {
		g.SetNeurons(neuronIDs(dao))
		l.Bot.Reload(laneDecider(cfg, dao), l.app.laneOptions(cfg, dao))
	}
	if following {
		l.applyFollowing(ctx, l.app.loopOptions(cfg).DryRun)
	}
	symbol, err := gov.TokenSymbol(ctx, cs.Ledger)
	if err != nil {
		l.log.Warn().Err(err).Msg("sns: the DAO token's symbol could not be read")
	}
	l.mu.Lock()
	l.symbol = symbol
	l.mu.Unlock()
	l.recordFacts(ctx, l.app.opts.Now())
	return c, nil
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
	opts.Neurons = SNSNeuronConfigs(d.Neurons)
	return opts
}

// Lanes are the SNS lanes, in the order configured then discovered.
func (a *App) Lanes() []*Lane { return a.lanes }

func closeLanes(lanes []*Lane) error {
	var errs []error
	for _, l := range lanes {
		if l == nil { // not built: an assembly that failed
			continue
		}
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
