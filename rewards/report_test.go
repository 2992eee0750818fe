package rewards

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
)

// The history in testdata/observations.json, at tNow (2026-11-21 12:00Z):
//
//	proposal  topic                  closes       alpha (1001)  beta (1002)
//	140005    SubnetManagement       11-10 08:00  missed        unknown
//	140008    ParticipantManagement  11-18 09:00  direct        no ballot
//	140002    IcOsVersionDeployment  11-19 10:00  following     following
//	140001    Governance             11-20 10:00  direct        missed
//	140003    ExchangeRate           11-21 06:00  direct        missed
//	140004    NeuronManagement       11-21 12:00  (ineligible)
//	140007    NodeAdmin              11-21 09:00  direct        direct
//	140006    Governance             11-23 12:00  pending       direct (open)
type testHistory struct {
	Observations          []Observation  `json:"observations"`
	Neurons               []NeuronStatus `json:"neurons"`
	SupplyE8s             uint64         `json:"supply_e8s"`
	NetworkVotingPowerE8s uint64         `json:"network_voting_power_e8s"`
}

func loadHistory(t *testing.T) testHistory {
	t.Helper()
	raw, err := os.ReadFile("testdata/observations.json")
	if err != nil {
		t.Fatal(err)
	}
	var h testHistory
	if err := json.Unmarshal(raw, &h); err != nil {
		t.Fatal(err)
	}
	return h
}

func buildTestReport(t *testing.T, window string) Report {
	t.Helper()
	h := loadHistory(t)
	e := DefaultEconomics(RegimeCurrent)
	w, err := ParseWindow(window, e, tNow)
	if err != nil {
		t.Fatal(err)
	}
	return BuildReport(ReportInput{Economics: e, Now: tNow, Window: w, Observations: h.Observations,
		Neurons: h.Neurons, SupplyE8s: h.SupplyE8s, NetworkVotingPowerE8s: h.NetworkVotingPowerE8s})
}

func neuronByID(t *testing.T, r Report, id uint64) NeuronReport {
	t.Helper()
	for _, n := range r.Neurons {
		if n.Neuron == id {
			return n
		}
	}
	t.Fatalf("neuron %d not in report", id)
	return NeuronReport{}
}

func TestReportParticipation(t *testing.T) {
	r := buildTestReport(t, "30d")
	if len(r.Neurons) != 2 || len(r.Warnings) != 0 {
		t.Fatalf("neurons %d, warnings %v", len(r.Neurons), r.Warnings)
	}
	alpha, beta := neuronByID(t, r, 1001), neuronByID(t, r, 1002)
	want := map[string][2]float64{ // window → alpha, beta
		WindowRewardPeriod: {1, 1 / 1.01},
		"7d":               {1, 2 / 22.01},
		"30d":              {23.01 / 24.01, 2 / 22.01},
		WindowAll:          {23.01 / 24.01, 2 / 22.01},
	}
	for i, n := range []NeuronReport{alpha, beta} {
		for _, p := range n.Participation {
			if w, ok := want[p.Window.Name]; !ok || math.Abs(p.Fraction-w[i]) > 1e-12 {
				t.Errorf("neuron %d %s: participation %v, want %v", n.Neuron, p.Window.Name, p.Fraction, w[i])
			}
		}
	}
	if !slices.Equal(alpha.Pending, []uint64{140006}) || len(beta.Pending) != 0 {
		t.Errorf("pending: alpha %v beta %v", alpha.Pending, beta.Pending)
	}
	if !slices.Equal(beta.Unknown, []uint64{140005}) {
		t.Errorf("beta unknown %v, want [140005]", beta.Unknown)
	}
	var missed []uint64
	for _, m := range beta.Missed {
		missed = append(missed, m.ProposalID)
	}
	if !slices.Equal(missed, []uint64{140001, 140003}) {
		t.Errorf("beta missed %v, want [140001 140003] (140005 is unknown, 140008 had no ballot)", missed)
	}
	// 140004 closes at tNow, inside today's reward period and so inside 30d.
	if beta.Selected.NoBallot != 1 || alpha.Selected.Ineligible != 1 {
		t.Errorf("beta selected %+v", beta.Selected)
	}
}

