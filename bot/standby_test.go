package bot

import (
	"io"
	"strings"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// standbyTakeover is the standby's takeover_after in these tests; the policy's margin is 2 h.
const standbyTakeover = 30 * time.Minute

// newStandby is a harness whose bot is a standby over the real policy engine: IC-OS
// deployments Yes by rule, Governance asks a person (no fallback), everything else follows.
func newStandby(t *testing.T, neurons ...uint64) *harness {
	t.Helper()
	h := newHarness(t, neurons...)
	pol := &policy.Policy{Name: "p", Default: policy.OutcomeFollow,
		Timing: policy.Timing{DeadlineMargin: 2 * time.Hour, Fallback: policy.FallbackNone},
		Rules: []policy.Rule{
			{Name: "yes-icos", Match: policy.Match{Topics: []nns.Topic{nns.TopicIcOsVersionDeployment}}, Outcome: policy.OutcomeVote, Vote: nns.VoteYes},
			{Name: "ask-gov", Match: policy.Match{Topics: []nns.Topic{nns.TopicGovernance}}, Outcome: policy.OutcomeManual},
		}}
	d := PolicyDecider{ByNeuron: map[uint64]*policy.Policy{}, Takeover: standbyTakeover}
	for _, id := range neurons {
		d.ByNeuron[id] = pol
	}
	h.opts.Standby = true
	b, err := New(Deps{Gov: h.gov, Errors: fakeErrs{}, Store: h.store, Alerter: h.al, Decider: d,
		Metrics: h.m, Logger: zerolog.New(io.Discard), Now: h.clk.Now}, h.opts)
	if err != nil {
		t.Fatal(err)
	}
	h.bot = b
	return h
}

// A ballot the primary leaves empty is voted by the standby at the primary's margin +
// takeover_after, not before, and told once as standby_took_over naming the rule.
func TestStandbyTakesOverAnEmptyBallot(t *testing.T) {
	h := newStandby(t, 1)
	h.step(0)
	h.gov.addProposal(20, nns.TopicIcOsVersionDeployment, 10*time.Hour) // margin at 8 h, takeover 8 h 30 m
	h.step(time.Minute)
	h.step(8*time.Hour + 28*time.Minute) // 8 h 29 m: the primary's margin is past, the takeover not yet
	if n := h.gov.sent[ballotKey{1, 20}]; n != 0 {
		t.Fatalf("the standby voted %d times before its takeover time", n)
	}
	h.step(time.Minute)
	h.step(time.Minute)
	if n := h.gov.sent[ballotKey{1, 20}]; n != 1 {
		t.Fatalf("the standby sent %d votes at its takeover time, want 1", n)
	}
	if got := h.al.count("fire standby_took_over/1/20"); got != 1 {
		t.Fatalf("standby_took_over fired %d times, want 1: %v", got, h.al.delivered)
	}
	a := h.al.active[alert.Key{Kind: alert.KindStandbyTookOver, Neuron: 1, ProposalID: 20}]
	if !strings.Contains(a.Headline, "Primary did not vote proposal 20 for neuron n1 (1): standby voted Yes by rule \"yes-icos\"") {
		t.Errorf("headline %q", a.Headline)
	}
	if got := len(h.al.delivered); got != 1 {
		t.Errorf("the standby sent %d alerts, want only the takeover: %v", got, h.al.delivered)
	}
}

// While the primary votes, the standby sends nothing: no vote, no alert, even for a ballot
// that needs a person and nears its deadline, or is missed.
func TestStandbyQuietWhileThePrimaryVotes(t *testing.T) {
	h := newStandby(t, 1)
	h.step(0)
	h.gov.addProposal(20, nns.TopicIcOsVersionDeployment, 10*time.Hour)
	h.gov.addProposal(21, nns.TopicGovernance, time.Hour) // at risk at once; a person must decide
	h.step(time.Minute)
	h.gov.fill(1, 20, nns.VoteYes) // the primary, by its rule
	for range 12 {
		h.step(10 * time.Minute) // past 21's deadline: missed
	}
	h.step(9 * time.Hour)
	if h.gov.calls != 0 {
		t.Errorf("the standby sent %d votes", h.gov.calls)
	}
	if len(h.al.delivered) != 0 {
		t.Errorf("the standby alerted %v, want nothing: the primary alerts on proposals", h.al.delivered)
	}
}

// Its own health it tells always: all endpoints down is the standby's to send.
func TestStandbyAlertsOnItsOwnHealth(t *testing.T) {
	h := newStandby(t, 1)
	h.step(0)
	h.gov.down = true
	for range 5 {
		h.step(time.Hour)
	}
	if h.al.count("fire poll_stale") != 1 || h.al.count("fire all_endpoints_down") != 1 {
		t.Errorf("standby's health alerts %v, want poll_stale and all_endpoints_down", h.al.delivered)
	}
}

// A ballot filled directly with the other vote than the standby's rule is a policy_mismatch,
// told once; one filled by following (a followee voted it) is not, nor one that agrees.
func TestStandbyPolicyMismatch(t *testing.T) {
	h := newStandby(t, 1, 2, 3)
	h.gov.addNeuron(27)
	h.gov.neurons[3].Followees = map[nns.Topic][]uint64{nns.TopicUnspecified: {27}}
	h.step(0)
	h.gov.addProposal(20, nns.TopicIcOsVersionDeployment, 10*time.Hour)
	h.step(time.Minute)
	h.gov.fill(1, 20, nns.VoteNo)  // the primary's config says No
	h.gov.fill(2, 20, nns.VoteYes) // agrees
	h.gov.fill(27, 20, nns.VoteNo)
	h.gov.fill(3, 20, nns.VoteNo) // following 27
	h.step(time.Minute)
	h.step(time.Minute)
	if got := h.al.count("fire policy_mismatch/1/20"); got != 1 {
		t.Errorf("policy_mismatch for neuron 1 fired %d times, want 1: %v", got, h.al.delivered)
	}
	if got := h.al.count("fire policy_mismatch"); got != 1 {
		t.Errorf("policy_mismatch fired %d times, want only neuron 1's: %v", got, h.al.delivered)
	}
	a := h.al.active[alert.Key{Kind: alert.KindPolicyMismatch, Neuron: 1, ProposalID: 20}]
	if !strings.Contains(a.Headline, `the chain shows No, the standby's rule "yes-icos" votes Yes`) {
		t.Errorf("headline %q", a.Headline)
	}
	if h.gov.calls != 0 {
		t.Errorf("the standby voted %d times on filled ballots", h.gov.calls)
	}
}

// A primary (no Standby) never compares: policy_mismatch is the standby's.
func TestPrimaryDoesNotCompare(t *testing.T) {
	h := newHarness(t, 1)
	h.step(0)
	h.gov.addProposal(20, nns.TopicIcOsVersionDeployment, 10*time.Hour)
	h.gov.fill(1, 20, nns.VoteNo)
	h.step(time.Minute)
	if got := h.al.count("fire policy_mismatch"); got != 0 {
		t.Errorf("the primary fired policy_mismatch: %v", h.al.delivered)
	}
}

// The primary's vote landing between the standby's read and its own vote: "already voted" is
// success — no took-over alert (the standby filled nothing), no refusal, no retry.
func TestStandbyAlreadyVotedIsSuccess(t *testing.T) {
	h := newStandby(t, 1)
	h.step(0)
	h.gov.addProposal(20, nns.TopicIcOsVersionDeployment, 10*time.Hour)
	h.step(time.Minute)
	h.gov.beforeVote = func() {
		h.gov.props[20].Ballots.Set(1, policy.Ballot{Vote: nns.VoteYes, VotingPower: 100}) // the primary, just in time
		h.gov.neurons[1].RecentBallots[20] = nns.VoteYes
	}
	h.step(8*time.Hour + 29*time.Minute) // the takeover time
	h.step(time.Minute)
	if h.gov.calls != 1 || h.gov.sent[ballotKey{1, 20}] != 0 {
		t.Errorf("the standby made %d vote calls (%d filled), want 1 answered already voted", h.gov.calls, h.gov.sent[ballotKey{1, 20}])
	}
	if len(h.al.delivered) != 0 {
		t.Errorf("alerts %v, want none: the ballot holds the primary's vote", h.al.delivered)
	}
}
