package governance

import (
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

func TestRewardFactorUnderpaysOneNeuron(t *testing.T) {
	start := time.Date(2026, 5, 1, 0, 0, 0, 0, time.UTC)
	now := start
	e := rewards.DefaultEconomics(rewards.RegimeCurrent)
	e.GenesisSeconds = start.Unix()
	c, err := New(Config{Economics: e, Now: func() time.Time { return now },
		VotingPeriod: time.Minute, ShortVotingPeriod: time.Minute, WaitForQuietIncrease: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	for id := uint64(1); id <= 2; id++ {
		if _, err := c.AddNeuron(NeuronSpec{ID: id, Controller: principal.Principal{Raw: []byte{0xAB, byte(id)}},
			StakeE8s: 1e11, DissolveDelay: 8 * 365 * 24 * time.Hour}); err != nil {
			t.Fatal(err)
		}
	}
	pid, err := c.SubmitProposal(ProposalSpec{Proposer: 1, Topic: nns.TopicGovernance, Title: "t",
		Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CastVote(2, pid, nns.VoteYes); err != nil {
		t.Fatal(err)
	}
	if err := c.SetRewardFactor(2, 0.5); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []float64{-1, 1.5} {
		if err := c.SetRewardFactor(2, bad); err == nil {
			t.Errorf("factor %v accepted", bad)
		}
	}
	if err := c.SetRewardFactor(99, 0.5); err == nil {
		t.Error("unknown neuron accepted")
	}
	now = now.Add(24*time.Hour + time.Second)
	c.Tick()
	n1, _ := c.Neuron(1)
	n2, _ := c.Neuron(2)
	// Same stake, same votes: neuron 2 gets half of neuron 1 (floored).
	if n1.MaturityE8sEquivalent == 0 || n2.MaturityE8sEquivalent != n1.MaturityE8sEquivalent/2 {
		t.Errorf("maturity %d and %d, want the second half the first", n1.MaturityE8sEquivalent, n2.MaturityE8sEquivalent)
	}
}
