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
	"github.com/votebot/votebot/sns"
)

// snsProposal is an OpenChat proposal numbered like an NNS one.
func snsProposal(id uint64, topic sns.TopicID, deadline time.Time) *policy.Proposal {
	return &policy.Proposal{ID: id, Deadline: deadline,
		SNS: &policy.SNSProposal{Root: "3e3x2-xyaaa-aaaaq-aaalq-cai", DAO: "OpenChat", Topic: topic}}
}

// An NNS lane and an SNS lane on one registry: the same proposal and
// neuron numbers are two series told apart by governance, the SNS's
// neuron in hex and its proposal by its SNS topic, and settling one lane's
// proposal leaves the other's.
func TestLanesSideBySide(t *testing.T) {
	m := NewMetrics("test", "abc")
	oc := m.ForGovernance("OpenChat")
	if m.ForGovernance("OpenChat") != oc || m.ForGovernance("") != m.Lane || m.ForGovernance("nns") != m.Lane {
		t.Fatal("ForGovernance does not give one lane per governance")
	}
	const shared = 0x2a // an NNS neuron id and an SNS short id alike
	m.SetNeurons([]bot.NeuronConfig{{ID: shared, Alias: "nns-main"}})
	oc.SetNeurons([]bot.NeuronConfig{{ID: shared, Alias: "oc-main", SNSID: "000000000000002aff"}})
	dl := time.Unix(1_800_000_000, 0)
	m.OpenBallot(&policy.Proposal{ID: 12, Topic: nns.TopicGovernance, Deadline: dl}, shared, true, false)
	oc.OpenBallot(snsProposal(12, sns.TopicTreasuryAssetManagement, dl.Add(time.Hour)), shared, false, false)
	want := `
# HELP votebot_neuron_voted 1 if the neuron's ballot on the open proposal is filled, 0 if empty.
# TYPE votebot_neuron_voted gauge
votebot_neuron_voted{alias="oc-main",governance="OpenChat",neuron="000000000000002a",proposal_id="12",topic="TreasuryAssetManagement"} 0
votebot_neuron_voted{alias="nns-main",governance="nns",neuron="42",proposal_id="12",topic="Governance"} 1
`
	if err := testutil.CollectAndCompare(m.NeuronVoted, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
	deadlines := `
# HELP votebot_proposal_deadline_timestamp_seconds Voting deadline of each open proposal.
# TYPE votebot_proposal_deadline_timestamp_seconds gauge
votebot_proposal_deadline_timestamp_seconds{governance="OpenChat",proposal_id="12",topic="TreasuryAssetManagement"} 1.8000036e+09
votebot_proposal_deadline_timestamp_seconds{governance="nns",proposal_id="12",topic="Governance"} 1.8e+09
`
	if err := testutil.CollectAndCompare(m.Deadline, strings.NewReader(deadlines)); err != nil {
		t.Fatal(err)
	}
	if v, ok := oc.Voted(shared, 12); !ok || v != 0 {
		t.Errorf("OpenChat ballot = %v (series %v), want 0: the NNS's filled ballot leaked into it", v, ok)
	}

	oc.ProposalSettled(12)
	want = `
# HELP votebot_neuron_voted 1 if the neuron's ballot on the open proposal is filled, 0 if empty.
# TYPE votebot_neuron_voted gauge
votebot_neuron_voted{alias="nns-main",governance="nns",neuron="42",proposal_id="12",topic="Governance"} 1
`
	if err := testutil.CollectAndCompare(m.NeuronVoted, strings.NewReader(want)); err != nil {
		t.Errorf("after OpenChat settled its proposal 12: %v", err)
	}
	if got := testutil.CollectAndCount(m.Deadline); got != 1 {
		t.Errorf("%d deadline series after OpenChat settled, want the NNS's 1", got)
	}
	m.ProposalSettled(12)
	if got := testutil.CollectAndCount(m.NeuronVoted) + testutil.CollectAndCount(m.Deadline); got != 0 {
		t.Errorf("%d series after both lanes settled proposal 12, want 0", got)
	}
}

// The counters and per-neuron gauges carry the lane; rebuilding one lane's
// missed votes at start keeps the other's.
func TestLaneCounters(t *testing.T) {
	m := NewMetrics("test", "abc")
	oc := m.ForGovernance("OpenChat")
	m.RebuildMissed([]rewards.MissedCount{{Neuron: 7, Topic: nns.TopicGovernance, Count: 2}})
	oc.RebuildMissed([]rewards.MissedCount{{Neuron: 7, SNS: true, SNSTopic: sns.TopicGovernance, Count: 1}})
	oc.VoteMissed(7, sns.TopicDaoCommunitySettings.String())
	oc.RebuildMissed([]rewards.MissedCount{{Neuron: 7, SNS: true, SNSTopic: sns.TopicGovernance, Count: 1}})
	oc.VoteCast(7, sns.TopicGovernance.String(), nns.VoteYes, "rule")
	oc.AlertsFiring(map[alert.Kind]int{alert.KindVoteMissed: 1})
	m.AlertsFiring(map[alert.Kind]int{alert.KindHotkeyMissing: 3})
	oc.PollSucceeded(time.Unix(1_800_000_000, 0))
	oc.NeuronPower(7, 5, 6)
	m.NeuronPower(7, 50, 60)

	for _, c := range []struct {
		name string
		got  float64
		want float64
	}{
		{"nns missed", testutil.ToFloat64(m.VotesMissed.WithLabelValues("nns", "7", "Governance")), 2},
		{"OpenChat missed", testutil.ToFloat64(m.VotesMissed.WithLabelValues("OpenChat", "0000000000000007", "Governance")), 1},
		{"OpenChat cast", testutil.ToFloat64(m.VotesCast.WithLabelValues("OpenChat", "0000000000000007", "Governance", "yes", "rule")), 1},
		{"OpenChat vote_missed firing", testutil.ToFloat64(m.Firing.WithLabelValues("OpenChat", "vote_missed")), 1},
		{"OpenChat hotkey_missing firing", testutil.ToFloat64(m.Firing.WithLabelValues("OpenChat", "hotkey_missing")), 0},
		{"nns hotkey_missing firing", testutil.ToFloat64(m.Firing.WithLabelValues("nns", "hotkey_missing")), 3},
		{"OpenChat last poll", testutil.ToFloat64(m.LastPoll.WithLabelValues("OpenChat")), 1_800_000_000},
	} {
		if c.got != c.want {
			t.Errorf("%s = %v, want %v", c.name, c.got, c.want)
		}
	}
	// Rebuilt, not added to: the miss counted before the rebuild is in the store's count.
	if n := testutil.CollectAndCount(m.VotesMissed); n != 2 {
		t.Errorf("%d missed series, want 2 (one a lane)", n)
	}
	power := `
# HELP votebot_neuron_deciding_voting_power Deciding voting power of the neuron.
# TYPE votebot_neuron_deciding_voting_power gauge
votebot_neuron_deciding_voting_power{governance="OpenChat",neuron="0000000000000007"} 5
votebot_neuron_deciding_voting_power{governance="nns",neuron="7"} 50
`
	if err := testutil.CollectAndCompare(m.neurons, strings.NewReader(power), "votebot_neuron_deciding_voting_power"); err != nil {
		t.Error(err)
	}
}
