package nnslocal

import (
	"time"

	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/snsgov"
)

// scaleScenario returns a copy of s whose timeline is multiplied by f:
// proposal and vote offsets and how long ago voting power was refreshed.
// Neuron properties that only decide eligibility and bonuses (dissolve
// delays, ages) keep their values.
func scaleScenario(s *governance.Scenario, f float64) *governance.Scenario {
	out := *s
	out.Neurons = append([]governance.NeuronSpec(nil), s.Neurons...)
	for i := range out.Neurons {
		if ago := out.Neurons[i].VotingPowerRefreshedAgo; ago > 0 {
			out.Neurons[i].VotingPowerRefreshedAgo = scaleSeconds(ago, f)
		}
	}
	out.Proposals = make([]governance.ScenarioProposal, len(s.Proposals))
	for i, p := range s.Proposals {
		p.At = scale(p.At, f)
		p.Votes = append([]governance.ScenarioVote(nil), p.Votes...)
		for j := range p.Votes {
			p.Votes[j].At = scale(p.Votes[j].At, f)
		}
		out.Proposals[i] = p
	}
	return &out
}

// scaleConfig multiplies the canister's periods by f, mainnet defaults
// included, in whole seconds (at least one) as governance counts them.
func scaleConfig(c *governance.Config, f float64) {
	for _, p := range []struct {
		d   *time.Duration
		def time.Duration
	}{
		{&c.VotingPeriod, governance.DefaultVotingPeriod},
		{&c.ShortVotingPeriod, governance.DefaultShortVotingPeriod},
		{&c.WaitForQuietIncrease, governance.DefaultWaitForQuietIncrease},
		{&c.RewardPeriod, governance.DefaultRewardPeriod},
	} {
		if *p.d == 0 {
			*p.d = p.def
		}
		*p.d = scaleSeconds(*p.d, f)
	}
	e := &c.Economics
	for _, s := range []*uint64{&e.StartReducingVotingPowerAfterSeconds, &e.ClearFollowingAfterSeconds} {
		*s = uint64(scaleSeconds(time.Duration(*s)*time.Second, f) / time.Second)
	}
}

func scale(d time.Duration, f float64) time.Duration { return time.Duration(float64(d) * f) }

// scaleSeconds scales d and rounds it to whole seconds, at least one.
func scaleSeconds(d time.Duration, f float64) time.Duration {
	return max(scale(d, f).Round(time.Second), time.Second)
}

// scaleSNS compresses an SNS scenario's timeline and periods as the NNS's: its periods (defaults
// included) and the proposal and vote offsets; dissolve delays and ages are not scaled.
func scaleSNS(s snsgov.Scenario, f float64) snsgov.Scenario {
	c := &s.Config
	for _, p := range []struct {
		d   *time.Duration
		def time.Duration
	}{
		{&c.InitialVotingPeriod, snsgov.DefaultInitialVotingPeriod},
		{&c.CriticalVotingPeriod, snsgov.DefaultCriticalVotingPeriod},
		{&c.CriticalWaitForQuiet, snsgov.DefaultCriticalWaitForQuiet},
		{&c.WaitForQuietIncrease, snsgov.DefaultWaitForQuietIncrease},
		{&c.RoundDuration, snsgov.DefaultRoundDuration},
	} {
		if *p.d == 0 {
			*p.d = p.def
		}
		*p.d = scaleSeconds(*p.d, f)
	}
	ps := make([]snsgov.ScenarioProposal, len(s.Proposals))
	for i, p := range s.Proposals {
		p.At = scale(p.At, f)
		p.Votes = append([]snsgov.ScenarioVote(nil), p.Votes...)
		for j := range p.Votes {
			p.Votes[j].At = scale(p.Votes[j].At, f)
		}
		ps[i] = p
	}
	s.Proposals = ps
	return s
}
