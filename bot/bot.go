package bot

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/policy"
)

// Options tune the loop; zero values take the defaults.
type Options struct {
	Neurons         []NeuronConfig
	PollInterval    time.Duration // default 60 s
	AtRiskThreshold time.Duration // default 24 h
	RefreshWhenLeft time.Duration // default 30 d before decay starts
	// ClockSkewAlert: clock_skew fires when the local clock is further than
	// this from the IC's certified time (default 30 s); it is critical
	// beyond ClockSkewCritical (default 4 min).
	ClockSkewAlert, ClockSkewCritical time.Duration
	// EndpointsDownAfter: all_endpoints_down fires once every endpoint has
	// failed for this long (default 5 min).
	EndpointsDownAfter time.Duration
	// StaleIntervals: alert when no poll succeeded for this many intervals.
	StaleIntervals  int           // default 3
	VoteConcurrency int           // default 32
	CallTimeout     time.Duration // default 30 s
	RetryBackoff    time.Duration // default 5 s: next try after a transient failure
	KnownNeuronsTTL time.Duration // default 1 h
	// NeuronsTTL: neurons are re-read at most this often (default 5 min),
	// and always when a proposal's voting ended (a miss needs fresh
	// recent_ballots) or following is to be reconciled.
	NeuronsTTL time.Duration
	// NeuronsIdleTTL replaces NeuronsTTL while every open ballot is filled
	// and no new proposal appeared (default 30 min): then nothing is at
	// stake for hours, and re-reading 1,000 full neurons every 5 minutes
	// would be most of the idle daemon's CPU.
	NeuronsIdleTTL time.Duration
	ShutdownGrace  time.Duration // default 15 s: in-flight votes at SIGTERM
	// Retention: decisions, observations and resolved alerts older than
	// this are pruned once a day (default 400 days, store.retention).
	Retention time.Duration
	DryRun    bool
	// Standby: this instance is a standby (ha.role): it alerts on
	// proposals only when it took a ballot over or disagrees with the
	// chain (standby.go); its Decider holds the votes (takeover_after).
	Standby bool
	// FolloweeFallbacks: followee_unreliable fires when a followee's
	// silence made the fallback fill more ballots than this in 30 days.
	FolloweeFallbacks int
}

func (o Options) withDefaults() Options {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&o.PollInterval, 60*time.Second)
	def(&o.AtRiskThreshold, 24*time.Hour)
	def(&o.RefreshWhenLeft, 30*24*time.Hour)
	def(&o.CallTimeout, 30*time.Second)
	def(&o.RetryBackoff, 5*time.Second)
	def(&o.KnownNeuronsTTL, time.Hour)
	def(&o.NeuronsTTL, 5*time.Minute)
	def(&o.NeuronsIdleTTL, 30*time.Minute)
	def(&o.ShutdownGrace, 15*time.Second)
	def(&o.Retention, 400*24*time.Hour)
	def(&o.EndpointsDownAfter, 5*time.Minute)
	def(&o.ClockSkewAlert, 30*time.Second)
	def(&o.ClockSkewCritical, 4*time.Minute)
	if o.StaleIntervals <= 0 {
		o.StaleIntervals = 3
	}
	if o.VoteConcurrency <= 0 {
		o.VoteConcurrency = 32
	}
	return o
}

// Deps are the collaborators of the loop.
type Deps struct {
	Gov     Governance
	Errors  ErrorClassifier
	Store   Store
	Alerter Alerter
	Decider Decider
	Metrics Metrics // optional
	Logger  zerolog.Logger
	Now     func() time.Time // default time.Now
	// Participation computes weighted participation per neuron and window
	// from the stored observations (rewards/); optional.
	Participation func(ctx context.Context) (map[uint64]map[string]float64, error)
	// Notify receives systemd notifications ("READY=1", "WATCHDOG=1", ...);
	// optional.
	Notify func(state string)
	// Events receives a line per notable event (votes, alerts, proposals),
	// for the demo's progress output; optional.
	Events func(Event)
	// Governance names the DAO this loop votes in, as alerts and events
	// say it ("OpenChat"); empty for the NNS. An SNS's proposal and neuron
	// numbers repeat the NNS's, so every alert key carries it.
	Governance string
	// Gate is shared by the lanes of a Group: their votes run through it,
	// earliest deadline first across every governance. Optional.
	Gate *VoteGate
}

