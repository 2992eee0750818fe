package daemon_test

import (
	"context"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet/governance"
)

func signalContext() (context.Context, context.CancelFunc) {
	return signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
}

// TestSIGHUPNamesWhatNeedsARestart: a real SIGHUP to the running daemon
// (Serve) after the metrics listen address moved and a console was added
// applies the rest of the file and says, in the log, that both wait for a
// restart — not a silent "configuration reloaded".
func TestSIGHUPNamesWhatNeedsARestart(t *testing.T) {
	e := newE2E(t, shortNNS(10*time.Minute, time.Hour))
	e.addNeurons([]governance.NeuronSpec{{ID: 1001, Controller: e.ctl, HotKeys: []principalT{e.bot}, StakeE8s: 10e8, DissolveDelay: 365 * 24 * time.Hour}})
	path := filepath.Join(e.dir, "votebot.yaml")
	e.loadConfig(e.configf("neurons: [{id: 1001, alias: first}]\nlisten: 127.0.0.1:9464\n"))
	logs := &syncBuffer{}
	app, err := daemon.Assemble(context.Background(), daemon.AppOptions{Config: e.cfg, Logger: zerolog.New(logs),
		Tune: func(o *bot.Options) { o.PollInterval = 200 * time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer runUntilStop(t, func(ctx context.Context) error { return app.Serve(ctx, ln, path) })()
	// Serve listens for SIGHUP before it starts the loop: once a pass ran,
	// the signal is Serve's (not the default action, which would end the test binary).
	for deadline := time.Now().Add(15 * time.Second); app.Bot.LastPoll().IsZero(); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no pass in 15 s")
		}
	}
	token := filepath.Join(e.dir, "console-token")
	if err := os.WriteFile(token, []byte("token-A-0123456789abcdef\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	body := "neurons: [{id: 1001, alias: second}]\nlisten: 127.0.0.1:9999\nconsole: {token_file: %s}\n"
	if err := os.WriteFile(path, e.configf(body, token), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	const want = "configuration reloaded, except what needs a restart (systemctl restart votebot): listen, console"
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		msgs := strings.Join(logs.reloadMessages(0), "; ")
		if strings.Contains(msgs, want) && strings.Contains(msgs, "console added: it takes effect at the next restart") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after SIGHUP the log says %q, want %q", msgs, want)
		}
	}
	if got := app.Config().Neurons[0].Alias; got != "second" {
		t.Errorf("alias in force %q after SIGHUP, want second", got)
	}
}
