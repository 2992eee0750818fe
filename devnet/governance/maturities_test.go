package governance

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

// computeMaturities replays the helper of the same name in
// rs/nns/governance/tests/governance.rs (dfinity/ic): neurons of the given
// stakes at the minimum dissolve delay, a supply that makes the day-0 pool
// 100 e8s (legacy), proposals lasting 10 s, one reward event a day later.
// A behaviour like "-Pyn" means: neuron 1 proposes, 2 votes yes, 3 no, 0
// abstains; a trailing G, N or E picks the topic (Governance,
// NetworkEconomics (the default), ExchangeRate).
func computeMaturities(t *testing.T, stakes []uint64, behaviours []string) []uint64 {
	t.Helper()
	c, clk := newCanister(t, rewards.RegimeLegacy, func(cfg *Config) {
		cfg.TotalSupplyE8s = 365_250
		cfg.VotingPeriod = 10 * time.Second
		cfg.ShortVotingPeriod = 10 * time.Second
		cfg.WaitForQuietIncrease = time.Second
	})
	for i, s := range stakes {
		addNeuron(t, c, uint64(i)+1, s, nil) // ids from 1: 0 is never a neuron id
	}
	for _, b := range behaviours {
		topic := nns.TopicNetworkEconomics
		switch {
		case strings.HasSuffix(b, "G"):
			topic = nns.TopicGovernance
		case strings.HasSuffix(b, "E"):
			topic = nns.TopicExchangeRate
		}
		b = strings.TrimRight(b, "GNE")
		id := submit(t, c, onTopic(uint64(strings.IndexByte(b, 'P'))+1, topic))
		for n, ch := range b {
			switch ch {
			case 'y':
				vote(t, c, uint64(n)+1, id, nns.VoteYes)
			case 'n':
				vote(t, c, uint64(n)+1, id, nns.VoteNo)
			}
		}
	}
	clk.Advance(day + time.Second)
	c.Tick()
	ev := c.LatestRewardEvent()
	if ev.DayAfterGenesis != 1 || ev.TotalAvailableE8sEquivalent != 100 || len(ev.SettledProposals) != len(behaviours) {
		t.Fatalf("reward event = %+v, want day 1, 100 e8s available, %d settled", ev, len(behaviours))
	}
	out := make([]uint64, len(stakes))
	for i := range stakes {
		n, _ := c.Neuron(uint64(i) + 1)
		out[i] = n.MaturityE8sEquivalent
	}
	return out
}

func TestComputeMaturitiesVectors(t *testing.T) {
	tests := []struct {
		stakes     []uint64
		behaviours []string
		want       []uint64
	}{
		// test_topic_weights (for several stakes).
		{[]uint64{7, 7}, []string{"P-N", "-PE"}, []uint64{49, 0}},
		{[]uint64{7, 7}, []string{"P-G", "-PN"}, []uint64{47, 2}},
		{[]uint64{123_456_789, 123_456_789}, []string{"P-G", "-PN", "-PN", "-PN", "-PN", "-PN"}, []uint64{40, 10}},
		{[]uint64{1, 1}, []string{"P-N", "-PN", "-PN", "-PN", "-PN"}, []uint64{10, 40}},
		{[]uint64{999, 999}, []string{"P-G", "-PG", "-PG", "-PG", "-PG"}, []uint64{10, 40}},
		// test_maturities_are_invariant_by_stake_scaling
		{[]uint64{1}, []string{"P"}, []uint64{100}},
		{[]uint64{2}, []string{"P"}, []uint64{100}},
		{[]uint64{43_330}, []string{"P"}, []uint64{100}},
		// test_passive_neurons_dont_get_mature
		{[]uint64{1, 1}, []string{"P-"}, []uint64{50, 0}},
		{[]uint64{1, 1}, []string{"-P"}, []uint64{0, 50}},
		// test_proposing_voting_yes_voting_no_are_equivalent_for_rewards
		{[]uint64{1, 1}, []string{"Py"}, []uint64{50, 50}},
		{[]uint64{1, 1}, []string{"Pn"}, []uint64{50, 50}},
		{[]uint64{1, 1}, []string{"yP"}, []uint64{50, 50}},
		{[]uint64{1, 1}, []string{"nP"}, []uint64{50, 50}},
		// test_neuron_sometimes_active_sometimes_passive_which_proposal_does_not_matter
		{[]uint64{1, 1, 1, 1}, []string{"-Pyn", "P-yn", "Py-n", "Pyn-"}, []uint64{18, 18, 18, 18}},
		// test_active_neuron_gets_more_mature_than_less_active_one
		{[]uint64{1, 1}, []string{"P-", "P-", "yP"}, []uint64{50, 16}},
		{[]uint64{2, 1, 1}, []string{"P--", "P--", "Py-", "P-y", "Pn-", "P-n", "Pyn"}, []uint64{50, 10, 10}},
		// test_more_stakes_gets_more_maturity
		{[]uint64{3, 1}, []string{"Py"}, []uint64{75, 25}},
		{[]uint64{3, 1}, []string{"yP"}, []uint64{75, 25}},
		// test_reward_complex_scenario
		{[]uint64{3, 1, 1}, []string{"-P-", "--P", "y-P", "P-n"}, []uint64{30, 5, 15}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%v_%v", tc.stakes, tc.behaviours), func(t *testing.T) {
			if got := computeMaturities(t, tc.stakes, tc.behaviours); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("maturities = %v, want %v", got, tc.want)
			}
		})
	}
}

