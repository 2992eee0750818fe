package rewards

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
)

// BenchmarkDistributeRewards: one reward event of 100 proposals with 1,000
// ballots each (the devnet's worst realistic day).
func BenchmarkDistributeRewards(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 1))
	ps := make([]SettledProposal, 100)
	for i := range ps {
		ps[i] = SettledProposal{ID: uint64(i), Topic: nns.TopicSubnetManagement, TotalPotentialVotingPower: 1 << 50}
		for n := range 1000 {
			ps[i].Ballots = append(ps[i].Ballots, Ballot{Neuron: uint64(n), Vote: nns.Vote(r.IntN(3)), VotingPower: r.Uint64N(1 << 40)})
		}
	}
	b.ReportAllocs()
	for b.Loop() {
		DistributeRewards(1e12, ps)
	}
}

// BenchmarkBuildReport: 10 neurons × 2,000 proposals (about a year of NNS
// proposals), observed twice each.
func BenchmarkBuildReport(b *testing.B) {
	var obs []Observation
	start := tNow.Add(-365 * 24 * time.Hour)
	topics := []nns.Topic{nns.TopicGovernance, nns.TopicExchangeRate, nns.TopicIcOsVersionDeployment, nns.TopicNeuronManagement}
	for p := range 2000 {
		deadline := start.Add(time.Duration(p) * 4 * time.Hour)
		for n := range 10 {
			o := Observation{ProposalID: uint64(p), Topic: topics[p%len(topics)], RewardStatus: nns.RewardStatusSettled,
				ProposalTime: deadline.Add(-96 * time.Hour), Deadline: deadline, Neuron: uint64(n), BallotVP: 1e11,
				TotalPotentialVP: 1 << 55, ObservedAt: deadline.Add(-time.Hour)}
			obs = append(obs, o)
			if (p+n)%7 != 0 {
				o.Ballot, o.ObservedAt = BallotVotedFollowing, deadline
			} else {
				o.Ballot, o.ObservedAt = BallotEmpty, deadline.Add(time.Minute)
			}
			obs = append(obs, o)
		}
	}
	in := ReportInput{Economics: DefaultEconomics(RegimeCurrent), Now: tNow, Observations: obs, SupplyE8s: 5e16, NetworkVotingPowerE8s: 1 << 55}
	b.ReportAllocs()
	for b.Loop() {
		BuildReport(in)
	}
}
