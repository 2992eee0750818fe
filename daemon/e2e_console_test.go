package daemon_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/console"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/internal/browsertest"
	"github.com/votebot/votebot/nns"
)

const consoleConfig = `
instance: console-e2e
network: {urls: [%s], root_key: %s}
identity: {pem_file: %s}
store: {path: %s}
poll_interval: 1s
console: {listen: "127.0.0.1:0", token_file: %s}
neurons:
  - {id: 1001, alias: main}
  - {id: 1002, alias: cold}
policies:
  default:
    fallback: none
    default: follow
    rules:
      - {name: ask-gov, match: {topics: [Governance]}, vote: manual}
`

const consoleToken = "e2e-console-token-0123456789abcdef"

func startConsoleDevnet(t *testing.T) (*e2e, *daemon.App, string, uint64) {
	t.Helper()
	e := newE2E(t, shortNNS(10*time.Minute, time.Hour))
	e.addProposerAndBotNeurons(botNeuron{1001, 10}, botNeuron{1002, 20})
	tokenFile := filepath.Join(e.dir, "console-token")
	if err := os.WriteFile(tokenFile, []byte(consoleToken+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	e.loadConfig([]byte(fmt.Sprintf(consoleConfig, e.net.URL, e.net.RootKeyHex(), e.dir+"/hotkey.pem", e.storePath(), tokenFile)))
	pid, err := e.net.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 40, Topic: nns.TopicGovernance,
		Title: "Motion to fund the community dashboard", Summary: "See https://forum.example/t/1 <script>window.__xss=1</script>",
		Action: nns.Action{Motion: &nns.Motion{MotionText: "fund it"}}})
	if err != nil {
		t.Fatal(err)
	}
	app := e.assemble(func(o *bot.Options) { o.PollInterval = 500 * time.Millisecond })
	t.Cleanup(func() { app.Close() })
	h, err := app.ConsoleHandler()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	t.Cleanup(runUntilStop(t, app.Bot.Run))
	// The console shows what the loop saw: wait for its first pass.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if _, _, _, ok := app.Bot.View(); ok {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the loop made no pass in 20 s")
		}
	}
	return e, app, srv.URL, pid
}

// waitBallot waits until neuron's ballot on pid is v on the devnet.
func waitBallot(t *testing.T, e *e2e, pid, neuron uint64, v nns.Vote, within time.Duration) {
	t.Helper()
	for deadline := time.Now().Add(within); ; time.Sleep(100 * time.Millisecond) {
		pi, ok := e.net.Governance.ProposalInfo(pid)
		if ok && ballotOf(pi, neuron) == v {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("neuron %d's ballot on proposal %d is %v after %s, want %v", neuron, pid, ballotOf(pi, neuron), within, v)
		}
	}
}

