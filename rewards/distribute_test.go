package rewards

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/votebot/votebot/nns"
)

// canisterScenario builds the proposals of dfinity/ic's compute_maturities
// test helper (rs/nns/governance/tests/governance.rs): neuron i has stake
// stakes[i] e8s, a dissolve delay of exactly the minimum to vote (6 months)
// and age 0. Each behaviour string has one character per neuron — 'P'
// proposes (a Yes vote), 'y' yes, 'n' no, '-' nothing — and an optional
// topic letter: G Governance, N NetworkEconomics, E ExchangeRate; without
// one the proposal weighs 1, like the helper's default.
//
// emptyBallots decides whether non-voters hold an empty ballot. The test
// file's vectors date from the canister that divided by the voting power
// actually used; leaving empty ballots out (and total potential voting
// power unrecorded) makes DistributeRewards' denominator exactly that. With
// empty ballots, the same call computes today's formula, where non-voters
// stay in the denominator.
func canisterScenario(t *testing.T, stakes []uint64, behaviours []string, emptyBallots bool) []SettledProposal {
	t.Helper()
	e := DefaultEconomics(RegimeLegacy)
	vp := make([]uint64, len(stakes))
	for i, s := range stakes {
		vp[i] = PotentialVotingPower(e, Stake{CachedStakeE8s: s, DissolveDelaySeconds: 6 * MonthSeconds})
	}
	var out []SettledProposal
	for i, b := range behaviours {
		topic := nns.TopicNetworkEconomics
		if len(b) == len(stakes)+1 {
			switch b[len(b)-1] {
			case 'G':
				topic = nns.TopicGovernance
			case 'N':
				topic = nns.TopicNetworkEconomics
			case 'E':
				topic = nns.TopicExchangeRate
			default:
				t.Fatalf("behaviour %q: unknown topic letter", b)
			}
			b = b[:len(b)-1]
		}
		if len(b) != len(stakes) {
			t.Fatalf("behaviour %q: want %d neurons", b, len(stakes))
		}
		p := SettledProposal{ID: uint64(i + 1), Topic: topic}
		for n, c := range b {
			vote := map[rune]nns.Vote{'P': nns.VoteYes, 'y': nns.VoteYes, 'n': nns.VoteNo, '-': nns.VoteUnspecified}[c]
			if vote == nns.VoteUnspecified && !emptyBallots {
				continue
			}
			p.Ballots = append(p.Ballots, Ballot{Neuron: uint64(n), Vote: vote, VotingPower: vp[n]})
		}
		out = append(out, p)
	}
	return out
}

// computeMaturities returns each neuron's reward when the day-0 pool of a
// 365,250 e8s supply (100 e8s) is distributed, like the canister helper.
func computeMaturities(t *testing.T, stakes []uint64, behaviours []string, emptyBallots bool) []uint64 {
	t.Helper()
	pool := DailyPoolE8s(DefaultEconomics(RegimeLegacy), 0, 365_250)
	d := DistributeRewards(pool, canisterScenario(t, stakes, behaviours, emptyBallots))
	out := make([]uint64, len(stakes))
	for i := range stakes {
		out[i] = d.RewardsE8s[uint64(i)]
	}
	return out
}

func TestCanisterComputeMaturitiesVectors(t *testing.T) {
	tests := []struct {
		name       string
		stakes     []uint64
		behaviours []string
		want       []uint64 // the canister test's assertion
		wantLive   []uint64 // same scenario, non-voters in the denominator
	}{
		{"topic weights 20:5", []uint64{7, 7}, []string{"P-G", "-PN", "-PN", "-PN", "-PN", "-PN"}, []uint64{80, 20}, []uint64{40, 10}},
		{"1:5 default topic", []uint64{7, 7}, []string{"P-N", "-P", "-P", "-P", "-P", "-P"}, []uint64{16, 83}, []uint64{8, 41}},
		{"1:5 governance", []uint64{7, 7}, []string{"P-G", "-PG", "-PG", "-PG", "-PG", "-PG"}, []uint64{16, 83}, []uint64{8, 41}},
		{"1:5 exchange rate", []uint64{7, 7}, []string{"P-E", "-PE", "-PE", "-PE", "-PE", "-PE"}, []uint64{16, 83}, []uint64{8, 41}},
		{"exchange rate is 1%", []uint64{7, 7}, []string{"P-N", "-PE"}, []uint64{99, 0}, []uint64{49, 0}},
		{"stake scaling 1", []uint64{1}, []string{"P"}, []uint64{100}, []uint64{100}},
		{"stake scaling 2", []uint64{2}, []string{"P"}, []uint64{100}, []uint64{100}},
		{"stake scaling 43330", []uint64{43_330}, []string{"P"}, []uint64{100}, []uint64{100}},
		{"no proposal, one neuron", []uint64{1}, nil, []uint64{0}, []uint64{0}},
		{"no proposal, two neurons", []uint64{1, 5}, nil, []uint64{0, 0}, []uint64{0, 0}},
		{"passive neuron 1", []uint64{1, 1}, []string{"P-"}, []uint64{100, 0}, []uint64{50, 0}},
		{"passive neuron 0", []uint64{1, 1}, []string{"-P"}, []uint64{0, 100}, []uint64{0, 50}},
		{"propose = yes (Py)", []uint64{1, 1}, []string{"Py"}, []uint64{50, 50}, []uint64{50, 50}},
		{"propose = no (Pn)", []uint64{1, 1}, []string{"Pn"}, []uint64{50, 50}, []uint64{50, 50}},
		{"yes = propose (yP)", []uint64{1, 1}, []string{"yP"}, []uint64{50, 50}, []uint64{50, 50}},
		{"no = propose (nP)", []uint64{1, 1}, []string{"nP"}, []uint64{50, 50}, []uint64{50, 50}},
		{"which proposal is missed does not matter", []uint64{1, 1, 1, 1}, []string{"-Pyn", "P-yn", "Py-n", "Pyn-"}, []uint64{25, 25, 25, 25}, []uint64{18, 18, 18, 18}},
		{"more active gets more", []uint64{1, 1}, []string{"P-", "P-", "yP"}, []uint64{75, 25}, []uint64{50, 16}},
		{"more active, three neurons", []uint64{2, 1, 1}, []string{"P--", "P--", "Py-", "P-y", "Pn-", "P-n", "Pyn"}, []uint64{70, 15, 15}, []uint64{50, 10, 10}},
		{"more stake (Py)", []uint64{3, 1}, []string{"Py"}, []uint64{75, 25}, []uint64{75, 25}},
		{"more stake (yP)", []uint64{3, 1}, []string{"yP"}, []uint64{75, 25}, []uint64{75, 25}},
		{"complex", []uint64{3, 1, 1}, []string{"-P-", "--P", "y-P", "P-n"}, []uint64{60, 10, 30}, []uint64{30, 5, 15}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := computeMaturities(t, tc.stakes, tc.behaviours, false); !slices.Equal(got, tc.want) {
				t.Errorf("canister vector: got %v, want %v", got, tc.want)
			}
			if got := computeMaturities(t, tc.stakes, tc.behaviours, true); !slices.Equal(got, tc.wantLive) {
				t.Errorf("live denominator: got %v, want %v", got, tc.wantLive)
			}
		})
	}
}

