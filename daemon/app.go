package daemon

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/agent"
	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/console"
	"github.com/votebot/votebot/metrics"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/rewards"
	"github.com/votebot/votebot/store"
)

// AppOptions assemble a running bot from a configuration.
type AppOptions struct {
	Config *config.Config
	Logger zerolog.Logger
	Now    func() time.Time
	// DryRun forces dry-run whatever the file says.
	DryRun bool
	Notify func(string)
	Events func(bot.Event)
	// Version and Commit label votebot_build_info.
	Version, Commit string
	// Routes, when set, replace the channels of the config (demo, tests).
	Routes []alert.Route
	// Tune adjusts the loop's options derived from the config (demo, tests).
	Tune func(*bot.Options)
	// TelegramBaseURL replaces the Bot API's address for the Telegram
	// channels and decisions (tests: a local fake).
	TelegramBaseURL string
}

// App is a bot wired to the real agent, store, alert manager and policy.
type App struct {
	clients *clientSet
	Bot     *bot.Bot
	Metrics *metrics.Metrics
	Store   *store.Store
	Alerts  *alert.Manager
	// lanes are the SNS DAOs' loops (lane.go); gate orders every lane's
	// votes, the NNS's too, by deadline (nil without SNS lanes).
	lanes []*Lane
	gate  *bot.VoteGate
	// cfg is the configuration in force, published whole: console and HTTP
	// requests read it while a reload replaces it.
	cfg atomic.Pointer[config.Config]
	// started is the configuration the listeners, the store and the
	// Telegram pollers were set up with: what only a restart applies is
	// compared with it.
	started *config.Config
	opts    AppOptions

	// reloadMu makes reloads one at a time and guards what they update in
	// place: the console Serve runs and the Telegram decisions loops.
	reloadMu  sync.Mutex
	amLoops   amLoops
	console   *console.Handler
	decisions map[string]*alert.TelegramDecisions // by channel name
	// limits keeps the clients' held concurrency limits for the next run.
	limits *limitsSaver
}

// Assemble opens the store, loads the identity, connects the client and
// builds the loop. Close the App when done.
func Assemble(ctx context.Context, o AppOptions) (*App, error) {
	cfg := o.Config
	m := metrics.NewMetrics(o.Version, o.Commit)
	gov, err := Connect(ctx, cfg, o.Logger, m)
	if err != nil {
		return nil, err
	}
	clients := &clientSet{}
	clients.gov.Store(gov)
	if o.Now == nil {
		// Deadlines are IC time: measure them on the IC's clock (the
		// local one plus the skew every certificate shows), of whichever
		// client a reload put in place.
		o.Now = func() time.Time { return clients.gov.Load().Now() }
	}
	st, err := store.Open(ctx, cfg.Store.Path, store.WithClock(o.Now), store.Exclusive())
	if errors.Is(err, store.ErrLocked) {
		return nil, err // it names the other process
	}
	if err != nil {
		return nil, fmt.Errorf("%w (check store.path %q: its directory must exist and be writable by votebot, "+
			"and the file must be a votebot database)", err, cfg.Store.Path)
	}
	routes := o.Routes
	if routes == nil {
		if routes, err = routesWith(cfg.Alerts, o.TelegramBaseURL); err != nil {
			st.Close()
			return nil, err
		}
	}
	mgr, err := alert.NewManager(alert.ManagerConfig{Instance: cfg.Instance, Routes: routes, State: st, Now: o.Now,
		Reminder: cfg.Alerts.Thresholds.ReminderInterval})
	if err != nil {
		st.Close()
		return nil, err
	}
	anon, err := connectAnonymous(ctx, cfg, gov.RootKey(), o.Logger, m)
	if err != nil {
		st.Close()
		return nil, err
	}
	clients.anon.Store(anon)
	restoreLimits(ctx, st, gov, anon, o.Logger)
	a := &App{Metrics: m, Store: st, Alerts: mgr, started: cfg, opts: o, clients: clients,
		limits: &limitsSaver{st: st, clients: clients}}
	a.amLoops = amLoops{log: o.Logger, routes: routes}
	a.cfg.Store(cfg)
	m.SetPolicyFingerprint(cfg.HA.Fingerprint, cfg.HA.Role)
	m.CountStoreWriteErrors(func() uint64 { return st.Health().WriteErrors })
	if cfg.SNS.Discover || len(cfg.SNS.DAOs) > 0 {
		a.gate = bot.NewVoteGate(OptionsFor(cfg).VoteConcurrency)
	}
	b, err := bot.New(bot.Deps{Gov: AgentGov{C: gov, Anon: anon, Now: o.Now}, Errors: AgentGov{}, Store: st,
		Alerter: mgr, Decider: DeciderFor(cfg), Metrics: m, Logger: o.Logger,
		Now: o.Now, Participation: a.participation, Notify: o.Notify, Events: o.Events, Gate: a.gate}, a.loopOptions(cfg))
	if err != nil {
		st.Close()
		return nil, err
	}
	a.Bot = b
	if a.lanes, err = a.assembleLanes(ctx, cfg, gov, routes, a.gate); err != nil {
		st.Close()
		return nil, err
	}
	m.ConfigReloaded(true, o.Now())
	return a, nil
}

