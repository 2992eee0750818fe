// Package nnslocal runs a local NNS in one call: the devnet protocol server
// with the governance canister installed, its admin API, and an optional
// scenario. Tests, `votebot demo` and `votebot devnet` use it.
package nnslocal

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/rs/zerolog"
	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/ledger"
	"github.com/votebot/votebot/devnet/snsgov"
)

// Options configure a local NNS.
type Options struct {
	// Listen is the TCP address; "" means 127.0.0.1:0 (a free port).
	Listen string
	// KeyFile keeps the root key across restarts ("" = ephemeral key).
	KeyFile string
	// Scenario, or ScenarioFile when Scenario is nil, sets economics,
	// neurons and scheduled proposals. Neither: mainnet defaults, no neurons.
	Scenario     *governance.Scenario
	ScenarioFile string
	// Now is the governance clock's base (nil: time.Now); Advance and
	// POST /_/devnet/advance add to it. HTTP-visible time always stays the
	// wall clock.
	Now func() time.Time
	// Logger receives the scenario's events (proposals made and decided, reward events,
	// following cleared) at info and every request at debug.
	Logger zerolog.Logger
	// TickInterval is how often scheduled events and time transitions are
	// applied while nobody calls (default 200 ms).
	TickInterval time.Duration
	// TimeScale, when positive, compresses (< 1) or stretches the
	// scenario's timeline: periods, proposal and vote offsets and
	// voting_power_refreshed_ago are multiplied by it; dissolve delays and
	// ages are not. `votebot demo` plays its scenario's 120 hours in
	// --duration this way.
	TimeScale float64
	// Configure, if set, adjusts the governance configuration derived from
	// the scenario (tests use it for short periods); it runs after scaling.
	Configure func(*governance.Config)
	// ClockOffset shifts the network's clock from the wall clock, e.g.
	// -10m: governance time and everything a client sees (certificate
	// time, query timestamps, ingress expiry checks) run offset, as if the
	// client's clock were off by -ClockOffset.
	ClockOffset time.Duration
	// ReplyLimits bound canister reply sizes (zero: the replica's 2 MiB
	// replicated and 3 MiB non-replicated limits).
	ReplyLimits devnet.ReplyLimits
	// Pace, when not zero, replaces the scenario's pace section: update
	// and query latency, rate limit, execution time. Wall time: TimeScale
	// does not scale it.
	Pace devnet.Pace
}

// Network is a running local NNS.
type Network struct {
	// URL is the base URL agents use, e.g. http://127.0.0.1:4943.
	URL string
	// RootKey is the DER-encoded root key agents must pin.
	RootKey    []byte
	Governance *governance.Canister
	Server     *devnet.Server
	Runner     *governance.ScenarioRunner
	// SNSes are the scenario's SNS DAOs, in the order written; SNS-W lists them.
	SNSes []SNS

	clock  *offsetClock
	gate   *gate
	stepMu sync.Mutex // the clock loop and Advance both step the runner
	cancel context.CancelFunc
	done   chan struct{}
	mu     sync.Mutex
	err    error
}

// SNS is one running devnet SNS: its canister ids and its scenario runner (the governance
// canister is Runner.Canister()).
type SNS struct {
	Name   string
	IDs    snsgov.Deployed
	Runner *snsgov.ScenarioRunner
}

// Start builds the devnet, installs governance, applies the scenario and
// starts serving; it returns once the listener accepts connections.
func Start(ctx context.Context, opts Options) (*Network, error) {
	base := opts.Now
	if base == nil {
		base = time.Now
	}
	if off := opts.ClockOffset; off != 0 {
		wall := base
		base = func() time.Time { return wall().Add(off) }
	}
	clock := &offsetClock{base: base}
	now := clock.Now
	scenario := opts.Scenario
	if scenario == nil && opts.ScenarioFile != "" {
		var err error
		if scenario, err = governance.LoadScenario(opts.ScenarioFile); err != nil {
			return nil, err
		}
	}
	if scenario == nil {
		scenario = &governance.Scenario{}
	}
	start := now()
	cfg := scenario.Config(start, now)
	if opts.TimeScale > 0 {
		scenario = scaleScenario(scenario, opts.TimeScale)
		scaleConfig(&cfg, opts.TimeScale)
	}
	cfg.Log = opts.Logger
	if opts.Configure != nil {
		opts.Configure(&cfg)
	}
	gov, err := governance.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("nnslocal: %w", err)
	}
	if err := scenario.Apply(gov); err != nil {
		return nil, err
	}
	pace := scenario.Pace
	if opts.Pace.On() {
		pace = opts.Pace
	}
	srv, err := devnet.New(devnet.Config{KeyFile: opts.KeyFile, Logger: opts.Logger, Now: now,
		ClockOffset: opts.ClockOffset, ReplyLimits: opts.ReplyLimits, Pace: pace})
	if err != nil {
		return nil, fmt.Errorf("nnslocal: %w", err)
	}
	if err := srv.Install(gov); err != nil {
		return nil, fmt.Errorf("nnslocal: %w", err)
	}
	// The ledger's supply is the one governance prices reward pools with.
	supply := gov.Config().TotalSupplyE8s
	if err := srv.Install(ledger.New(func() uint64 { return supply })); err != nil {
		return nil, fmt.Errorf("nnslocal: %w", err)
	}
	snses, err := startSNSes(srv, scenario, start, now, opts.TimeScale)
	if err != nil {
		return nil, err
	}
	srv.Handle(governance.AdminPrefix, gov.AdminHandler())
	listen := opts.Listen
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", listen)
	if err != nil {
		return nil, fmt.Errorf("nnslocal: listen: %w", err)
	}
	g := newGate(l)
	ctx, cancel := context.WithCancel(ctx)
	n := &Network{
		URL:        "http://" + l.Addr().String(),
		RootKey:    srv.RootKey(),
		Governance: gov,
		Server:     srv,
		Runner:     scenario.Runner(gov, start),
		SNSes:      snses,
		clock:      clock,
		gate:       g,
		cancel:     cancel,
		done:       make(chan struct{}),
	}
	srv.Handle("POST "+governance.AdminPrefix+"advance", http.HandlerFunc(n.serveAdvance))
	interval := opts.TickInterval
	if interval <= 0 {
		interval = 200 * time.Millisecond
	}
	var wg sync.WaitGroup
	wg.Add(2)
	go func() {
		defer wg.Done()
		n.setErr(srv.Serve(ctx, g))
		cancel() // the server stopped: stop the clock loop too
	}()
	go func() {
		defer wg.Done()
		n.runClock(ctx, now, interval, opts.Logger)
	}()
	go func() {
		wg.Wait()
		close(n.done)
	}()
	// Events due at start (at: 0s) happen before the first call.
	for _, err := range n.Step(now()) {
		opts.Logger.Warn().Err(err).Msg("scenario event failed")
	}
	return n, nil
}

