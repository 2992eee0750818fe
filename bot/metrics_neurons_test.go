package bot

import (
	"strings"
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestNeuronCollector(t *testing.T) {
	c := NewMetrics("test", "abc").neurons
	c.setPower(1, 500, 700)
	c.setRefreshed(1, 1_795_000_000)
	c.setParticipation(1, "30d", 0.5)
	c.setParticipation(1, "30d", 0.75) // replaces
	c.setParticipation(1, "365d", 1)
	c.setRefreshed(2, 1_796_000_000) // no power read yet: no power series
	c.setPower(1, 600, 700)
	want := `
# HELP votebot_neuron_deciding_voting_power Deciding voting power of the neuron.
# TYPE votebot_neuron_deciding_voting_power gauge
votebot_neuron_deciding_voting_power{neuron="1"} 600
# HELP votebot_neuron_potential_voting_power Potential voting power of the neuron.
# TYPE votebot_neuron_potential_voting_power gauge
votebot_neuron_potential_voting_power{neuron="1"} 700
# HELP votebot_neuron_voting_power_refreshed_timestamp_seconds When the neuron's voting power was last refreshed.
# TYPE votebot_neuron_voting_power_refreshed_timestamp_seconds gauge
votebot_neuron_voting_power_refreshed_timestamp_seconds{neuron="1"} 1.795e+09
votebot_neuron_voting_power_refreshed_timestamp_seconds{neuron="2"} 1.796e+09
# HELP votebot_reward_weighted_participation_ratio Reward-weighted participation per neuron and window (0..1).
# TYPE votebot_reward_weighted_participation_ratio gauge
votebot_reward_weighted_participation_ratio{neuron="1",window="30d"} 0.75
votebot_reward_weighted_participation_ratio{neuron="1",window="365d"} 1
`
	if err := testutil.CollectAndCompare(c, strings.NewReader(want)); err != nil {
		t.Error(err)
	}
	// The names are a contract with deploy/prometheus: served from the registry.
	m := NewMetrics("test", "abc")
	m.neurons.setPower(3, 1, 2)
	if n := testutil.CollectAndCount(m.Registry, "votebot_neuron_deciding_voting_power"); n != 1 {
		t.Errorf("registry serves %d deciding-power series, want 1", n)
	}
}