// Connect loads the identity and connects the governance client.
func Connect(ctx context.Context, cfg *config.Config, log zerolog.Logger, obs agent.Observer) (*agent.Governance, error) {
	id, err := identity.Load(identity.Source{PEMFile: cfg.Identity.PEMFile, Credential: cfg.Identity.Credential,
		CredentialsDir: os.Getenv(identity.CredentialsDirEnv), AllowInsecureKeyFile: cfg.Identity.AllowInsecureKeyFile})
	if err != nil {
		return nil, identityError{err}
	}
	endpoints := agent.MainnetEndpoints
	if !cfg.Network.Mainnet {
		endpoints = cfg.Network.URLs
	}
	if m, ok := obs.(*metrics.Metrics); ok {
		for _, e := range endpoints {
			m.SetEndpointUp(agent.EndpointLabel(e), true)
		}
		obs = m.Client("signed") // its limiters' series apart from the anonymous client's
	}
	gov, err := agent.New(ctx, agent.Config{Endpoints: endpoints, RootKey: cfg.Network.RootKey,
		Identity: id.Identity, Observer: obs, Logger: log, MaxConcurrency: cfg.Network.MaxConcurrency})
	if err != nil {
		return nil, fmt.Errorf("connect: %w", err)
	}
	return gov, nil
}

// ErrIdentity marks Connect's failure to load the hotkey (an unreadable
// key file, a missing systemd credential): a read-only query can still be
// asked anonymously (ConnectAnonymous).
var ErrIdentity = errors.New("identity")

// identityError is identity.Load's error (which names the identity
// already) marked as ErrIdentity.
type identityError struct{ err error }

func (e identityError) Error() string        { return e.err.Error() }
func (e identityError) Unwrap() error        { return e.err }
func (e identityError) Is(target error) bool { return target == ErrIdentity }

// ConnectAnonymous connects an unsigned client for read-only queries (a
// proposal's status; no ballots) with the configuration's network and
// root key, for a command that cannot read the hotkey.
func ConnectAnonymous(ctx context.Context, cfg *config.Config, log zerolog.Logger) (*agent.Governance, error) {
	return connectAnonymousKey(ctx, cfg, cfg.Network.RootKey, log, nil)
}

// connectAnonymous connects an unsigned client: its list_proposals answers
// carry no ballots (signed, each open proposal brings the ballots of every
// neuron of ours: about 20 KB and 10 MB of decoding garbage per idle pass
// with 1,000 neurons, for one proposal id).
//
// It reports to the same observer as the signed client: while idle it is
// the only one that calls, so without it votebot_endpoint_up stayed 1
// through an outage and VotebotAllEndpointsDown could not fire for an hour.
//
// It pins the root key the signed client pinned (rootKey): with root_key
// "fetch" both trust the same key, fetched and warned about once.
func connectAnonymous(ctx context.Context, cfg *config.Config, rootKey []byte, log zerolog.Logger, obs agent.Observer) (*agent.Governance, error) {
	return connectAnonymousKey(ctx, cfg, hex.EncodeToString(rootKey), log, obs)
}

