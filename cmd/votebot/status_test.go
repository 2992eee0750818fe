package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/rs/zerolog"

	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/nnslocal"
	"github.com/votebot/votebot/nns"
)

const statusConfig = `network: {urls: [%s], root_key: %s}
identity: {pem_file: hotkey.pem}
store: {path: votebot.db}
listen: %s
instance: status-test
poll_interval: 1s
neurons:
  - {id: 1001, alias: main}
  - {id: 1003, alias: nokey}
policies:
  default:
    default: follow
    fallback: with_majority
    deadline_margin: 1h
`

// TestStatusAgainstRunningDaemon: `votebot status` says a daemon that is
// not there is not running (exit 1); against the daemon running on the
// devnet it shows the last poll, the endpoint, the clock skew, the alert
// firing (a neuron without the hotkey) and the next actions with times: the
// fallback of the open proposal at its margin and the voting power refresh.
func TestStatusAgainstRunningDaemon(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the daemon against the devnet")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	dir := t.TempDir()
	key, err := identity.WriteNew(filepath.Join(dir, "hotkey.pem"), identity.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	_, ctl, err := identity.Generate(identity.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	net0, err := nnslocal.Start(ctx, nnslocal.Options{Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	defer net0.Close()
	const icp = 100_000_000
	year := 365 * 24 * time.Hour
	for _, s := range []governance.NeuronSpec{
		{ID: 40, Controller: ctl.Sender(), StakeE8s: 1000 * icp, DissolveDelay: year},
		{ID: 1001, Controller: ctl.Sender(), HotKeys: []principal.Principal{key.Identity.Sender()}, StakeE8s: 10 * icp, DissolveDelay: year},
		{ID: 1003, Controller: ctl.Sender(), StakeE8s: 10 * icp, DissolveDelay: year},
	} {
		if _, err := net0.Governance.AddNeuron(s); err != nil {
			t.Fatal(err)
		}
	}
	pid, err := net0.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 40, Topic: nns.TopicGovernance,
		Title: "status", Action: nns.Action{Motion: &nns.Motion{MotionText: "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	cfgPath := filepath.Join(dir, "votebot.yaml")
	raw := fmt.Sprintf(statusConfig, net0.URL, net0.RootKeyHex(), ln.Addr())
	if err := os.WriteFile(cfgPath, []byte(raw), 0o600); err != nil {
		t.Fatal(err)
	}

	ln.Close() // not serving yet
	code, out, _ := runCmd(t, "status", "--config", cfgPath)
	if code != 1 || !strings.Contains(out, "NOT RUNNING") {
		t.Errorf("status without a daemon: exit %d\n%s", code, out)
	}
	t.Logf("votebot status (daemon stopped):\n%s", out)

	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	app, err := daemon.Assemble(ctx, daemon.AppOptions{Config: cfg, Logger: zerolog.Nop(), Version: "test"})
	if err != nil {
		t.Fatal(err)
	}
	closed := false
	defer func() {
		if !closed {
			app.Close()
		}
	}()
	if ln, err = net.Listen("tcp", cfg.Listen); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- app.Serve(ctx, ln, cfgPath) }()
	for end := time.Now().Add(20 * time.Second); app.Bot.LastPoll().IsZero() && time.Now().Before(end); {
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // a second pass: the alert is delivered and stored

	code, out, errs := runCmd(t, "status", "--config", cfgPath)
	t.Logf("votebot status:\n%s", out)
	if code != 0 {
		t.Fatalf("status: exit %d: %s", code, errs)
	}
	pi, _ := net0.Governance.ProposalInfo(pid)
	margin := time.Unix(int64(*pi.DeadlineTimestampSeconds), 0).Add(-time.Hour).UTC().Format(time.DateTime)
	for _, want := range []string{
		"running at " + cfg.Listen + " (ready)", `instance "status-test"`,
		"last poll", "endpoints   " + strings.TrimPrefix(net0.URL, "http://") + " up",
		"clock skew  ", "s (IC time − local clock)",
		"alerts      1 firing", "hotkey_missing",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("status lacks %q", want)
		}
	}
	// The next actions, each on its line with its time.
	for _, want := range [][]string{
		{margin, "in 3d", "main (1001)", fmt.Sprintf("  %d  ", pid), "fallback acts"},
		{"main (1001)", "refresh voting power (decay starts"},
	} {
		if !hasLineWith(out, want...) {
			t.Errorf("status has no line with all of %q", want)
		}
	}
	code, out, errs = runCmd(t, "status", "--config", cfgPath, "--json")
	var st daemon.Status
	if err := json.Unmarshal([]byte(out), &st); code != 0 || err != nil {
		t.Fatalf("status --json: exit %d, %v: %s%s", code, err, out, errs)
	}
	if st.LastPoll.IsZero() || st.NotReady != "" || len(st.Endpoints) != 1 || len(st.Alerts) != 1 || len(st.Next) != 2 ||
		st.Next[0].Kind != bot.NextFallback || st.Next[0].Proposal != pid || st.Next[1].Kind != bot.NextRefresh {
		t.Errorf("status --json: %s", out)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	// Stopped: the state database says when it last polled and what was firing.
	closed = true
	if err := app.Close(); err != nil {
		t.Fatal(err)
	}
	code, out, _ = runCmd(t, "status", "--config", cfgPath)
	t.Logf("votebot status (daemon stopped after running):\n%s", out)
	if code != 1 || !strings.Contains(out, "NOT RUNNING") || !hasLineWith(out, "last poll", "(from the state database)") ||
		!hasLineWith(out, "hotkey_missing", "1003") {
		t.Errorf("status after the daemon stopped: exit %d\n%s", code, out)
	}
}

func hasLineWith(text string, parts ...string) bool {
	for _, l := range strings.Split(text, "\n") {
		all := true
		for _, p := range parts {
			all = all && strings.Contains(l, p)
		}
		if all {
			return true
		}
	}
	return false
}

// TestWriteStatusNeuronCount: the daemon line counts neurons in English
// (the README's devnet config has one neuron: "1 neurons" read as a typo).
func TestWriteStatusNeuronCount(t *testing.T) {
	for _, tc := range []struct {
		neurons int
		want    string
	}{
		{1, ", 1 neuron\n"},
		{2, ", 2 neurons\n"},
	} {
		var b strings.Builder
		now := time.Date(2026, 12, 4, 7, 0, 0, 0, time.UTC)
		st := daemon.Status{Instance: "votebot", Version: "test", Now: now, LastPoll: now, Neurons: tc.neurons}
		if err := writeStatus(&b, "http://127.0.0.1:9466", st); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.String(), tc.want) {
			t.Errorf("%d neurons: status lacks %q:\n%s", tc.neurons, tc.want, b.String())
		}
	}
}
