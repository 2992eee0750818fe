package bot

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
)

// sink is an alert.Notifier that keeps what it was sent.
type sink struct {
	mu   sync.Mutex
	sent []alert.Alert
}

func (s *sink) Send(_ context.Context, a alert.Alert) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sent = append(s.sent, a)
	return nil
}

func (s *sink) of(kind alert.Kind) []alert.Alert {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []alert.Alert
	for _, a := range s.sent {
		if a.Kind == kind {
			out = append(out, a)
		}
	}
	return out
}

// An unvoted proposal is first a warning (chat), and becomes critical near
// the deadline, which the manager escalates to the pager at once. The
// proposal's summary travels with the alert.
func TestManagerAlerterSeverityEscalatesAndSummary(t *testing.T) {
	h := newHarness(t, 1)
	h.dec.rules[nns.TopicGovernance] = "manual-nofallback"
	chat, pager := &sink{}, &sink{}
	mgr, err := alert.NewManager(alert.ManagerConfig{Instance: "test", State: alert.NewMemoryState(), Now: h.clk.Now,
		Routes: []alert.Route{{Name: "chat", Notifier: chat},
			{Name: "page", Notifier: pager, MinSeverity: alert.SeverityCritical}}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := New(Deps{Gov: h.gov, Errors: fakeErrs{}, Store: h.store, Decider: h.dec, Metrics: h.m,
		Alerter: ManagerAlerter{M: mgr, Log: zerolog.New(io.Discard)},
		Logger:  zerolog.New(io.Discard), Now: h.clk.Now}, h.opts)
	if err != nil {
		t.Fatal(err)
	}
	h.bot = b
	h.step(0)
	p := h.gov.addProposal(7, nns.TopicGovernance, 3*time.Hour)
	p.Summary = "Raise the **limit**."

	h.step(92 * time.Minute) // 88 min left, inside the 90 min threshold
	got := chat.of(alert.KindProposalAtRisk)
	if len(got) != 1 || got[0].EffectiveSeverity() != alert.SeverityWarning {
		t.Fatalf("at-risk alerts in chat with 88 min left: %+v, want one warning", got)
	}
	if got[0].Summary != p.Summary {
		t.Errorf("at-risk summary %q, want the proposal's %q", got[0].Summary, p.Summary)
	}
	if n := len(pager.of(alert.KindProposalAtRisk)); n != 0 {
		t.Fatalf("pager got %d at-risk alerts with 88 min left, want 0", n)
	}
	h.step(30 * time.Minute) // 58 min left: critical
	got = pager.of(alert.KindProposalAtRisk)
	if len(got) != 1 || got[0].EffectiveSeverity() != alert.SeverityCritical {
		t.Fatalf("pager at-risk alerts with 58 min left: %+v, want one critical", got)
	}
	h.step(time.Minute) // no duplicate while it stays critical
	if n := len(pager.of(alert.KindProposalAtRisk)); n != 1 {
		t.Errorf("pager got %d at-risk alerts, want 1", n)
	}
}

// config_invalid and neuron_dissolving reach the channels (they were once
// only logged), and config_invalid resolves.
func TestManagerAlerterDeliversDaemonKinds(t *testing.T) {
	ch := &sink{}
	mgr, err := alert.NewManager(alert.ManagerConfig{Instance: "test", State: alert.NewMemoryState(),
		Routes: []alert.Route{{Name: "chat", Notifier: ch}}})
	if err != nil {
		t.Fatal(err)
	}
	a := ManagerAlerter{M: mgr, Log: zerolog.New(io.Discard)}
	ctx := context.Background()
	cfgAlert := Alert{Kind: AlertConfigInvalid, Severity: SeverityWarning, Resolvable: true, Text: "bad yaml"}
	for _, al := range []Alert{cfgAlert,
		{Kind: AlertNeuronDissolves, Severity: SeverityWarning, Neuron: 5, Resolvable: true, Text: "dissolving"}} {
		if err := a.Fire(ctx, al); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Resolve(ctx, cfgAlert.Key()); err != nil {
		t.Fatal(err)
	}
	got := ch.of(alert.KindConfigInvalid)
	if len(got) != 2 || got[0].Resolved || !got[1].Resolved {
		t.Errorf("config_invalid messages %+v, want fired then resolved", got)
	}
	if got := ch.of(alert.KindNeuronDissolving); len(got) != 1 || got[0].Neuron != 5 {
		t.Errorf("neuron_dissolving messages %+v, want one for neuron 5", got)
	}
}

// A process that starts has a valid configuration in force: a
// config_invalid left firing by the previous process is resolved.
func TestStartResolvesConfigInvalidFromBefore(t *testing.T) {
	h := newHarness(t, 1)
	ch := &sink{}
	mgr, err := alert.NewManager(alert.ManagerConfig{Instance: "test", State: alert.NewMemoryState(), Now: h.clk.Now,
		Routes: []alert.Route{{Name: "chat", Notifier: ch}}})
	if err != nil {
		t.Fatal(err)
	}
	al := ManagerAlerter{M: mgr, Log: zerolog.New(io.Discard)}
	if err := al.Fire(context.Background(), Alert{Kind: AlertConfigInvalid, Resolvable: true, Text: "bad yaml"}); err != nil {
		t.Fatal(err)
	}
	b, err := New(Deps{Gov: h.gov, Errors: fakeErrs{}, Store: h.store, Decider: h.dec, Metrics: h.m,
		Alerter: al, Logger: zerolog.New(io.Discard), Now: h.clk.Now}, h.opts)
	if err != nil {
		t.Fatal(err)
	}
	h.bot = b
	h.step(0)
	got := ch.of(alert.KindConfigInvalid)
	if len(got) != 2 || !got[1].Resolved {
		t.Errorf("config_invalid messages %+v, want fired then resolved at start", got)
	}
}
