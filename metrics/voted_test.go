package metrics

import (
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

func TestVotedCollector(t *testing.T) {
	c := newVotedCollector("votebot_neuron_voted", "Whether the neuron's ballot is filled.")
	l := c.lane("nns", itoa, func(n uint64) string { return "n" + itoa(n) })
	l.set(7, "Governance", 1, true)
	l.set(7, "Governance", 2, false)
	l.set(7, "Governance", 3, true)
	l.set(8, "NodeAdmin", 3, false) // a proposal that first sees neuron 3
	l.set(8, "NodeAdmin", 1, true)
	l.remove(7, 3)
	l.set(9, "NodeAdmin", 2, true)
	l.set(9, "SubnetManagement", 1, false) // a new topic replaces the proposal's series
	l.set(10, "Governance", 4, true)
	l.deleteProposal(10)
	want := `# HELP votebot_neuron_voted Whether the neuron's ballot is filled.
# TYPE votebot_neuron_voted gauge
votebot_neuron_voted{alias="n1",governance="nns",neuron="1",proposal_id="7",topic="Governance"} 1
votebot_neuron_voted{alias="n2",governance="nns",neuron="2",proposal_id="7",topic="Governance"} 0
votebot_neuron_voted{alias="n1",governance="nns",neuron="1",proposal_id="8",topic="NodeAdmin"} 1
votebot_neuron_voted{alias="n3",governance="nns",neuron="3",proposal_id="8",topic="NodeAdmin"} 0
votebot_neuron_voted{alias="n1",governance="nns",neuron="1",proposal_id="9",topic="SubnetManagement"} 0
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
	for _, v := range []struct {
		neuron, proposal uint64
		want             float64
		ok               bool
	}{
		{1, 7, 1, true}, {2, 7, 0, true}, {3, 7, 0, false}, {3, 8, 0, true},
		{2, 9, 0, false}, {4, 10, 0, false}, {5, 7, 0, false},
	} {
		if got, ok := l.value(v.neuron, v.proposal); got != v.want || ok != v.ok {
			t.Errorf("Value(%d, %d) = %v, %v; want %v, %v", v.neuron, v.proposal, got, ok, v.want, v.ok)
		}
	}
}

// TestVotedCollectorSeries: the collector's series follow set, remove,
// a topic change and deletion, with the alias known at scrape time.
func TestVotedCollectorSeries(t *testing.T) {
	m := NewMetrics("test", "abc")
	m.SetNeurons([]bot.NeuronConfig{{ID: 1, Alias: "a"}, {ID: 2, Alias: "b"}})
	p := policy.Proposal{ID: 9, Topic: nns.TopicGovernance, Deadline: time.Unix(100, 0)}
	m.OpenBallot(&p, 1, true, false)
	m.OpenBallot(&p, 2, false, false)
	want := `
# HELP votebot_neuron_voted 1 if the neuron's ballot on the open proposal is filled, 0 if empty.
# TYPE votebot_neuron_voted gauge
votebot_neuron_voted{alias="a",governance="nns",neuron="1",proposal_id="9",topic="Governance"} 1
votebot_neuron_voted{alias="b",governance="nns",neuron="2",proposal_id="9",topic="Governance"} 0
`
	if err := testutil.CollectAndCompare(m.NeuronVoted, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
	m.OpenBallot(&p, 2, false, true) // skipped: no series
	p.Topic = nns.TopicNodeAdmin     // a topic change replaces the proposal's series
	m.OpenBallot(&p, 1, true, false)
	want = `
# HELP votebot_neuron_voted 1 if the neuron's ballot on the open proposal is filled, 0 if empty.
# TYPE votebot_neuron_voted gauge
votebot_neuron_voted{alias="a",governance="nns",neuron="1",proposal_id="9",topic="NodeAdmin"} 1
`
	if err := testutil.CollectAndCompare(m.NeuronVoted, strings.NewReader(want)); err != nil {
		t.Fatal(err)
	}
	m.ProposalSettled(p.ID)
	if n := testutil.CollectAndCount(m.NeuronVoted); n != 0 {
		t.Fatalf("%d series after deletion, want 0", n)
	}
}
