package daemon_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/rewards"
)

// webhookRec is a webhook endpoint that counts what it receives.
type webhookRec struct {
	mu   sync.Mutex
	got  []string
	srv  *httptest.Server
	name string
}

func newWebhookRec(t *testing.T, name string) *webhookRec {
	t.Helper()
	h := &webhookRec{name: name}
	h.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.got = append(h.got, string(b))
		h.mu.Unlock()
	}))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *webhookRec) count(sub string) int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, g := range h.got {
		if strings.Contains(g, sub) {
			n++
		}
	}
	return n
}

// SIGHUP after rotating a leaked webhook URL sends the next alerts to the
// new URL only, and says which changed keys wait for a restart.
func TestReloadRebuildsAlertChannels(t *testing.T) {
	e := newE2E(t, governance.Config{Economics: rewards.DefaultEconomics(rewards.RegimeCurrent)})
	e.addNeurons([]governance.NeuronSpec{{ID: 1001, Controller: e.ctl, HotKeys: []principalT{e.bot}, StakeE8s: 1e9, DissolveDelay: 365 * 24 * time.Hour}})
	old, rotated := newWebhookRec(t, "old"), newWebhookRec(t, "rotated")
	path := e.dir + "/votebot.yaml"
	write := func(hook, listen string) {
		t.Helper()
		body := e.configf(`
neurons: [{id: 1001}]
listen: %s
alerts: {channels: {ops: {type: webhook, url: %s}}}
`, listen, hook)
		if err := os.WriteFile(path, body, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write(old.srv.URL, "127.0.0.1:9464")
	e.loadConfig(mustRead(t, path))
	var logs bytes.Buffer
	app, err := daemon.Assemble(context.Background(), daemon.AppOptions{Config: e.cfg, Logger: zerolog.New(&logs)})
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	ctx := context.Background()
	if _, err := app.Bot.Once(ctx); err != nil {
		t.Fatal(err)
	}
	write(rotated.srv.URL, "127.0.0.1:9999") // the URL rotated, and the listen address moved
	if err := app.Reload(ctx, path); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "listen changed: it takes effect at the next restart") {
		t.Errorf("no word that listen needs a restart:\n%s", logs.String())
	}
	if err := os.WriteFile(path, []byte("neurons: [{id: oops}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := app.Reload(ctx, path); err == nil {
		t.Fatal("a broken file reloaded")
	}
	if n := rotated.count("config_invalid"); n != 1 {
		t.Errorf("the rotated webhook got %d config_invalid alerts, want 1", n)
	}
	if n := old.count("config_invalid"); n != 0 {
		t.Errorf("the old (leaked) webhook still got %d alerts after the reload", n)
	}
}
