package daemon_test

import (
	"context"
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/sns"
)

const snsManualConfig = `
instance: sns-console
poll_interval: 1s
neurons: [{id: 1001, alias: nns-main}]
policies:
  default:
    fallback: none
    default: follow
    rules:
      - {name: ask-treasury, match: {title: "(?i)treasury"}, vote: manual}
`

// TestSNSConsoleAndButtonDecisions: an SNS proposal a rule leaves to a
// person shows in the console under its DAO; a decision made there, and
// one from a Telegram button naming the DAO, are stored in the DAO's own
// store (not the NNS's) and voted by the DAO's lane on the devnet. Status
// lists the lane, and the lane records the DAO's facts for the report.
func TestSNSConsoleAndButtonDecisions(t *testing.T) {
	skipLong(t)
	t.Parallel()
	e := newKeys(t)
	e.startSNSes(`
snses:
  - name: Alpha
    symbol: ALP
    voting_period: 40s
    wait_for_quiet_increase: 1s
    neurons:
      - {id: `+hexID(1)+`, stake_e8s: 100000000, dissolve_delay: 365d}
      - {id: `+hexID(2)+`, dissolve_delay: 365d, permissions: [{principal: `+e.bot.String()+`, types: [Vote]}]}
`, time.Minute, devnet.Pace{})
	alpha := e.net.SNSes[0]
	proposer, ok := alpha.Runner.NeuronID(hexID(1))
	voter, ok2 := alpha.Runner.NeuronID(hexID(2))
	if !ok || !ok2 {
		t.Fatal("scenario neurons missing")
	}
	e.loadConfig(e.configf(snsManualConfig))
	root := alpha.IDs.Root.String()
	e.cfg.SNS = config.SNS{DAOs: []config.DAO{{Root: root, Name: "Alpha", Neurons: []config.SNSNeuron{{ID: voter, Alias: "voter"}}}}}
	var events eventLog
	app, err := assembleWith(e, &events)
	if err != nil {
		t.Fatal(err)
	}
	defer app.Close()
	lane := app.Lanes()[0]
	ctx := context.Background()
	if f, ok, err := lane.Store.SNSFacts(ctx); err != nil || !ok || f.Name != "Alpha" || f.Symbol != "ALP" || f.Root != root {
		t.Errorf("the lane's facts %+v (%v, %v): want Alpha, ALP, %s", f, ok, err, root)
	}

	c := alpha.Runner.Canister()
	byConsole, err := c.MakeProposal(snsProposal(proposer, "Treasury: pay the <script>auditors</script>"))
	if err != nil {
		t.Fatal(err)
	}
	byButton, err := c.MakeProposal(snsProposal(proposer, "Treasury: pay the designers"))
	if err != nil {
		t.Fatal(err)
	}
	stop := runUntilStop(t, app.RunLoop)
	defer stop()

	src := app.ConsoleSource()
	short := sns.ShortID(voter)
	waitFor(t, "the console lists the SNS proposal needing a decision", 20*time.Second, func() bool {
		p, err := src.Proposal(ctx, root, byConsole)
		return err == nil && p.Root == root && p.DAO == "Alpha" && p.NeedsHuman() && len(p.Ballots) == 1 &&
			p.Ballots[0].Neuron == short && p.Ballots[0].ShortID == sns.FormatShortID(short)
	})
	list, err := src.OpenProposals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	found := 0
	for _, p := range list {
		if p.Root == root {
			found++
		}
	}
	if found != 2 {
		t.Errorf("the console lists %d of the DAO's proposals, want 2", found)
	}
	if err := src.Decide(ctx, root, byConsole, short, nns.VoteYes); err != nil {
		t.Fatal(err)
	}
	if err := app.DecideIn(ctx, root, byButton, 0, nns.VoteNo, "telegram"); err != nil {
		t.Fatal(err)
	}
	if err := app.DecideIn(ctx, alert.GovernanceTag("Beta"), byButton, 0, nns.VoteNo, "telegram"); err == nil {
		t.Error("a button naming a DAO votebot does not vote in was recorded")
	}
	sg := app.Governance().SNS(alpha.IDs.Governance)
	waitFor(t, "the lane votes both decisions on the devnet", 20*time.Second, func() bool {
		a, err1 := sg.GetProposal(ctx, byConsole)
		b, err2 := sg.GetProposal(ctx, byButton)
		return err1 == nil && err2 == nil && snsVoteOf(a, voter) == sns.VoteYes && snsVoteOf(b, voter) == sns.VoteNo
	})
	laneOverrides, err := lane.Store.Overrides(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nnsOverrides, err := app.Store.Overrides(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(laneOverrides) != 2 || len(nnsOverrides) != 0 {
		t.Errorf("overrides: the DAO's store %+v, the NNS's %+v; want both decisions in the DAO's only", laneOverrides, nnsOverrides)
	}
	ov, err := src.Overview(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var onOverview bool
	for _, n := range ov.Neurons {
		onOverview = onOverview || (n.DAO == "Alpha" && n.ShortID == sns.FormatShortID(short) && n.Alias == "voter" && n.Readable)
	}
	if !onOverview {
		t.Errorf("the overview lacks the DAO's neuron: %+v", ov.Neurons)
	}
	st, err := app.Status(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.SNS) != 1 || st.SNS[0].Governance != "Alpha" || st.SNS[0].Root != root || st.SNS[0].Neurons != 1 {
		t.Errorf("status SNS lanes %+v", st.SNS)
	}
}
