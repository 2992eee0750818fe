package daemon_test

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/agent"
	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/devnet/governance"
)

// TestLimitsOutliveReloadAndRestart: the concurrency limit the client
// learned is where the next client starts — the one a reload builds for a
// rotated hotkey, and the one the next process builds after a restart —
// instead of agent.DefaultInitialConcurrency. (How a client learns a limit
// and bursts from it is the agent's test; here it is handed one.)
func TestLimitsOutliveReloadAndRestart(t *testing.T) {
	e := newE2E(t, shortNNS(10*time.Minute, time.Hour))
	rotated := filepath.Join(e.dir, "rotated.pem")
	newKey, err := identity.WriteNew(rotated, identity.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	e.addNeurons([]governance.NeuronSpec{{ID: 1001, Controller: e.ctl, HotKeys: []principalT{e.bot, newKey.Identity.Sender()},
		StakeE8s: 10e8, DissolveDelay: 365 * 24 * time.Hour}})
	const body = "neurons: [{id: 1001}]\npolicies: {default: {fallback: none, default: follow}}\nlisten: 127.0.0.1:0\n"
	e.loadConfig(e.configf(body))
	path := filepath.Join(e.dir, "votebot.yaml")

	const learned = 48
	endpoint := agent.EndpointLabel(e.net.URL)
	updateLimit := func(app interface{ Governance() *agent.Governance }) int {
		t.Helper()
		return app.Governance().Endpoints()[0].Limit
	}

	app := e.assemble(nil)
	if got := updateLimit(app); got != agent.DefaultInitialConcurrency {
		t.Fatalf("first start: update limit %d, want the default %d", got, agent.DefaultInitialConcurrency)
	}
	app.Governance().StartFrom([]agent.HeldLimit{{Endpoint: endpoint, Kind: "update", Limit: learned, RTT: 2 * time.Second}})

	// A reload that rotates the hotkey builds new clients.
	old := app.Governance()
	withKey := strings.Replace(string(e.configf(body)), filepath.Join(e.dir, "hotkey.pem"), rotated, 1)
	if err := os.WriteFile(path, []byte(withKey), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := app.Reload(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	if app.Governance() == old {
		t.Fatal("the reload kept the old client: nothing handed over is tested")
	}
	if got := updateLimit(app); got != learned {
		t.Errorf("after a reload that rebuilt the client: update limit %d, want the %d that held", got, learned)
	}

	// A restart: the stopping daemon saves the limits, the next reads them.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	stop := runUntilStop(t, func(ctx context.Context) error { return app.Serve(ctx, ln, path) })
	stop()
	if err := app.Close(); err != nil {
		t.Fatal(err)
	}
	next := e.assemble(nil)
	t.Cleanup(func() { next.Close() })
	if got := updateLimit(next); got != learned {
		t.Errorf("after a restart: update limit %d, want the %d that held", got, learned)
	}
}