// connectAnonymousKey is connectAnonymous with the root key as agent.Config
// takes it (hex, RootKeyFetch, or "" on mainnet).
func connectAnonymousKey(ctx context.Context, cfg *config.Config, rootKey string, log zerolog.Logger, obs agent.Observer) (*agent.Governance, error) {
	endpoints := agent.MainnetEndpoints
	if !cfg.Network.Mainnet {
		endpoints = cfg.Network.URLs
	}
	if m, ok := obs.(*metrics.Metrics); ok {
		obs = m.Client("anonymous")
	}
	gov, err := agent.New(ctx, agent.Config{Endpoints: endpoints, RootKey: rootKey, Logger: log, Observer: obs,
		MaxConcurrency: cfg.Network.MaxConcurrency})
	if err != nil {
		return nil, fmt.Errorf("connect anonymously: %w", err)
	}
	return gov, nil
}

func (a *App) loopOptions(cfg *config.Config) bot.Options {
	opts := OptionsFor(cfg)
	opts.DryRun = opts.DryRun || a.opts.DryRun
	if a.opts.Tune != nil {
		a.opts.Tune(&opts)
	}
	return opts
}

// Ready is nil while the daemon can do its job: the stored overrides can be
// read, a poll succeeded within 3 intervals, the store keeps writes and the
// local clock is close enough to the IC's for requests and deadlines
// (agent.ClockReady).
func (a *App) Ready() error {
	if err := a.Bot.OverridesUnreadable(); err != nil {
		return fmt.Errorf("the stored overrides (votebot vote) cannot be read: %w", err)
	}
	if !a.Bot.Ready() {
		return errors.New("no successful poll within 3 intervals")
	}
	if ok, err := a.Store.Writable(); !ok {
		return err
	}
	for _, l := range a.lanes {
		// A lane whose store cannot keep writes votes without a record.
		if ok, err := l.Store.Writable(); !ok {
			return fmt.Errorf("the store of SNS %s: %w", l.Governance, err)
		}
	}
	if skew, _, ok := a.Governance().ClockSkew(); ok && !agent.ClockReady(skew) {
		return fmt.Errorf("the local clock is %s off the IC's certified time: fix NTP (timedatectl)", skew.Abs().Round(time.Second))
	}
	return nil
}

// Governance is the signed client in use: the one Assemble built, or the
// one the last reload with a new network or identity replaced it with.
func (a *App) Governance() *agent.Governance { return a.clients.gov.Load() }

// Close releases the stores, the SNS lanes' too.
func (a *App) Close() error { return errors.Join(closeLanes(a.lanes), a.Store.Close()) }

// Config is the configuration in force: the one Assemble was given, or the
// last one a reload applied.
func (a *App) Config() *config.Config { return a.cfg.Load() }

// clientSet is the governance client in use, swapped by a reload.
type clientSet struct {
	gov atomic.Pointer[agent.Governance]
	// anon is the unsigned client of the same network.
	anon atomic.Pointer[agent.Governance]
}

// DeciderFor builds the policy engine for each configured neuron.
func DeciderFor(cfg *config.Config) bot.PolicyDecider {
	d := bot.PolicyDecider{ByNeuron: map[uint64]*policy.Policy{}}
	if cfg.HA.Standby() {
		d.Takeover = cfg.HA.TakeoverAfter
	}
	for _, n := range cfg.Neurons {
		name := n.Policy
		if name == "" {
			name = config.DefaultPolicyName
		}
		d.ByNeuron[n.ID] = cfg.Policies[name]
	}
	return d
}

// OptionsFor derives the loop's options from a configuration.
func OptionsFor(cfg *config.Config) bot.Options {
	o := bot.Options{PollInterval: cfg.PollInterval, AtRiskThreshold: cfg.Alerts.Thresholds.AtRiskBefore,
		RefreshWhenLeft: cfg.Refresh.WhenLeft, DryRun: cfg.DryRun, Retention: cfg.Store.Retention,
		ClockSkewAlert: agent.ClockSkewAlert, ClockSkewCritical: agent.ClockSkewNotReady, Standby: cfg.HA.Standby(),
		FolloweeFallbacks: cfg.Alerts.Thresholds.FolloweeFallbacks}
	for _, n := range cfg.Neurons {
		o.Neurons = append(o.Neurons, bot.NeuronConfig{ID: n.ID, Alias: n.Alias})
	}
	// The loop keeps as many votes going as the agent may let through: the
	// agent's adaptive limit (≤ max_concurrency) decides how many are in
	// flight; the rest wait in its queue in the loop's order of urgency.
	o.VoteConcurrency = agent.DefaultMaxConcurrency
	if cfg.Network.MaxConcurrency > 0 {
		o.VoteConcurrency = cfg.Network.MaxConcurrency
	}
	return o
}

