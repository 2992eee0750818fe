package metrics

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/rewards"
)

// The series of an open proposal follow the loop's calls, and go at
// settlement.
func TestOpenProposalSeriesAndSettlement(t *testing.T) {
	m := NewMetrics("test", "abc")
	m.SetNeurons([]bot.NeuronConfig{{ID: 1, Alias: "n1"}})
	dl := time.Unix(1_800_000_000, 0)
	p := &policy.Proposal{ID: 7, Topic: nns.TopicGovernance, Deadline: dl}
	m.OpenBallot(p, 1, false, false)
	want := `
# HELP votebot_neuron_voted 1 if the neuron's ballot on the open proposal is filled, 0 if empty.
# TYPE votebot_neuron_voted gauge
votebot_neuron_voted{alias="n1",governance="nns",neuron="1",proposal_id="7",topic="Governance"} 0
`
	if err := testutil.CollectAndCompare(m.NeuronVoted, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
	if got := testutil.ToFloat64(m.Deadline.WithLabelValues("nns", "7", "Governance")); got != float64(dl.Unix()) {
		t.Errorf("deadline gauge %v, want %v", got, dl.Unix())
	}
	m.OpenBallot(p, 1, true, false)
	if got, ok := m.Voted(1, 7); !ok || got != 1 {
		t.Errorf("neuron_voted after following = %v (series: %v), want 1", got, ok)
	}
	m.ProposalSettled(7)
	if n := testutil.CollectAndCount(m.NeuronVoted); n != 0 {
		t.Errorf("%d neuron_voted series after settlement, want 0", n)
	}
	if n := testutil.CollectAndCount(m.Deadline); n != 0 {
		t.Errorf("%d deadline series after settlement, want 0", n)
	}
}

func TestCountersAndGauges(t *testing.T) {
	m := NewMetrics("test", "abc")
	m.RebuildMissed([]rewards.MissedCount{{Neuron: 1, Topic: nns.TopicGovernance, Count: 2}})
	m.VoteMissed(1, "Governance")
	if got := testutil.ToFloat64(m.VotesMissed.WithLabelValues("nns", "1", "Governance")); got != 3 {
		t.Errorf("votes_missed_total = %v, want 3", got)
	}
	m.VoteCast(1, "Governance", nns.VoteNo, "fallback")
	if got := testutil.ToFloat64(m.VotesCast.WithLabelValues("nns", "1", "Governance", "no", "fallback")); got != 1 {
		t.Errorf("votes_cast_total = %v, want 1", got)
	}
	m.AlertsFiring(map[alert.Kind]int{alert.KindManualDecisionNeeded: 2})
	if got := testutil.ToFloat64(m.Firing.WithLabelValues("nns", string(alert.KindManualDecisionNeeded))); got != 2 {
		t.Errorf("alerts_firing{manual} = %v, want 2", got)
	}
	if got := testutil.ToFloat64(m.Firing.WithLabelValues("nns", string(alert.KindVoteMissed))); got != 0 {
		t.Errorf("alerts_firing{vote_missed} = %v, want 0", got)
	}
	at := time.Unix(1_800_000_000, 0)
	m.PollSucceeded(at)
	if got := testutil.ToFloat64(m.LastPoll.WithLabelValues("nns")); got != float64(at.Unix()) {
		t.Errorf("last poll %v, want %v", got, at.Unix())
	}
}
