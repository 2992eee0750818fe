package daemon_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/rewards"
)

const reloadConfig = `
neurons: [{id: 1001, alias: %s}]
`

// TestReloadKeepsOldConfigOnError: SIGHUP with a broken file keeps the
// configuration in force and sets votebot_config_last_reload_successful 0;
// a good file applies and sets it back to 1.
func TestReloadKeepsOldConfigOnError(t *testing.T) {
	e := newE2E(t, governance.Config{Economics: rewards.DefaultEconomics(rewards.RegimeCurrent)})
	e.addNeurons([]governance.NeuronSpec{{ID: 1001, Controller: e.ctl, HotKeys: []principalT{e.bot}, StakeE8s: 1e9, DissolveDelay: 365 * 24 * time.Hour}})
	write := func(body string) string {
		p := e.dir + "/votebot.yaml"
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	path := write(string(e.configf(reloadConfig, "first")))
	e.loadConfig(mustRead(t, path))
	app := e.assemble(nil)
	defer app.Close()
	ctx := context.Background()
	if _, err := app.Bot.Once(ctx); err != nil {
		t.Fatal(err)
	}
	write("neurons: [{id: not-a-number}]\nbogus_key: 1\n")
	if err := app.Reload(ctx, path); err == nil {
		t.Fatal("reload of a broken file succeeded")
	}
	if got := testutil.ToFloat64(app.Metrics.ConfigReloadOK); got != 0 {
		t.Errorf("config_last_reload_successful = %v after a failed reload, want 0", got)
	}
	if app.Config().Neurons[0].Alias != "first" {
		t.Errorf("the old configuration was not kept: %+v", app.Config().Neurons)
	}
	if _, err := app.Bot.Once(ctx); err != nil {
		t.Errorf("pass after failed reload: %v", err)
	}
	write(string(e.configf(reloadConfig, "second")))
	if err := app.Reload(ctx, path); err != nil {
		t.Fatal(err)
	}
	if got := testutil.ToFloat64(app.Metrics.ConfigReloadOK); got != 1 || app.Config().Neurons[0].Alias != "second" {
		t.Errorf("after a good reload: gauge %v, alias %q", got, app.Config().Neurons[0].Alias)
	}
}

func mustRead(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
