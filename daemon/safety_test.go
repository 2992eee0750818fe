package daemon_test

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/votebot/votebot/alert"
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

// A devnet whose clock is 10 minutes off ours, either way: the first poll
// succeeds (requests expire on the IC's time, which agent-go alone cannot
// do with our clock ahead), votebot_clock_skew_seconds shows the skew,
// clock_skew tells a person (critical) and /readyz fails saying why, and
// the proposal is voted.
func TestClockFarOffStillVotes(t *testing.T) {
	skipLong(t)
	for _, offset := range []time.Duration{-10 * time.Minute, 10 * time.Minute} {
		t.Run(offset.String(), func(t *testing.T) {
			t.Parallel()
			e := newKeys(t)
			e.start(nnslocal.Options{ClockOffset: offset})
			e.addProposerAndBotNeurons(botNeuron{1001, 10})
			e.loadConfig(e.configf(`
neurons: [{id: 1001}]
policies:
  default:
    default: follow
    rules:
      - {name: infra, match: {topics: [SubnetManagement]}, vote: yes}
`))
			id, err := e.net.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 40, Topic: nns.TopicSubnetManagement,
				Title: "a motion", Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}})
			if err != nil {
				t.Fatal(err)
			}
			app := e.assemble(nil)
			defer app.Close()
			sum, err := app.Bot.Once(context.Background())
			if err != nil {
				t.Fatalf("first pass with the IC %s off: %v", offset, err)
			}
			pi, _ := e.net.Governance.ProposalInfo(id)
			if v := ballotOf(pi, 1001); v != nns.VoteYes {
				t.Errorf("neuron 1001 on proposal %d: %v, want Yes (pass: %+v)", id, v, sum)
			}
			if got := testutil.ToFloat64(app.Metrics.ClockSkew); math.Abs(got-offset.Seconds()) > 2 {
				t.Errorf("votebot_clock_skew_seconds = %.1f, want %.0f ± 2", got, offset.Seconds())
			}
			var skewAlert *alert.Alert
			e.alerts.mu.Lock()
			for _, a := range e.alerts.got {
				if a.Kind == alert.KindClockSkew && !a.Resolved {
					skewAlert = &a
				}
			}
			e.alerts.mu.Unlock()
			if skewAlert == nil || skewAlert.Severity != alert.SeverityCritical || !strings.Contains(skewAlert.Text, "10m0s") {
				t.Errorf("clock_skew alert %+v, want critical, naming 10m0s", skewAlert)
			}
			if err := app.Ready(); err == nil || !strings.Contains(err.Error(), "clock") {
				t.Errorf("Ready() = %v, want a clock error", err)
			}
			t.Logf("IC %s off: ballot %v, skew gauge %.1f s; alert: %s; readyz: %v", offset, ballotOf(pi, 1001),
				testutil.ToFloat64(app.Metrics.ClockSkew), skewAlert.Text, app.Ready())
		})
	}
}

// When no poll can succeed (here: certificates signed by another root key
// than the pinned one), a clock far off is still told, critical, with the
// skew measured from the replies' Date headers: the check does not wait for
// a good poll.
func TestClockSkewToldBeforeAGoodPoll(t *testing.T) {
	skipLong(t)
	t.Parallel()
	e := newKeys(t)
	e.start(nnslocal.Options{ClockOffset: -10 * time.Minute})
	other := newKeys(t)
	other.start(nnslocal.Options{})
	e.addProposerAndBotNeurons(botNeuron{1001, 10})
	e.loadConfig([]byte(strings.Replace(string(e.configf("neurons: [{id: 1001}]\n")), e.net.RootKeyHex(), other.net.RootKeyHex(), 1)))
	app := e.assemble(nil)
	defer app.Close()
	if _, err := app.Bot.Once(context.Background()); err == nil {
		t.Fatal("a poll verified under the wrong root key")
	}
	if got := testutil.ToFloat64(app.Metrics.ClockSkew); math.Abs(got+600) > 2 {
		t.Errorf("votebot_clock_skew_seconds = %.1f, want -600 ± 2", got)
	}
	e.alerts.mu.Lock()
	defer e.alerts.mu.Unlock()
	for _, a := range e.alerts.got {
		if a.Kind == alert.KindClockSkew && a.Severity == alert.SeverityCritical && strings.Contains(a.Text, "10m0s ahead of") {
			t.Logf("before any good poll: %s", a.Text)
			return
		}
	}
	t.Errorf("no critical clock_skew alert naming 10m0s ahead of: %+v", e.alerts.got)
}
