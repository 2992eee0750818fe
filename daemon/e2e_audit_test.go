package daemon_test

import (
	"context"
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

const auditConfig = `
instance: audit-test
poll_interval: 1s
neurons:
  - {id: 1001, alias: paid}
  - {id: 1002, alias: underpaid}
policies:
  default:
    rules:
      - {name: all-yes, match: {topics: [Governance, NodeAdmin]}, vote: yes}
`

// TestRewardAuditAgainstDevnet: the bot votes with two neurons on two
// proposals; the devnet is told to pay the second half its rewards; at the
// reward event the audit agrees with what the first received to the e8,
// flags the second as low, and fires one rewards_low alert for it.
func TestRewardAuditAgainstDevnet(t *testing.T) { rewardAudit(t, false) }

// TestRewardAuditAcrossRestart: the same, with votebot stopped before the
// reward event and started again after it over the same database: the
// first event after the restart is audited against the maturity the
// previous process read before it.
func TestRewardAuditAcrossRestart(t *testing.T) { rewardAudit(t, true) }

func rewardAudit(t *testing.T, restart bool) {
	skipLong(t)
	t.Parallel()
	e := newE2E(t, shortNNS(3*time.Second, time.Hour))
	const icp = 100_000_000
	year := 365 * 24 * time.Hour
	e.addNeurons([]governance.NeuronSpec{
		{ID: 40, Controller: e.ctl, StakeE8s: 1000 * icp, DissolveDelay: year},
		{ID: 1001, Controller: e.ctl, HotKeys: []principalT{e.bot}, StakeE8s: 250 * icp, DissolveDelay: 4 * year},
		{ID: 1002, Controller: e.ctl, HotKeys: []principalT{e.bot}, StakeE8s: 10 * icp, DissolveDelay: year},
	})
	if err := e.net.Governance.SetRewardFactor(1002, 0.5); err != nil {
		t.Fatal(err)
	}
	e.loadConfig(e.configf(auditConfig))
	tune := func(o *bot.Options) {
		o.PollInterval, o.NeuronsTTL, o.NeuronsIdleTTL = 200*time.Millisecond, 200*time.Millisecond, 200*time.Millisecond
	}
	app := e.assemble(tune)
	defer func() { app.Close() }()
	var deadline time.Time
	for _, topic := range []nns.Topic{nns.TopicGovernance, nns.TopicNodeAdmin} {
		pid, err := e.net.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 40, Topic: topic,
			Title: "audit " + topic.String(), Action: nns.Action{Motion: &nns.Motion{MotionText: "x"}}})
		if err != nil {
			t.Fatal(err)
		}
		pi, _ := e.net.Governance.ProposalInfo(pid)
		deadline = time.Unix(int64(*pi.DeadlineTimestampSeconds), 0)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Bot.Run(ctx) }()
	sleepUntil(deadline.Add(3 * time.Second)) // voted, voting ended, observed settled-ready
	if restart {
		cancel()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		app.Close()
	}
	ev := e.net.Governance.TriggerRewardEvent()
	if restart {
		app = e.assemble(tune)
		ctx, cancel = context.WithCancel(context.Background())
		go func() { done <- app.Bot.Run(ctx) }()
	}
	var audits []rewards.MaturityAudit
	for end := time.Now().Add(10 * time.Second); time.Now().Before(end); time.Sleep(200 * time.Millisecond) {
		all, err := app.Store.Audits(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if audits = all; len(audits) == 2 {
			break
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	if len(ev.SettledProposals) != 2 {
		t.Fatalf("the event settled %d proposals, want 2", len(ev.SettledProposals))
	}
	if len(audits) != 2 {
		t.Fatalf("audit rows %+v, want one per neuron", audits)
	}
	for _, a := range audits {
		t.Logf("%s (status %s)", a, a.Status)
		if a.Event.DayAfterGenesis != ev.DayAfterGenesis {
			t.Errorf("neuron %d audited day %d, want %d", a.Neuron, a.Event.DayAfterGenesis, ev.DayAfterGenesis)
		}
	}
	paid, under := audits[0], audits[1]
	if paid.Neuron != 1001 || paid.Status != rewards.AuditOK || paid.ExpectedE8s == 0 ||
		paid.ReceivedE8s < int64(paid.ExpectedE8s) || paid.ReceivedE8s > int64(paid.ExpectedE8s)+1 {
		t.Errorf("paid neuron: %+v; want received = expected (to the e8)", paid)
	}
	n2, _ := e.net.Governance.Neuron(1002)
	if under.Neuron != 1002 || !under.Low() || under.ReceivedE8s != int64(n2.MaturityE8sEquivalent) {
		t.Errorf("underpaid neuron: %+v (maturity now %d); want low", under, n2.MaturityE8sEquivalent)
	}
	if keys := e.alerts.keys(alert.KindRewardsLow); len(keys) != 1 {
		t.Errorf("rewards_low alerts %v, want one (the underpaid neuron)", keys)
	}
}