// Routes builds the alert channels of a configuration.
func Routes(al config.Alerts) ([]alert.Route, error) { return routesWith(al, "") }

// routesWith builds the channels with the Telegram Bot API at telegramBase
// ("" for the real one).
func routesWith(al config.Alerts, telegramBase string) ([]alert.Route, error) {
	var routes []alert.Route
	var errs []error
	for name, ch := range al.Channels {
		n, err := notifier(ch, telegramBase)
		if err != nil {
			errs = append(errs, fmt.Errorf("alerts.channels.%s: %w", name, err))
			continue
		}
		sev := alert.SeverityInfo
		if ch.Type == config.ChannelPagerDuty {
			sev = alert.SeverityCritical
		}
		if ch.MinSeverity != "" {
			if sev, err = alert.ParseSeverity(ch.MinSeverity); err != nil {
				errs = append(errs, fmt.Errorf("alerts.channels.%s: %w", name, err))
				continue
			}
		}
		routes = append(routes, alert.Route{Name: name, Notifier: n, MinSeverity: sev})
	}
	return routes, errors.Join(errs...)
}

func notifier(ch config.Channel, telegramBase string) (alert.Notifier, error) {
	switch ch.Type {
	case config.ChannelWebhook:
		return alert.NewWebhook(alert.WebhookConfig{URL: ch.URL.Reveal()})
	case config.ChannelSlack:
		return alert.NewSlack(alert.SlackConfig{WebhookURL: ch.URL.Reveal()})
	case config.ChannelDiscord:
		return alert.NewDiscord(alert.DiscordConfig{WebhookURL: ch.URL.Reveal()})
	case config.ChannelTelegram:
		return alert.NewTelegram(alert.TelegramConfig{Token: ch.Token.Reveal(), ChatID: ch.ChatID,
			BaseURL: telegramBase, DecisionButtons: ch.Decisions != nil})
	case config.ChannelAlertmanager:
		return alert.NewAlertmanager(alert.AlertmanagerConfig{URLs: ch.URLs})
	case config.ChannelPagerDuty:
		return alert.NewPagerDuty(alert.PagerDutyConfig{RoutingKey: ch.RoutingKey.Reveal(), URL: ch.URL.Reveal()})
	case config.ChannelEmail:
		var pw config.Secret
		if ch.SMTP.PasswordFile != "" {
			var err error
			if pw, err = config.ReadSecretFile(ch.SMTP.PasswordFile); err != nil {
				return nil, fmt.Errorf("smtp password_file: %w", err)
			}
		}
		return alert.NewEmail(alert.EmailConfig{Host: ch.SMTP.Host, Port: ch.SMTP.Port, Username: ch.SMTP.User,
			Password: pw.Reveal(), From: ch.SMTP.From, To: ch.SMTP.To, Security: ch.SMTP.Security})
	}
	return nil, fmt.Errorf("unknown channel type %q", ch.Type)
}

// participation computes the weighted participation gauge per neuron and
// window with rewards/ from the stored observations.
func (a *App) participation(ctx context.Context) (map[uint64]map[string]float64, error) {
	return a.participationOf(ctx, a.Store)
}

// participationOf is participation over one lane's store (an SNS
// observation weighs 1, see rewards.Observation.SNS).
func (a *App) participationOf(ctx context.Context, st *store.Store) (map[uint64]map[string]float64, error) {
	obs, err := st.Observations(ctx, store.ObservationFilter{})
	if err != nil {
		return nil, err
	}
	now := a.opts.Now()
	r := rewards.BuildReport(rewards.ReportInput{Economics: rewards.DefaultEconomics(rewards.RegimeCurrent),
		Now: now, Observations: obs})
	out := map[uint64]map[string]float64{}
	for _, n := range r.Neurons {
		out[n.Neuron] = map[string]float64{}
		for _, p := range n.Participation {
			if p.Counted > 0 { // no settled ballot yet: no ratio rather than a fake 1
				out[n.Neuron][p.Window.Name] = p.Fraction
			}
		}
	}
	return out, nil
}
