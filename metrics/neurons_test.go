package metrics

import (
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestNeuronCollector(t *testing.T) {
	c := NewMetrics("test", "abc").neurons
	c.setPower(neuronKey{"nns", 1}, itoa, 500, 700)
	c.setRefreshed(neuronKey{"nns", 1}, itoa, 1_795_000_000)
	c.setParticipation(neuronKey{"nns", 1}, itoa, "30d", 0.5)
	c.setParticipation(neuronKey{"nns", 1}, itoa, "30d", 0.75) // replaces
	c.setParticipation(neuronKey{"nns", 1}, itoa, "365d", 1)
	c.setRefreshed(neuronKey{"nns", 2}, itoa, 1_796_000_000) // no power read yet: no power series
	c.setPower(neuronKey{"nns", 1}, itoa, 600, 700)
	want := `
# HELP votebot_neuron_deciding_voting_power Deciding voting power of the neuron.
# TYPE votebot_neuron_deciding_voting_power gauge
votebot_neuron_deciding_voting_power{governance="nns",neuron="1"} 600
# HELP votebot_neuron_potential_voting_power Potential voting power of the neuron.
# TYPE votebot_neuron_potential_voting_power gauge
votebot_neuron_potential_voting_power{governance="nns",neuron="1"} 700
# HELP votebot_neuron_voting_power_refreshed_timestamp_seconds When the neuron's voting power was last refreshed.
# TYPE votebot_neuron_voting_power_refreshed_timestamp_seconds gauge
votebot_neuron_voting_power_refreshed_timestamp_seconds{governance="nns",neuron="1"} 1.795e+09
votebot_neuron_voting_power_refreshed_timestamp_seconds{governance="nns",neuron="2"} 1.796e+09
# HELP votebot_reward_weighted_participation_ratio Reward-weighted participation per neuron and window (0..1).
# TYPE votebot_reward_weighted_participation_ratio gauge
votebot_reward_weighted_participation_ratio{governance="nns",neuron="1",window="30d"} 0.75
votebot_reward_weighted_participation_ratio{governance="nns",neuron="1",window="365d"} 1
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
}

// WriteText (what /metrics serves) must say what Collect says.
func TestNeuronWriteTextMatchesCollect(t *testing.T) {
	for seed := range uint64(30) {
		r := rand.New(rand.NewPCG(seed, 11))
		c := NewMetrics("test", "abc").neurons
		windows := []string{"7d", "30d", `odd "window"`}
		for range r.IntN(100) {
			// Two lanes whose numbers overlap, one with a name to escape.
			n := neuronKey{[]string{"nns", `Open"Chat`}[r.IntN(2)], uint64(r.IntN(30))}
			switch r.IntN(3) {
			case 0:
				c.setPower(n, itoa, r.Uint64N(1e15), r.Uint64N(1e15))
			case 1:
				c.setRefreshed(n, itoa, 1_700_000_000+r.Int64N(1e8))
			default:
				c.setParticipation(n, itoa, windows[r.IntN(3)], r.Float64())
			}
		}
		checkTextMatchesCollect(t, c, seed)
	}
}
