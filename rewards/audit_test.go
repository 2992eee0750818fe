package rewards

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
)

func TestAuditMaturity(t *testing.T) {
	ev := RewardEventRef{DayAfterGenesis: 2030, At: time.Date(2026, 11, 21, 0, 1, 0, 0, time.UTC)}
	m := func(free, staked uint64) Maturity { return Maturity{MaturityE8s: free, StakedMaturityE8s: staked} }
	tests := []struct {
		name          string
		expected      uint64
		before, after Maturity
		status        AuditStatus
		received      int64
	}{
		{"exact", 1_000_000, m(5, 0), m(1_000_005, 0), AuditOK, 1_000_000},
		{"just at 99%", 1_000_000, m(0, 0), m(990_000, 0), AuditOK, 990_000},
		{"below 99%", 1_000_000, m(0, 0), m(989_999, 0), AuditLow, 989_999},
		{"auto-staked", 1_000_000, m(7, 100), m(7, 1_000_100), AuditOK, 1_000_000},
		{"half staked", 1_000_000, m(0, 0), m(500_000, 500_000), AuditOK, 1_000_000},
		{"nothing expected", 0, m(0, 0), m(0, 0), AuditNothingExpected, 0},
		{"paid nothing", 10, m(3, 0), m(3, 0), AuditLow, 0},
		{"spawned between", 1_000_000, m(5_000_000, 0), m(1_000, 0), AuditMaturityLeft, -4_999_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := AuditMaturity(7, ev, tt.expected, tt.before, tt.after)
			if a.Status != tt.status || a.ReceivedE8s != tt.received || a.Neuron != 7 || a.Event != ev {
				t.Fatalf("got %+v, want status %s received %d", a, tt.status, tt.received)
			}
			if (a.Ratio == nil) != (tt.expected == 0 || tt.received < 0) {
				t.Errorf("ratio %v for expected %d", a.Ratio, tt.expected)
			}
			if a.Low() != (tt.status == AuditLow) {
				t.Errorf("Low() = %v", a.Low())
			}
		})
	}
}

// TestExpectedMaturityNeedsOnlyOwnBallots: the bot sees its own ballots
// and each proposal's total potential voting power, never the network's
// ballots (the canister deletes them at settlement). Its prediction must
// still equal, to the e8, what the canister's formula pays over every
// ballot.
func TestExpectedMaturityNeedsOnlyOwnBallots(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	topics := []nns.Topic{nns.TopicGovernance, nns.TopicExchangeRate, nns.TopicSubnetManagement, nns.TopicNetworkEconomics}
	for range 200 {
		var full, own []SettledProposal
		for id := range uint64(1 + r.IntN(12)) {
			p := SettledProposal{ID: id + 1, Topic: topics[r.IntN(len(topics))]}
			var sum uint64
			for n := range uint64(1 + r.IntN(20)) {
				b := Ballot{Neuron: n + 1, VotingPower: r.Uint64N(1e15), Vote: nns.Vote(r.IntN(3))}
				sum += b.VotingPower
				p.Ballots = append(p.Ballots, b)
			}
			p.TotalPotentialVotingPower = sum + r.Uint64N(1e16) // neurons that got no ballot count too
			full = append(full, p)
			mine := p
			mine.Ballots = []Ballot{p.Ballots[0]}
			own = append(own, mine)
		}
		pool := float64(r.Uint64N(1e13)) + r.Float64()
		want := DistributeRewards(pool, full).RewardsE8s[1]
		got, ok := ExpectedMaturityE8s(pool, own, 1)
		if !ok || got != want {
			t.Fatalf("expected %d (ok %v), the canister pays %d", got, ok, want)
		}
	}
}

func TestExpectedMaturityWithoutTotalVP(t *testing.T) {
	ps := []SettledProposal{{ID: 1, Topic: nns.TopicGovernance, Ballots: []Ballot{{Neuron: 1, Vote: nns.VoteYes, VotingPower: 10}}}}
	if got, ok := ExpectedMaturityE8s(1e9, ps, 1); ok {
		t.Fatalf("priced %d without the proposal's total voting power", got)
	}
}