// Event is a notable thing the loop did, for progress output.
type Event struct {
	Time time.Time
	Kind string // "proposal", "vote", "would_vote", "alert", "resolved", "following", "refresh", "missed"
	// Governance is the DAO ("" for the NNS).
	Governance string
	Neuron     uint64
	Proposal   uint64
	Text       string
}

// Bot is the control loop. Create it with New; Run or Once drive it.
//
// Its state is grouped by who may touch it, so the type says what a
// goroutine may use: wiring is fixed at New; shared is changed by other
// goroutines (Reload, ReplaceGovernance) and taken by the loop, under its
// mutex; alertBook is touched by the loop, its vote workers and the
// daemon (FireConfigInvalid), under its own mutex; status is read by the
// HTTP goroutine (atomics); view is the console's copy of the last pass
// and marks the per-ballot facts, each with its own lock; loopState
// belongs to the pass goroutine alone (and to the vote workers it starts
// and waits for, which only read its gov).
type Bot struct {
	wiring
	shared
	alertBook
	status
	loopState
	view  view // for readers outside the loop (the console)
	marks *ballotMarks
}

// wiring are the collaborators, set by New and never changed.
type wiring struct {
	errs    ErrorClassifier
	store   Store
	alerter Alerter
	metrics Metrics
	log     zerolog.Logger
	now     func() time.Time
	partic  func(ctx context.Context) (map[uint64]map[string]float64, error)
	notify  func(string)
	events  func(Event)
	wake    chan struct{} // Wake → Run: start a pass now
	// governance is the DAO's name, "" for the NNS (Deps.Governance).
	governance string
	gate       *VoteGate
}

// shared is what a reload changes while the loop runs; every field is
// guarded by mu.
type shared struct {
	mu      sync.Mutex
	nextGov Governance // a reload's new client, taken at the next pass
	decider Decider
	opts    Options
	// reconcile is set at start and on reload: the next pass makes
	// on-chain following match the policy.
	reconcile bool
}

// alertBook is what the loop knows of alerts, for their texts and dedup;
// guarded by amu (votes run concurrently, and the daemon fires too).
type alertBook struct {
	amu    sync.Mutex
	titles map[uint64]policy.Proposal // for alert texts
	firing map[alert.Key]alert.Alert
}

// status is what the loop publishes for Ready (the HTTP goroutine).
type status struct {
	lastPollNano atomic.Int64 // the last successful poll
	storeBroken  atomic.Bool  // the store cannot keep writes
	// overridesErr is why the stored overrides cannot be read (nil: they
	// were read by the last pass).
	overridesErr atomic.Pointer[error]
}

// loopState is touched only by the pass goroutine.
type loopState struct {
	gov     Governance // the vote workers of a pass read it too
	started bool
	ready   bool
	// lastPoll is the last successful poll (status.lastPollNano for
	// other goroutines).
	lastPoll    time.Time
	failedPolls int
	// downSince is the first failed poll of an outage of every endpoint.
	downSince time.Time
	// unknownKinds are the unknown action tags and topics told of already.
	unknownKinds map[string]bool
	// downFrom is the previous process's last successful poll (from the
	// store) and upAt this one's start: the window a ballot went unseen.
	downFrom, upAt time.Time
	beatAt         time.Time // last heartbeat written
	// recheckInFlight: votes in flight before the restart still need their
	// ballots re-read.
	recheckInFlight bool
	// startFailures counts failed start-ups in a row (0 once started).
	startFailures int
	tracked       map[uint64]policy.Proposal // open proposals seen, until settled
	open          openCache                  // the last full read of the open proposals
	plannedRead   int                        // open.reads when a pass last planned ballots
	neuronReads   int                        // successful reads of the neurons so far
	allFilled     bool                       // the last pass found every open ballot filled
	lastPlans     []BallotPlan
	known         map[string]uint64
	knownAt       time.Time
	knownVotesAt  time.Time // last read of the known neurons' votes (followlog.go)
	followeeCheck bool      // a fallback acted: check the followees next pass (followlog.go)
	followeesAt   time.Time // when the followees were last checked (followlog.go)
	// followeeAlerted are the followee_unreliable keys fired by this process.
	followeeAlerted map[string]bool
	econ            *Economics
	neurons         map[uint64]Neuron // last successful read
	neuronsAt       time.Time
	checkedOnce     bool
	particAt        time.Time
	obsChanged      bool // observations recorded since the participation gauge was computed
	warnedCtl       map[uint64]bool
	loggedErr       time.Time
	prunedAt        time.Time
	firstTry        time.Time
	audit           auditState // the reward audit's last maturity snapshot (audit.go)
	supplyAt        time.Time  // the ledger's supply last recorded (records.go)
	// overrides are the stored overrides as last read, at overridesAt
	// (zero: not yet read by this process); see readOverrides.
	overrides   []policy.Override
	overridesAt time.Time
}