func TestReportRewards(t *testing.T) {
	h := loadHistory(t)
	e := DefaultEconomics(RegimeCurrent)
	r := buildTestReport(t, WindowRewardPeriod)
	alpha, beta := neuronByID(t, r, 1001), neuronByID(t, r, 1002)
	// Today's closed proposals are one reward event: the report must agree
	// with DistributeRewards to the e8.
	pool := DailyPoolE8s(e, e.DayAfterGenesis(tNow), h.SupplyE8s)
	tp := h.NetworkVotingPowerE8s
	d := DistributeRewards(pool, []SettledProposal{
		{ID: 140003, Topic: nns.TopicExchangeRate, TotalPotentialVotingPower: tp, Ballots: []Ballot{
			{Neuron: 1001, Vote: nns.VoteYes, VotingPower: 318_750_000_000}, {Neuron: 1002, VotingPower: 26_000_000_000}}},
		{ID: 140007, Topic: nns.TopicNodeAdmin, TotalPotentialVotingPower: tp, Ballots: []Ballot{
			{Neuron: 1001, Vote: nns.VoteYes, VotingPower: 318_750_000_000}, {Neuron: 1002, Vote: nns.VoteNo, VotingPower: 26_000_000_000}}},
	})
	if got := FloorE8s(*alpha.EarnedE8s); got != d.RewardsE8s[1001] || got == 0 {
		t.Errorf("alpha earned %d, DistributeRewards says %d", got, d.RewardsE8s[1001])
	}
	if got := FloorE8s(*beta.EarnedE8s); got != d.RewardsE8s[1002] {
		t.Errorf("beta earned %d, DistributeRewards says %d", got, d.RewardsE8s[1002])
	}
	if *alpha.LostE8s != 0 {
		t.Errorf("alpha lost %v, want 0", *alpha.LostE8s)
	}
	// Beta's ExchangeRate miss costs pool · 0.01 · vp / Σ w·tp of the day.
	wantCost := pool * 0.01 * 26_000_000_000 / (1.01 * float64(tp))
	if len(beta.Missed) != 1 || math.Abs(*beta.Missed[0].CostE8s-wantCost) > 1e-9*wantCost || math.Abs(*beta.LostE8s-wantCost) > 1e-9*wantCost {
		t.Errorf("beta missed %+v lost %v, want cost %v", beta.Missed, *beta.LostE8s, wantCost)
	}
	// Voting power and decay.
	if *alpha.PotentialVP != 318_750_000_000 || *alpha.DecidingVP != *alpha.PotentialVP || *alpha.DaysUntilDecay != 182 {
		t.Errorf("alpha vp %d/%d, decay in %d days", *alpha.PotentialVP, *alpha.DecidingVP, *alpha.DaysUntilDecay)
	}
	if *beta.DaysUntilDecay != 0 || *beta.DecidingVP >= *beta.PotentialVP || beta.FollowingClearedAt.Before(tNow) != false {
		t.Errorf("beta: decaying expected, got vp %d/%d, days %d", *beta.DecidingVP, *beta.PotentialVP, *beta.DaysUntilDecay)
	}
}

func TestReportWithoutSupply(t *testing.T) {
	h := loadHistory(t)
	r := BuildReport(ReportInput{Economics: DefaultEconomics(RegimeLegacy), Now: tNow, Observations: h.Observations})
	if len(r.Warnings) != 1 || r.Neurons[0].EarnedE8s != nil || r.Window.Name != "7d" {
		t.Fatalf("got warnings %v, earned %v, window %q", r.Warnings, r.Neurons[0].EarnedE8s, r.Window.Name)
	}
	var buf bytes.Buffer
	if err := WriteText(&buf, r); err != nil || !strings.Contains(buf.String(), "rewards not estimated") {
		t.Fatalf("text: %v\n%s", err, buf.String())
	}
}

