package daemon_test

import (
	"context"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/rs/zerolog"

	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/nnslocal"
	"github.com/votebot/votebot/rewards"
	"github.com/votebot/votebot/store"
)

// alertRec is an alert channel that records what is delivered.
type alertRec struct {
	mu  sync.Mutex
	got []alert.Alert
}

func (r *alertRec) Send(_ context.Context, a alert.Alert) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, a)
	return nil
}

// count returns first messages, reminders and resolutions for a key.
func (r *alertRec) count(key string) (first, reminders, resolved int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, a := range r.got {
		if a.Key != key {
			continue
		}
		switch {
		case a.Resolved:
			resolved++
		case a.Reminder > 0:
			reminders++
		default:
			first++
		}
	}
	return
}

func (r *alertRec) keys(kind alert.Kind) map[string]bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]bool{}
	for _, a := range r.got {
		if a.Kind == kind {
			out[a.Key] = true
		}
	}
	return out
}

type e2e struct {
	t      *testing.T
	dir    string
	bot    principal.Principal
	ctl    principal.Principal
	net    *nnslocal.Network
	cfg    *config.Config
	alerts *alertRec
}

// newE2E makes the keys and starts a devnet whose canister is configured
// by gov; neurons and config follow.
func newE2E(t *testing.T, gov governance.Config) *e2e {
	t.Helper()
	e := newKeys(t)
	e.start(nnslocal.Options{Configure: func(c *governance.Config) {
		now := c.Now
		*c = gov
		if c.Now == nil {
			c.Now = now
		}
	}})
	return e
}

// start runs the devnet for the test.
func (e *e2e) start(opts nnslocal.Options) {
	e.t.Helper()
	n, err := nnslocal.Start(context.Background(), opts)
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { n.Close() })
	e.net = n
}

// newKeys makes the bot's hotkey (a PEM file) and a controller.
func newKeys(t *testing.T) *e2e {
	t.Helper()
	dir := t.TempDir()
	key, err := identity.WriteNew(filepath.Join(dir, "hotkey.pem"), identity.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	_, ctl, err := identity.Generate(identity.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	return &e2e{t: t, dir: dir, bot: key.Identity.Sender(), ctl: ctl.Sender(), alerts: &alertRec{}}
}

func (e *e2e) addNeurons(specs []governance.NeuronSpec) {
	e.t.Helper()
	for _, s := range specs {
		if _, err := e.net.Governance.AddNeuron(s); err != nil {
			e.t.Fatalf("neuron %d: %v", s.ID, err)
		}
	}
}

// loadConfig writes and loads the bot configuration.
func (e *e2e) loadConfig(raw []byte) {
	e.t.Helper()
	path := filepath.Join(e.dir, "votebot.yaml")
	if err := os.WriteFile(path, raw, 0o600); err != nil {
		e.t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		e.t.Fatal(err)
	}
	e.cfg = cfg
}

func (e *e2e) assemble(tune func(*bot.Options)) *daemon.App {
	e.t.Helper()
	app, err := daemon.Assemble(context.Background(), daemon.AppOptions{Config: e.cfg, Logger: zerolog.Nop(),
		Routes: []alert.Route{{Name: "rec", Notifier: e.alerts}}, Tune: tune})
	if err != nil {
		e.t.Fatal(err)
	}
	return app
}

func (e *e2e) storePath() string { return filepath.Join(e.dir, "votebot.db") }

// participation is the all-time weighted participation per neuron.
func participation(t *testing.T, st *store.Store, now time.Time) map[uint64]rewards.Participation {
	t.Helper()
	obs, err := st.Observations(context.Background(), store.ObservationFilter{})
	if err != nil {
		t.Fatal(err)
	}
	econ := rewards.DefaultEconomics(rewards.RegimeCurrent)
	w, _ := rewards.ParseWindow("all", econ, now)
	r := rewards.BuildReport(rewards.ReportInput{Economics: econ, Now: now, Window: w,
		Observations: obs})
	out := map[uint64]rewards.Participation{}
	for _, n := range r.Neurons {
		out[n.Neuron] = n.Selected
	}
	return out
}

// runUntilStop runs run (app.Bot.Run, app.Serve) in a goroutine until the
// returned stop is called (defer it so that it runs before app.Close), and
// fails the test if run ends in an error.
func runUntilStop(t *testing.T, run func(context.Context) error) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- run(ctx) }()
	return func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}
}

func skipLong(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("end-to-end test against the devnet; skipped with -short")
	}
}