type ballotKey struct{ neuron, proposal uint64 }

// New checks the dependencies and returns a Bot.
func New(d Deps, opts Options) (*Bot, error) {
	switch {
	case d.Gov == nil:
		return nil, errors.New("bot: no governance client")
	case d.Store == nil:
		return nil, errors.New("bot: no store")
	case d.Alerter == nil:
		return nil, errors.New("bot: no alerter")
	case d.Decider == nil:
		return nil, errors.New("bot: no policy")
	case d.Errors == nil:
		return nil, errors.New("bot: no error classifier")
	}
	// No neurons is allowed: a config may vote SNS neurons only, and the
	// NNS lane then only polls (config.Load refuses a config with no
	// neuron in any governance).
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Metrics == nil {
		d.Metrics = noMetrics{}
	}
	b := &Bot{
		wiring: wiring{errs: d.Errors, store: d.Store, alerter: d.Alerter, metrics: d.Metrics, log: d.Logger,
			now: d.Now, partic: d.Participation, notify: d.Notify, events: d.Events, wake: make(chan struct{}, 1),
			governance: d.Governance, gate: d.Gate},
		shared:    shared{decider: d.Decider, opts: opts.withDefaults(), reconcile: true},
		alertBook: alertBook{titles: map[uint64]policy.Proposal{}, firing: map[alert.Key]alert.Alert{}},
		loopState: loopState{gov: d.Gov, tracked: map[uint64]policy.Proposal{}, warnedCtl: map[uint64]bool{},
			unknownKinds: map[string]bool{}},
		marks: newBallotMarks(),
	}
	b.metrics.SetNeurons(b.opts.Neurons)
	return b, nil
}

// Reload swaps in a new policy and options (from a reloaded config); the
// next pass reconciles following.
func (b *Bot) Reload(d Decider, opts Options) {
	b.mu.Lock()
	b.decider, b.opts, b.reconcile = d, opts.withDefaults(), true
	b.mu.Unlock()
	b.metrics.SetNeurons(opts.Neurons)
	b.Wake()
}

// Wake makes Run start a pass now (e.g. after an override was stored).
func (b *Bot) Wake() {
	select {
	case b.wake <- struct{}{}:
	default:
	}
}

// ReplaceGovernance makes the next pass use g (a reload changed the network
// or the identity); the last full read of the open proposals is dropped.
func (b *Bot) ReplaceGovernance(g Governance) {
	b.mu.Lock()
	b.nextGov = g
	b.reconcile = true
	b.mu.Unlock()
	b.Wake()
}

// settings are the policy and options in force; they change nothing.
func (s *shared) settings() (Decider, Options) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.decider, s.opts
}

// takeReconcile reports whether following is to be reconciled and clears
// the request: the pass that took it puts it back (requestReconcile) when
// it could not do it.
func (s *shared) takeReconcile() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	r := s.reconcile
	s.reconcile = false
	return r
}

// requestReconcile makes the next pass reconcile following.
func (s *shared) requestReconcile() {
	s.mu.Lock()
	s.reconcile = true
	s.mu.Unlock()
}

// takeNewGovernance returns a reload's replacement client (nil when none)
// and clears it.
func (s *shared) takeNewGovernance() Governance {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.nextGov
	s.nextGov = nil
	return g
}

