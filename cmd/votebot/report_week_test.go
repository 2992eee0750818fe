package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet/demo"
	"github.com/votebot/votebot/devnet/nnslocal"
	"github.com/votebot/votebot/rewards"
)

type discardNotifier struct{}

func (discardNotifier) Send(context.Context, alert.Alert) error { return nil }

// weekStore plays the demo's week compressed into d against the devnet with
// the daemon (daemon.Assemble, the loop) and returns its configuration
// file, once the daemon has stopped and closed its store.
func weekStore(t *testing.T, d time.Duration) (cfgPath string, net *nnslocal.Network) {
	t.Helper()
	dir := t.TempDir()
	key, err := identity.WriteNew(filepath.Join(dir, "hotkey.pem"), identity.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	week, err := demo.NewWeek(d, key.Identity.Sender())
	if err != nil {
		t.Fatal(err)
	}
	net, err = nnslocal.Start(context.Background(), nnslocal.Options{Scenario: week.Scenario, TimeScale: week.TimeScale,
		Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = net.Close() })
	raw, err := week.Config(net.URL, net.RootKeyHex(), key.Path, filepath.Join(dir, "votebot.db"))
	if err != nil {
		t.Fatal(err)
	}
	cfgPath = filepath.Join(dir, "votebot.yaml")
	if err := os.WriteFile(cfgPath, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	week.Compress(cfg)
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	app, err := daemon.Assemble(ctx, daemon.AppOptions{Config: cfg, Logger: zerolog.Nop(),
		Routes: []alert.Route{{Name: "test", Notifier: discardNotifier{}}},
		Tune:   func(o *bot.Options) { o.PollInterval = 250 * time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Bot.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if err := app.Close(); err != nil {
		t.Fatal(err)
	}
	return cfgPath, net
}

// TestReportAfterCompressedWeek: after a compressed week run by the daemon,
// `votebot report` on its store, with no flag but the config, fills every
// column: voting power and decay from the daemon's neuron reads, rewards
// priced with the supply it read from the ledger, and EARNED equal to the
// maturity the reward audit saw arrive.
func TestReportAfterCompressedWeek(t *testing.T) {
	if testing.Short() {
		t.Skip("plays a 30 s devnet week")
	}
	t.Parallel()
	cfgPath, net := weekStore(t, 30*time.Second)

	code, out, errs := runReportCmd(t, "--config", cfgPath, "--json")
	if code != 0 {
		t.Fatalf("report --json: exit %d: %s", code, errs)
	}
	var r rewards.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if want := net.Governance.Config().TotalSupplyE8s; r.SupplyE8s != want {
		t.Errorf("supply %d, want the ledger's %d", r.SupplyE8s, want)
	}
	if len(r.Warnings) != 0 {
		t.Errorf("warnings: %q", r.Warnings)
	}
	received := map[uint64]int64{}
	for _, a := range r.Audit {
		if a.Status != rewards.AuditMaturityLeft && r.Window.Contains(a.Event.At) {
			received[a.Neuron] += a.ReceivedE8s
		}
	}
	if len(r.Neurons) != len(demo.BotNeurons) {
		t.Fatalf("%d neurons in the report, want %d", len(r.Neurons), len(demo.BotNeurons))
	}
	for _, n := range r.Neurons {
		if n.PotentialVP == nil || n.DecidingVP == nil || n.DecayStarts == nil || n.DaysUntilDecay == nil ||
			n.EarnedE8s == nil || n.LostE8s == nil || n.ExpectedDailyE8s == nil || n.ExpectedYearlyE8s == nil {
			t.Errorf("neuron %d (%s) has empty fields: %s", n.Neuron, n.Name, mustJSON(n))
			continue
		}
		if received[n.Neuron] <= 0 {
			t.Errorf("neuron %d: the audit saw no maturity arrive (%d e8s): %+v", n.Neuron, received[n.Neuron], r.Audit)
		}
		if n.EarnedFrom != rewards.EarnedFromAudit || *n.EarnedE8s != float64(received[n.Neuron]) {
			t.Errorf("neuron %d earned %.0f e8s (%s), the audit says %d received", n.Neuron, *n.EarnedE8s, n.EarnedFrom, received[n.Neuron])
		}
	}

	code, out, errs = runReportCmd(t, "--config", cfgPath)
	if code != 0 {
		t.Fatalf("report: exit %d: %s", code, errs)
	}
	t.Logf("votebot report --config %s\n%s", cfgPath, out)
	lines := strings.Split(out, "\n")
	for i, l := range lines {
		if !strings.HasPrefix(l, "NEURON") {
			continue
		}
		for _, row := range lines[i+1 : i+1+len(demo.BotNeurons)] {
			for _, cell := range strings.Fields(row) {
				if cell == "-" || strings.HasPrefix(cell, "~") {
					t.Errorf("report row with an empty or approximate cell: %q", row)
					break
				}
			}
		}
		break
	}
}

func mustJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
