package daemon_test

import (
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
)

// TestHotkeyRemovedNoticedWhenAMotionArrives: the bot's hotkey is removed
// from 9001 while the neurons' last read is fresh; then a motion arrives,
// with no ballot of 9001 this identity may see. hotkey_missing goes out in
// the pass that sees the motion, not at its deadline.
func TestHotkeyRemovedNoticedWhenAMotionArrives(t *testing.T) {
	skipLong(t)
	t.Parallel()
	e := newE2E(t, shortNNS(60*time.Second, time.Hour))
	e.addProposerAndBotNeurons(botNeuron{9001, 10}, botNeuron{9002, 10})
	e.loadConfig(e.configf(`
poll_interval: 1s
neurons: [{id: 9001}, {id: 9002}]
policies:
  default: {deadline_margin: 10s, fallback: no, default: follow}
`))
	app := e.assemble(func(o *bot.Options) { o.PollInterval, o.RetryBackoff = 250*time.Millisecond, 250*time.Millisecond })
	defer app.Close()
	defer runUntilStop(t, app.Bot.Run)()
	time.Sleep(time.Second) // started: the neurons are read, next in NeuronsTTL (5 min)
	if err := e.net.Governance.RemoveHotKey(9001, e.bot); err != nil {
		t.Fatal(err)
	}
	pid, err := e.net.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 40, Title: "Motion",
		Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}})
	if err != nil {
		t.Fatal(err)
	}
	submitted := time.Now()
	key := alert.KeyFor(alert.KindHotkeyMissing, 9001, 0)
	for time.Since(submitted) < 10*time.Second {
		if first, _, _ := e.alerts.count(key); first > 0 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	first, _, _ := e.alerts.count(key)
	t.Logf("hotkey_missing for 9001: %d after %s (proposal %d, voting period 60 s)", first,
		time.Since(submitted).Round(10*time.Millisecond), pid)
	if first != 1 {
		t.Errorf("hotkey_missing for 9001 delivered %d times within 10 s of the motion, want once", first)
	}
	if first, _, _ := e.alerts.count(alert.KeyFor(alert.KindHotkeyMissing, 9002, 0)); first != 0 {
		t.Errorf("hotkey_missing for 9002, whose hotkey is in place")
	}
}