// startSNSes parses the scenario's snses: section, starts each SNS's governance, root and ledger and
// lists them in SNS-W, which is served even with no SNS (list_deployed_snses answers empty).
func startSNSes(srv *devnet.Server, scenario *governance.Scenario, start time.Time, now func() time.Time, timeScale float64) ([]SNS, error) {
	specs, err := snsgov.ParseScenario(scenario.SNSes, scenario.BaseDir)
	if err != nil {
		return nil, fmt.Errorf("scenario: %w", err)
	}
	wasm := &snsgov.Wasm{}
	var out []SNS
	for k, spec := range specs {
		if timeScale > 0 {
			spec = scaleSNS(spec, timeScale)
		}
		ids := snsgov.IDs(k)
		r, err := spec.Start(ids.Governance, start, now)
		if err != nil {
			return nil, fmt.Errorf("nnslocal: %w", err)
		}
		gov := r.Canister()
		tokens := ledger.NewToken(ids.Ledger, gov.Symbol(), gov.TotalSupplyE8s)
		for _, c := range []devnet.Canister{gov, &snsgov.Root{Deployed: ids}, tokens} {
			if err := srv.Install(c); err != nil {
				return nil, fmt.Errorf("nnslocal: sns %q: %w", spec.Config.Name, err)
			}
		}
		wasm.Register(ids)
		out = append(out, SNS{Name: spec.Config.Name, IDs: ids, Runner: r})
	}
	if err := srv.Install(wasm); err != nil {
		return nil, fmt.Errorf("nnslocal: %w", err)
	}
	return out, nil
}

// Step applies scenario events due at t and time transitions; the clock
// loop calls it, and tests on a fake clock may too.
func (n *Network) Step(t time.Time) []error {
	n.stepMu.Lock()
	defer n.stepMu.Unlock()
	errs := n.Runner.Step(t)
	n.Governance.Tick()
	for _, s := range n.SNSes {
		errs = append(errs, s.Runner.Step(t)...)
	}
	return errs
}

func (n *Network) runClock(ctx context.Context, now func() time.Time, interval time.Duration, log zerolog.Logger) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			for _, err := range n.Step(now()) {
				log.Warn().Err(err).Msg("scenario event failed")
			}
		}
	}
}

// ProposalID is the id of the scenario's i-th proposal once it was made.
// Use it rather than Runner.ProposalID while the network runs.
func (n *Network) ProposalID(i int) (uint64, bool) {
	n.stepMu.Lock()
	defer n.stepMu.Unlock()
	return n.Runner.ProposalID(i)
}

// RootKeyHex is the root key as hex, as configurations write it.
func (n *Network) RootKeyHex() string { return hex.EncodeToString(n.RootKey) }

// ReadyLine is the line `votebot devnet` prints once serving.
func (n *Network) ReadyLine() string { return devnet.ReadyLine(n.URL, n.RootKey) }

// Close stops the network and waits for it; it returns the serve error, if
// any.
func (n *Network) Close() error {
	n.cancel()
	return n.Wait()
}

// Wait blocks until the network has stopped (its context was cancelled or
// serving failed).
func (n *Network) Wait() error {
	<-n.done
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.err
}

// Done is closed once the network has stopped.
func (n *Network) Done() <-chan struct{} { return n.done }

func (n *Network) setErr(err error) {
	if err == nil || errors.Is(err, context.Canceled) {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	n.err = err
}