func TestReportRenderers(t *testing.T) {
	r := buildTestReport(t, "30d")
	var text bytes.Buffer
	if err := WriteText(&text, r); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"MISSED proposal 140001  Governance (weight 20)", "MISSED proposal 140005  SubnetManagement",
		"not counted as missed): 140005", "open, not yet voted: 140006", "DECAYING since", "95.8% (5/6)", "9.1% (2/4)"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("text report lacks %q:\n%s", want, text.String())
		}
	}
	var js bytes.Buffer
	if err := WriteJSON(&js, r); err != nil {
		t.Fatal(err)
	}
	var back Report
	if err := json.Unmarshal(js.Bytes(), &back); err != nil {
		t.Fatal(err)
	}
	if len(back.Neurons) != 2 || back.Neurons[1].Missed[0].ProposalID != 140001 || *back.Neurons[0].DaysUntilDecay != 182 {
		t.Fatalf("JSON round trip lost data: %s", js.String())
	}
}

// TestNoPanicOnArbitraryInput throws random observations, windows and
// economics at the report and the distribution.
func TestNoPanicOnArbitraryInput(t *testing.T) {
	r := rand.New(rand.NewPCG(42, 42))
	states := []BallotState{BallotNone, BallotEmpty, BallotVotedDirect, BallotVotedFollowing, BallotUnknown, "", "bogus"}
	times := []time.Time{{}, tNow, tNow.Add(-1e6 * time.Hour), time.Unix(1<<40, 0), time.Unix(-1<<40, 0)}
	for range 300 {
		var obs []Observation
		for range r.IntN(30) {
			obs = append(obs, Observation{ProposalID: r.Uint64N(5), Topic: nns.Topic(r.IntN(22) - 1),
				RewardStatus: nns.RewardStatus(r.IntN(6)), ProposalTime: times[r.IntN(len(times))],
				Deadline: times[r.IntN(len(times))], Neuron: r.Uint64N(3), Ballot: states[r.IntN(len(states))],
				BallotVP: r.Uint64() >> r.IntN(64), Vote: nns.Vote(r.IntN(4)), TotalPotentialVP: r.Uint64() >> r.IntN(64),
				ObservedAt: times[r.IntN(len(times))]})
		}
		e := DefaultEconomics([]Regime{RegimeLegacy, RegimeCurrent}[r.IntN(2)])
		e.ClearFollowingAfterSeconds = r.Uint64N(3)
		st := NeuronStatus{ID: 1, RefreshedAt: times[r.IntN(len(times))], Stake: &Stake{CachedStakeE8s: r.Uint64(),
			DissolveDelaySeconds: r.Uint64(), AgeSeconds: r.Uint64(), EightYearGangBonusBaseE8s: r.Uint64()}}
		rep := BuildReport(ReportInput{Economics: e, Now: times[r.IntN(len(times))], Observations: obs,
			Neurons: []NeuronStatus{st}, SupplyE8s: r.Uint64() >> r.IntN(64), NetworkVotingPowerE8s: r.Uint64() >> r.IntN(64)})
		if err := WriteText(&bytes.Buffer{}, rep); err != nil {
			t.Fatal(err)
		}
	}
	for _, pool := range []float64{math.NaN(), math.Inf(1), math.Inf(-1), -5, 1e300} {
		DistributeRewards(pool, []SettledProposal{{ID: 1, Topic: nns.Topic(77), Ballots: []Ballot{{Neuron: 1, Vote: 1, VotingPower: math.MaxUint64}}}})
	}
}

func FuzzReport(f *testing.F) {
	raw, err := os.ReadFile("testdata/observations.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw, "7d")
	f.Add([]byte(`{"observations":[{"proposal_id":1,"topic":4,"ballot":"empty","deadline":"2026-01-01T00:00:00Z"}]}`), "reward-period")
	f.Fuzz(func(t *testing.T, data []byte, window string) {
		var h testHistory
		if json.Unmarshal(data, &h) != nil {
			return
		}
		e := DefaultEconomics(RegimeCurrent)
		w, err := ParseWindow(window, e, tNow)
		if err != nil {
			return
		}
		rep := BuildReport(ReportInput{Economics: e, Now: tNow, Window: w, Observations: h.Observations,
			Neurons: h.Neurons, SupplyE8s: h.SupplyE8s, NetworkVotingPowerE8s: h.NetworkVotingPowerE8s})
		for _, n := range rep.Neurons {
			for _, p := range n.Participation {
				if p.Fraction < 0 || p.Fraction > 1 {
					t.Fatalf("participation %v outside [0, 1]", p.Fraction)
				}
			}
		}
	})
}