// test_no_maturity_increase_if_no_proposal: nothing settles, nothing is
// credited, and the pool rolls over into the next event.
func TestNoProposalRollsOver(t *testing.T) {
	c, clk := newCanister(t, rewards.RegimeLegacy, func(cfg *Config) { cfg.TotalSupplyE8s = 365_250 })
	addNeuron(t, c, 1, 1, nil)
	addNeuron(t, c, 2, 5, nil)
	clk.Advance(day)
	c.Tick()
	ev := c.LatestRewardEvent()
	if ev.DayAfterGenesis != 1 || ev.DistributedE8sEquivalent != 0 || ev.TotalAvailableE8sEquivalent != 100 {
		t.Fatalf("day 1 event = %+v, want 100 available, 0 distributed", ev)
	}
	for _, id := range []uint64{1, 2} {
		if n, _ := c.Neuron(id); n.MaturityE8sEquivalent != 0 {
			t.Errorf("neuron %d maturity = %d, want 0", id, n.MaturityE8sEquivalent)
		}
	}
	// Day 1's pool is slightly smaller than day 0's; both add up in the next event.
	e := c.cfg.Economics
	want := uint64(rewards.DailyPoolE8s(e, 0, 365_250) + rewards.DailyPoolE8s(e, 1, 365_250))
	p := submit(t, c, motion(1))
	vote(t, c, 2, p, nns.VoteYes)
	clk.Advance(day)
	c.Tick()
	ev = c.LatestRewardEvent()
	if ev.TotalAvailableE8sEquivalent != want || *ev.RoundsSinceLastDistribution != 2 {
		t.Errorf("day 2 event = %+v, want %d available over 2 rounds", ev, want)
	}
	// P is still open (4-day voting period): it does not settle yet.
	if len(ev.SettledProposals) != 0 {
		t.Errorf("settled %v before the deadline", ev.SettledProposals)
	}
}

func TestDayZeroPoolIs100(t *testing.T) {
	c, clk := newCanister(t, rewards.RegimeLegacy, func(cfg *Config) {
		cfg.TotalSupplyE8s = 365_250
		cfg.VotingPeriod = time.Minute
	})
	addNeuron(t, c, 1, 10*icp, nil)
	submit(t, c, motion(1))
	clk.Advance(2 * time.Minute) // voting is over, the reward day is not
	ev := c.TriggerRewardEvent()
	if ev.TotalAvailableE8sEquivalent != 100 || ev.DistributedE8sEquivalent != 100 {
		t.Fatalf("event = %+v, want 100 available and distributed", ev)
	}
}

// Seed document: 60 ICP + 40 ICP staked maturity, 8-year delay, 2-year age
// → voting power 225 ICP (legacy).
func TestSeedVotingPower225(t *testing.T) {
	c, _ := newCanister(t, rewards.RegimeLegacy, nil)
	addNeuron(t, c, 1, 60*icp, func(s *NeuronSpec) {
		s.StakedMaturityE8s = 40 * icp
		s.DissolveDelay = 8 * year
		s.Age = 2 * year
	})
	ni, _ := c.NeuronInfo(1)
	if *ni.PotentialVotingPower != 225*icp || *ni.DecidingVotingPower != 225*icp || ni.StakeE8s != 100*icp {
		t.Fatalf("potential %d deciding %d stake %d, want 225 ICP, 225 ICP, 100 ICP",
			*ni.PotentialVotingPower, *ni.DecidingVotingPower, ni.StakeE8s)
	}
}

// Seed document: 1000 maturity split between voting powers 20 and 80 →
// 200 and 800.
func TestSeedSplit200And800(t *testing.T) {
	c, clk := newCanister(t, rewards.RegimeLegacy, func(cfg *Config) {
		cfg.TotalSupplyE8s = 3_652_500 // day-0 pool: 1000 e8s
		cfg.VotingPeriod = time.Minute
	})
	addNeuron(t, c, 1, 20*icp, nil)
	addNeuron(t, c, 2, 80*icp, nil)
	p := submit(t, c, motion(1))
	vote(t, c, 2, p, nns.VoteYes)
	clk.Advance(day)
	c.Tick()
	a, _ := c.Neuron(1)
	b, _ := c.Neuron(2)
	if a.MaturityE8sEquivalent != 200 || b.MaturityE8sEquivalent != 800 {
		t.Fatalf("maturities %d/%d, want 200/800", a.MaturityE8sEquivalent, b.MaturityE8sEquivalent)
	}
	if pi := info(t, c, p); pi.RewardStatus != int32(nns.RewardStatusSettled) || pi.RewardEventRound != 1 || len(pi.Ballots) != 0 {
		t.Errorf("after settlement: reward status %d round %d ballots %d, want Settled, 1, none",
			pi.RewardStatus, pi.RewardEventRound, len(pi.Ballots))
	}
}
