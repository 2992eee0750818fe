package nnslocal_test

import (
	"context"
	"testing"
	"time"

	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/nnslocal"
)

// TestTimeScale: a scenario written in hours plays in seconds; periods
// round to whole seconds, dissolve delays keep their values.
func TestTimeScale(t *testing.T) {
	scenario, err := governance.ParseScenario([]byte(`
economics: {voting_period: 40h, short_voting_period: 15h, reward_period: 30h, start_reducing_voting_power_after: 100h, clear_following_after: 30h, genesis: start}
neurons:
  - {id: 1, controller: aaaaa-aa, stake_e8s: 100000000000, dissolve_delay: 1y, voting_power_refreshed_ago: 62h}
proposals:
  - {at: 2h, proposer: 1, title: Early}
  - {at: 66h, proposer: 1, title: Late}
`), "")
	if err != nil {
		t.Fatal(err)
	}
	clk := &fakeClock{t: time.Unix(1_800_000_000, 0)}
	const f = 1.0 / 3600 // one hour is one second
	n, err := nnslocal.Start(context.Background(), nnslocal.Options{Scenario: scenario, TimeScale: f, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	c := n.Governance.Config()
	if c.VotingPeriod != 40*time.Second || c.ShortVotingPeriod != 15*time.Second || c.RewardPeriod != 30*time.Second ||
		c.WaitForQuietIncrease != 48*time.Second { // the 2-day default, scaled
		t.Errorf("periods %v %v %v %v, want 40s 15s 30s 48s", c.VotingPeriod, c.ShortVotingPeriod, c.RewardPeriod, c.WaitForQuietIncrease)
	}
	if e := c.Economics; e.StartReducingVotingPowerAfterSeconds != 100 || e.ClearFollowingAfterSeconds != 30 {
		t.Errorf("voting power periods %d s, %d s; want 100, 30", e.StartReducingVotingPowerAfterSeconds, e.ClearFollowingAfterSeconds)
	}
	nr, _ := n.Governance.Neuron(1)
	if got := clk.t.Unix() - int64(*nr.VotingPowerRefreshedTimestampSeconds); got != 62 {
		t.Errorf("voting power refreshed %d s ago, want 62", got)
	}
	if ds := nr.DissolveState; ds == nil || ds.DissolveDelaySeconds == nil || *ds.DissolveDelaySeconds != uint64((365*24+6)*3600) {
		t.Errorf("dissolve state %+v, want a year's delay (not scaled)", ds)
	}
	if scenario.Proposals[1].At != 66*time.Hour {
		t.Error("scaling changed the caller's scenario")
	}
	n.Step(clk.t.Add(3 * time.Second))
	if _, ok := n.ProposalID(0); !ok {
		t.Error("the 2h proposal was not made at 3 s")
	}
	if _, ok := n.ProposalID(1); ok {
		t.Error("the 66h proposal was made at 3 s")
	}
	n.Step(clk.t.Add(66 * time.Second))
	if _, ok := n.ProposalID(1); !ok {
		t.Error("the 66h proposal was not made at 66 s")
	}
}