func TestCanisterVectorsForEveryStake(t *testing.T) {
	// The canister checks the topic-weight vectors for every stake in
	// 1..1e9 with proptest; sample the range.
	for _, stake := range []uint64{1, 2, 3, 17, 999, 123_456, 100_000_000, 999_999_999} {
		got := computeMaturities(t, []uint64{stake, stake}, []string{"P-G", "-PN", "-PN", "-PN", "-PN", "-PN"}, false)
		if !slices.Equal(got, []uint64{80, 20}) {
			t.Errorf("stake %d: got %v, want [80 20]", stake, got)
		}
	}
}

func TestSeedSplit1000(t *testing.T) {
	// Seed: 1000 maturity, neurons A (vp 20) and B (vp 80) both voted on all
	// 10 proposals → 200 and 800.
	var ps []SettledProposal
	for i := range 10 {
		ps = append(ps, SettledProposal{ID: uint64(i), Topic: nns.TopicNetworkEconomics,
			TotalPotentialVotingPower: 100,
			Ballots:                   []Ballot{{Neuron: 1, Vote: nns.VoteYes, VotingPower: 20}, {Neuron: 2, Vote: nns.VoteNo, VotingPower: 80}}})
	}
	d := DistributeRewards(1000, ps)
	if d.RewardsE8s[1] != 200 || d.RewardsE8s[2] != 800 || d.DistributedE8s != 1000 || d.RolledOver {
		t.Fatalf("got %+v, want 200/800 distributed 1000", d)
	}
}

func TestDistributeRollsOverWhenNothingSettles(t *testing.T) {
	d := DistributeRewards(123.9, nil)
	if !d.RolledOver || d.RollOverE8s() != 123 || d.DistributedE8s != 0 || len(d.RewardsE8s) != 0 {
		t.Fatalf("got %+v, want rollover of 123 e8s", d)
	}
	// Settled proposals with no voting power at all: settled (no rollover),
	// but nothing distributed, as the canister's guard does.
	d = DistributeRewards(100, []SettledProposal{{ID: 1, Topic: nns.TopicGovernance}})
	if d.RolledOver || d.DistributedE8s != 0 {
		t.Fatalf("got %+v, want settled with nothing distributed", d)
	}
}

func TestDistributeUsesTotalPotentialVotingPower(t *testing.T) {
	// One neuron holds half the potential voting power but only its own
	// ballot is visible: it gets half the pool, the rest is not redistributed.
	ps := []SettledProposal{{ID: 1, Topic: nns.TopicGovernance, TotalPotentialVotingPower: 200,
		Ballots: []Ballot{{Neuron: 9, Vote: nns.VoteYes, VotingPower: 100}}}}
	d := DistributeRewards(1000, ps)
	if d.RewardsE8s[9] != 500 {
		t.Fatalf("got %d, want 500", d.RewardsE8s[9])
	}
}

func TestDistributeIgnoresInputOrder(t *testing.T) {
	ps := canisterScenario(t, []uint64{3, 1, 1}, []string{"-P-", "--P", "y-P", "P-n"}, true)
	want := fmt.Sprint(DistributeRewards(97.3, ps).RewardsE8s)
	slices.Reverse(ps)
	for i := range ps {
		slices.Reverse(ps[i].Ballots)
	}
	if got := fmt.Sprint(DistributeRewards(97.3, ps).RewardsE8s); got != want {
		t.Fatalf("order changed the result: %s vs %s", got, want)
	}
	if !strings.Contains(want, "0:") {
		t.Fatalf("unexpected %s", want)
	}
}