// TestConsoleDecidesOnDevnet: in a real Chromium on a phone-sized screen,
// the operator sees the manual motion among the open proposals, logs in,
// presses Yes for neuron main, and the daemon casts that ballot on the
// devnet — and only that one.
func TestConsoleDecidesOnDevnet(t *testing.T) {
	skipLong(t)
	browsertest.Chromium(t) // skip before starting a devnet when there is no browser
	e, _, url, pid := startConsoleDevnet(t)
	b := browsertest.New(t, url, 90*time.Second)

	b.Open("/")
	b.Screenshot("devnet-overview")
	if txt := b.Eval(`document.querySelector("main").innerText`); !strings.Contains(txt, "main") || !strings.Contains(txt, "1002") {
		t.Errorf("overview does not list both neurons:\n%.1500s", txt)
	}
	b.Open("/proposals")
	if txt := b.Eval(`document.querySelector("main").innerText`); !strings.Contains(txt, "Motion to fund the community dashboard") ||
		!strings.Contains(txt, "needs your decision") {
		t.Errorf("open proposals page shows:\n%.1500s", txt)
	}
	b.Screenshot("devnet-proposals")

	b.Open("/login")
	b.Do("log in",
		chromedp.SendKeys(chromedp.ID("token"), consoleToken),
		chromedp.Click(chromedp.CSS(`form.login button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`button.link`)))
	b.Open(fmt.Sprintf("/proposal/%d", pid))
	b.Screenshot("devnet-proposal")
	yes := `//li[.//small[normalize-space()="1001"]]//button[@value="yes"]`
	b.Do("press Yes for neuron 1001", chromedp.Click(yes), chromedp.WaitVisible(chromedp.CSS(`p.notice`)))
	if notice := b.Eval(`document.querySelector("p.notice").innerText`); !strings.Contains(notice, "Decision recorded") {
		t.Errorf("after pressing Yes the page says %q", notice)
	}
	waitBallot(t, e, pid, 1001, nns.VoteYes, 15*time.Second)
	b.Open(fmt.Sprintf("/proposal/%d", pid))
	if txt := b.Eval(`document.querySelector("ul.ballots").innerText`); !strings.Contains(txt, "voted Yes") {
		t.Errorf("after the vote the ballots show:\n%s", txt)
	}
	b.Screenshot("devnet-proposal-voted")
	b.Open("/history")
	if txt := b.Eval(`document.querySelector("main").innerText`); !strings.Contains(txt, "manual override") {
		t.Errorf("history does not show the vote with its reason:\n%.1500s", txt)
	}
	b.Screenshot("devnet-history")
	if x := b.Eval(`String(window.__xss)`); x != "undefined" {
		t.Errorf("the proposal's summary ran a script (window.__xss = %s)", x)
	}
	pi, _ := e.net.Governance.ProposalInfo(pid)
	if v := ballotOf(pi, 1002); v != nns.VoteUnspecified {
		t.Errorf("neuron 1002 (not decided) voted %v", v)
	}
	for _, p := range b.Problems() {
		t.Errorf("browser: %s", p)
	}
}

// TestDecideRefuses: App.Decide (the console's and Telegram's path)
// refuses what a decision cannot change, and stores and votes the rest.
func TestDecideRefuses(t *testing.T) {
	skipLong(t)
	t.Parallel()
	e, app, _, pid := startConsoleDevnet(t)
	ctx := context.Background()
	if err := app.Decide(ctx, pid, 5, nns.VoteYes, "test"); !errors.Is(err, alert.ErrNeuronNotConfigured) {
		t.Errorf("neuron 5: %v, want ErrNeuronNotConfigured", err)
	}
	if err := app.Decide(ctx, 99999, 0, nns.VoteYes, "test"); !errors.Is(err, alert.ErrProposalNotOpen) {
		t.Errorf("proposal 99999: %v, want ErrProposalNotOpen", err)
	}
	if err := app.Decide(ctx, pid, 1001, nns.VoteNo, "test"); err != nil {
		t.Fatal(err)
	}
	waitBallot(t, e, pid, 1001, nns.VoteNo, 15*time.Second)
	src := app.ConsoleSource()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		err := app.Decide(ctx, pid, 1001, nns.VoteYes, "test")
		if errors.Is(err, alert.ErrBallotCast) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("deciding a cast ballot again: %v, want ErrBallotCast", err)
		}
	}
	p, err := src.Proposal(ctx, "", pid)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range p.Ballots {
		switch {
		case b.Neuron == 1001 && (b.Action != "voted" || b.Voted != nns.VoteNo || !strings.HasPrefix(b.Reason, "votebot voted No by override")):
			t.Errorf("neuron 1001's ballot shows %+v, want voted No", b)
		case b.Neuron == 1002 && !b.NeedsHuman():
			t.Errorf("neuron 1002's ballot shows %+v, want it to need a person", b)
		}
	}
	if err := src.ClearOverride(ctx, "", pid, 1001); err != nil {
		t.Fatal(err)
	}
	if os, err := app.Store.Overrides(ctx); err != nil || len(os) != 0 {
		t.Errorf("after clearing: overrides %v, %v", os, err)
	}
	if _, err := src.Proposal(ctx, "", 99999); !errors.Is(err, console.ErrNotFound) {
		t.Errorf("proposal 99999: %v, want console.ErrNotFound", err)
	}
}
