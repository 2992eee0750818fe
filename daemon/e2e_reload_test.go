package daemon_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/votebot/votebot/daemon"
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

// TestReloadWhileConsoleServes: SIGHUPs while the console serves pages. The
// configuration the console and the HTTP handlers read is published whole,
// so `go test -race` finds no data race between a reload and a request, and
// every reload is applied.
func TestReloadWhileConsoleServes(t *testing.T) {
	e := newE2E(t, governance.Config{Economics: rewards.DefaultEconomics(rewards.RegimeCurrent)})
	e.addNeurons([]governance.NeuronSpec{{ID: 1001, Controller: e.ctl, HotKeys: []principalT{e.bot}, StakeE8s: 1e9, DissolveDelay: 365 * 24 * time.Hour}})
	token := e.dir + "/console-token"
	if err := os.WriteFile(token, []byte("token-A-0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	path := e.dir + "/votebot.yaml"
	body := func(alias string) []byte {
		return e.configf("neurons: [{id: 1001, alias: %s}]\nconsole: {token_file: %s}\n", alias, token)
	}
	e.loadConfig(body("first"))
	app := e.assemble(nil)
	defer app.Close()
	h, err := app.ConsoleHandler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	defer srv.Close()
	metricsSrv := httptest.NewServer(daemon.Handler(app.Metrics, app.Ready))
	defer metricsSrv.Close()
	ctx := context.Background()
	if _, err := app.Bot.Once(ctx); err != nil {
		t.Fatal(err)
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var pages atomic.Int64
	for _, u := range []string{srv.URL + "/", srv.URL + "/proposals", srv.URL + "/history", metricsSrv.URL + "/readyz"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				res, err := http.Get(u)
				if err != nil {
					t.Error(err)
					return
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if app.Config().Neurons[0].Alias == "" { // read as a handler reads it
					t.Error("a configuration without its neuron's alias was published")
				}
				pages.Add(1)
			}
		}()
	}
	for i := range 20 {
		alias := fmt.Sprintf("alias%d", i)
		if err := os.WriteFile(path, body(alias), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := app.Reload(ctx, path); err != nil {
			t.Fatal(err)
		}
		if got := app.Config().Neurons[0].Alias; got != alias {
			t.Fatalf("after reload %d the alias in force is %q", i, got)
		}
	}
	for pages.Load() < 40 { // the requests overlapped the reloads
		time.Sleep(time.Millisecond)
	}
	close(stop)
	wg.Wait()
}