func (b *Bot) emit(kind string, neuron, proposal uint64, format string, args ...any) {
	if b.events == nil {
		return
	}
	b.events(Event{Time: b.now(), Kind: kind, Governance: b.governance, Neuron: neuron, Proposal: proposal,
		Text: fmt.Sprintf(format, args...)})
}

// fire raises an alert unless it is already firing from this process; the
// Alerter deduplicates across restarts and sends reminders.
func (b *Bot) fire(ctx context.Context, a alert.Alert) {
	a.Governance = b.governance
	key := a.ID()
	if _, opts := b.settings(); opts.Standby && quietOnStandby(a.Kind) {
		b.log.Debug().Stringer("alert", key).Msg("standby: the primary alerts on this")
		return
	}
	b.describe(&a)
	b.amu.Lock()
	_, already := b.firing[key]
	if a.Resolvable() {
		b.firing[key] = a
	}
	b.amu.Unlock()
	if _, err := b.alerter.Fire(ctx, a); err != nil {
		b.log.Error().Err(err).Stringer("alert", key).Msg("alert delivery failed")
	}
	if !already {
		b.log.Warn().Stringer("alert", key).Str("kind", string(a.Kind)).Uint64("neuron", a.Neuron).
			Uint64("proposal", a.ProposalID).Msg(a.Headline)
		b.emit("alert", a.Neuron, a.ProposalID, "%s: %s", a.Kind, a.Headline)
	}
	b.updateFiring()
}

// resolve clears an alert if this process fired it.
func (b *Bot) resolve(ctx context.Context, kind alert.Kind, neuron, proposal uint64) {
	b.resolveWith(ctx, kind, neuron, proposal, "")
}

// resolveWith clears an alert, saying why in the resolution when text is
// set (a ballot at risk that ended missed is not "fine").
func (b *Bot) resolveWith(ctx context.Context, kind alert.Kind, neuron, proposal uint64, text string) {
	b.amu.Lock()
	if len(b.firing) == 0 { // the common case, checked for every filled ballot each pass
		b.amu.Unlock()
		return
	}
	key := alert.Key{Kind: kind, Governance: b.governance, Neuron: neuron, ProposalID: proposal}
	a, ok := b.firing[key]
	delete(b.firing, key)
	b.amu.Unlock()
	if !ok {
		return
	}
	if text != "" {
		a.Text = text
	}
	if _, err := b.alerter.Resolve(ctx, a); err != nil {
		b.log.Error().Err(err).Stringer("alert", key).Msg("alert resolution failed")
	}
	b.log.Info().Stringer("alert", key).Msg("alert resolved")
	b.emit("resolved", neuron, proposal, "%s resolved", kind)
	b.updateFiring()
}

func (b *Bot) updateFiring() {
	counts := map[alert.Kind]int{}
	b.amu.Lock()
	for _, a := range b.firing {
		counts[a.Kind]++
	}
	b.amu.Unlock()
	b.metrics.AlertsFiring(counts)
}

func (b *Bot) isDirect(k ballotKey) bool { return b.marks.has(k, markDirect) }

// describe fills an alert's alias, topic and proposal title.
func (b *Bot) describe(a *alert.Alert) {
	_, opts := b.settings()
	for _, nc := range opts.Neurons {
		if nc.ID == a.Neuron {
			a.NeuronAlias = nc.Alias
		}
	}
	if a.ProposalID == 0 {
		return
	}
	b.amu.Lock()
	p, ok := b.titles[a.ProposalID]
	b.amu.Unlock()
	if ok {
		a.Topic, a.Title, a.Summary = p.TopicName(), p.Title, p.Summary
		if p.SNS != nil {
			a.SNSRoot = p.SNS.Root
		}
	}
}

func (b *Bot) FireConfigInvalid(ctx context.Context, err error) {
	b.fire(ctx, alert.Alert{Kind: alert.KindConfigInvalid, Severity: alert.SeverityWarning,
		Headline: "Configuration reload failed", Text: "The new configuration is invalid; the old one stays in force: " + err.Error()})
}

func (b *Bot) ResolveConfigInvalid(ctx context.Context) {
	b.resolve(ctx, alert.KindConfigInvalid, 0, 0)
}
