package daemon_test

import (
	"context"
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
)

const missConfig = `
instance: miss-test
poll_interval: 1s
neurons:
  - {id: 1001, alias: alpha}
  - {id: 1002, alias: beta}
policies:
  default:
    deadline_margin: 3s
    fallback: with_majority
    default: follow
`

// TestMissScenario: one neuron's hotkey is removed mid-run, then every
// endpoint goes down until after the deadline. Expected, exactly once
// each: the hotkey alert, which is the page for every ballot of 1002 (no
// at-risk alert of its own, issue 25); an at-risk alert for 1001 (with
// reminders, then resolved when voting ends); a confirmed miss for the
// neuron whose ballot is readable, and none for the one whose ballot
// became unknown.
func TestMissScenario(t *testing.T) {
	skipLong(t)
	t.Parallel()
	e := newE2E(t, shortNNS(9*time.Second, time.Hour))
	e.addProposerAndBotNeurons(botNeuron{1001, 10}, botNeuron{1002, 10})
	e.loadConfig(e.configf(missConfig))
	e.cfg.Alerts.Thresholds.AtRiskBefore = 7 * time.Second
	e.cfg.Alerts.Thresholds.ReminderInterval = 2 * time.Second
	app := e.assemble(func(o *bot.Options) {
		o.PollInterval, o.RetryBackoff = 300*time.Millisecond, 300*time.Millisecond
		o.EndpointsDownAfter = 2 * time.Second // 5 min on mainnet, in this compressed week 2 s
	})
	defer app.Close()

	pid, err := e.net.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 40, Topic: nns.TopicNodeAdmin,
		Title: "Update node operator", Action: nns.Action{Motion: &nns.Motion{MotionText: "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	pi, _ := e.net.Governance.ProposalInfo(pid)
	deadline := time.Unix(int64(*pi.DeadlineTimestampSeconds), 0)

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Bot.Run(ctx) }()
	sleepUntil(deadline.Add(-8 * time.Second))
	if err := e.net.Governance.RemoveHotKey(1002, e.bot); err != nil {
		t.Fatal(err)
	}
	sleepUntil(deadline.Add(-6 * time.Second)) // before the fallback at -3s
	e.net.SetDown(true)
	sleepUntil(deadline.Add(2 * time.Second))
	e.net.SetDown(false)
	time.Sleep(8 * time.Second) // recover (a failing poll may take ~3 s to give up), settle, confirm the miss
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}

	type want struct{ first, resolved int }
	cases := map[string]want{
		alert.KeyFor(alert.KindHotkeyMissing, 1002, 0):          {1, 0},
		alert.KeyFor(alert.KindProposalAtRisk, 1001, pid):       {1, 1},
		alert.KeyFor(alert.KindProposalAtRisk, 1002, pid):       {0, 0},
		alert.KeyFor(alert.KindVoteMissed, 1001, pid):           {1, 0},
		alert.KeyFor(alert.KindVoteMissed, 1002, pid):           {0, 0},
		alert.KeyFor(alert.KindAllEndpointsDown, 0, 0):          {1, 1},
		alert.KeyFor(alert.KindManualDecisionNeeded, 1001, pid): {0, 0},
	}
	for key, w := range cases {
		first, _, resolved := e.alerts.count(key)
		if first != w.first || resolved != w.resolved {
			t.Errorf("%s: %d first messages, %d resolutions; want %d and %d", key, first, resolved, w.first, w.resolved)
		}
	}
	for _, a := range e.alerts.got {
		t.Logf("%s %s reminder=%d resolved=%v", a.At.Format("15:04:05.000"), a.Key, a.Reminder, a.Resolved)
	}
	t.Logf("deadline %s", deadline.Format("15:04:05.000"))
	if _, reminders, _ := e.alerts.count(alert.KeyFor(alert.KindProposalAtRisk, 1001, pid)); reminders < 1 {
		t.Errorf("no reminder for the at-risk ballot while the endpoints were down")
	}
	if a := e.alerts.keys(alert.KindVoteMissed); len(a) != 1 {
		t.Errorf("missed alerts %v, want exactly one", a)
	}
	p := participation(t, app.Store, time.Now())
	if p[1001].Missed != 1 || p[1002].Missed != 0 || p[1002].Unknown != 1 {
		t.Errorf("participation: alpha %+v, beta %+v; want alpha 1 missed, beta unknown (never missed)", p[1001], p[1002])
	}
}

func sleepUntil(t time.Time) { time.Sleep(time.Until(t)) }
