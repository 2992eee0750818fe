package daemon_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/nnslocal"
	"github.com/votebot/votebot/nns"
)

// A week with a proposal of an action and a topic newer than votebot, as a
// newer canister encodes it on the wire: every other ballot is filled, the
// unknown one is voted by the policy, and the operator is told once.
func TestUnknownProposalTypeWeek(t *testing.T) {
	skipLong(t)
	t.Parallel()
	e := newE2E(t, shortNNS(6*time.Second, time.Hour))
	e.addProposerAndBotNeurons(botNeuron{1001, 10})
	e.loadConfig(e.configf(`
poll_interval: 1s
neurons: [{id: 1001}]
policies:
  default:
    deadline_margin: 3s
    fallback: no
    default: follow
    rules:
      - {name: unknown-kinds, match: {actions: [Unknown]}, vote: yes}
      - {name: infra, match: {topics: [SubnetManagement, NodeAdmin]}, vote: yes}
`))
	app := e.assemble(func(o *bot.Options) { o.PollInterval, o.RetryBackoff = 250*time.Millisecond, 250*time.Millisecond })
	defer app.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- app.Bot.Run(ctx) }()
	var ids []uint64
	for _, spec := range []governance.ProposalSpec{
		{Proposer: 40, Topic: nns.TopicSubnetManagement, Title: "known 1", Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}},
		{Proposer: 40, Topic: nns.Topic(25), Title: "from the future", FutureAction: "SomeFutureAction"},
		{Proposer: 40, Topic: nns.TopicNodeAdmin, Title: "known 2", Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}},
		{Proposer: 40, Topic: nns.TopicGovernance, Title: "known 3 (fallback no)", Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}},
	} {
		id, err := e.net.Governance.SubmitProposal(spec)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	time.Sleep(9 * time.Second) // every deadline passes
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	n, _ := e.net.Governance.Neuron(1001)
	votes := map[uint64]int32{}
	for _, b := range n.RecentBallots {
		if b.ProposalId != nil {
			votes[b.ProposalId.Id] = b.Vote
		}
	}
	want := map[uint64]nns.Vote{ids[0]: nns.VoteYes, ids[1]: nns.VoteYes, ids[2]: nns.VoteYes, ids[3]: nns.VoteNo}
	for id, v := range want {
		if nns.Vote(votes[id]) != v {
			t.Errorf("proposal %d: neuron 1001 voted %v, want %v", id, nns.Vote(votes[id]), v)
		}
	}
	if keys := e.alerts.keys("unknown_proposal_type"); len(keys) != 1 {
		t.Errorf("unknown_proposal_type alerts %v, want exactly one", keys)
	}
	for _, a := range e.alerts.got {
		// Candid carries a variant tag as a hash: its name is known only
		// when votebot has seen it (nns.VariantTagNames), else "#hash".
		if a.Kind == "unknown_proposal_type" && !strings.Contains(a.Text, "(tag #") {
			t.Errorf("the alert does not name the tag: %q", a.Text)
		}
	}
}

// A devnet whose clock runs 5 minutes ahead of ours: clock_skew tells a
// person and /readyz fails, saying why; votes still work.
func TestClockSkewAgainstAnOffsetDevnet(t *testing.T) {
	skipLong(t)
	t.Parallel()
	key, err := identity.WriteNew(t.TempDir()+"/hotkey.pem", identity.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	e := newKeys(t)
	e.start(nnslocal.Options{ClockOffset: 5 * time.Minute})
	e.bot = key.Identity.Sender()
	e.addNeurons([]governance.NeuronSpec{{ID: 1001, Controller: e.ctl, HotKeys: []principalT{e.bot}, StakeE8s: 1e9, DissolveDelay: 365 * 24 * time.Hour}})
	e.loadConfig([]byte(fmt.Sprintf("network: {urls: [%s], root_key: %s}\nidentity: {pem_file: %s}\nstore: {path: %s}\nneurons: [{id: 1001}]\n",
		e.net.URL, e.net.RootKeyHex(), key.Path, e.storePath())))
	app := e.assemble(nil)
	defer app.Close()
	if _, err := app.Bot.Once(context.Background()); err != nil {
		t.Fatal(err)
	}
	if keys := e.alerts.keys("clock_skew"); len(keys) != 1 {
		t.Errorf("clock_skew alerts %v, want one", keys)
	}
	if err := app.Ready(); err == nil || !strings.Contains(err.Error(), "clock") {
		t.Errorf("Ready() = %v, want a clock error", err)
	}
	t.Logf("readyz: %v", app.Ready())
}
