package bot

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestVotedCollector(t *testing.T) {
	c := newVotedCollector("votebot_neuron_voted", "Whether the neuron's ballot is filled.",
		func(n uint64) string { return "n" + itoa(n) })
	c.set(7, "Governance", 1, true)
	c.set(7, "Governance", 2, false)
	c.set(7, "Governance", 3, true)
	c.set(8, "NodeAdmin", 3, false) // a proposal that first sees neuron 3
	c.set(8, "NodeAdmin", 1, true)
	c.remove(7, 3)
	c.set(9, "NodeAdmin", 2, true)
	c.set(9, "SubnetManagement", 1, false) // a new topic replaces the proposal's series
	c.set(10, "Governance", 4, true)
	c.deleteProposal(10)
	want := `# HELP votebot_neuron_voted Whether the neuron's ballot is filled.
# TYPE votebot_neuron_voted gauge
votebot_neuron_voted{alias="n1",neuron="1",proposal_id="7",topic="Governance"} 1
votebot_neuron_voted{alias="n2",neuron="2",proposal_id="7",topic="Governance"} 0
votebot_neuron_voted{alias="n1",neuron="1",proposal_id="8",topic="NodeAdmin"} 1
votebot_neuron_voted{alias="n3",neuron="3",proposal_id="8",topic="NodeAdmin"} 0
votebot_neuron_voted{alias="n1",neuron="1",proposal_id="9",topic="SubnetManagement"} 0
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
		if got, ok := c.Value(v.neuron, v.proposal); got != v.want || ok != v.ok {
			t.Errorf("Value(%d, %d) = %v, %v; want %v, %v", v.neuron, v.proposal, got, ok, v.want, v.ok)
		}
	}
}
