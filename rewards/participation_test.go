package rewards

import (
	"math"
	"math/rand/v2"
	"testing"
	"testing/quick"
	"time"

	"github.com/votebot/votebot/nns"
)

func TestSeedSixtySixPercent(t *testing.T) {
	// Seed: 10 proposals; the 5 voted weigh 2, the 5 missed weigh 1:
	// (5·2)/(5·1 + 5·2) = 66%.
	var bs []WeightedBallot
	for range 5 {
		bs = append(bs, WeightedBallot{Weight: 2, VP: 100, Voted: true}, WeightedBallot{Weight: 1, VP: 100})
	}
	f, _, _ := WeightedParticipation(bs)
	if math.Abs(f-2.0/3) > 1e-12 || int(100*f) != 66 {
		t.Fatalf("participation %v, want 66%%", f)
	}
	// Same weights: 5 of 10 → 50%.
	for i := range bs {
		bs[i].Weight = 1
	}
	if f, _, _ := WeightedParticipation(bs); f != 0.5 {
		t.Fatalf("participation %v, want 50%%", f)
	}
}

func TestParticipationTopicWeights(t *testing.T) {
	// A missed Governance proposal costs twenty times a missed IC-OS one.
	entry := func(id uint64, topic nns.Topic, outcome Outcome) Entry {
		return Entry{ProposalID: id, Topic: topic, Neuron: 1, Deadline: tNow.Add(-time.Hour), Outcome: outcome,
			Ballot: BallotVotedDirect, BallotVP: 10}
	}
	all := Window{Name: "all", To: tNow}
	missGov := ComputeParticipation([]Entry{entry(1, nns.TopicGovernance, OutcomeMissed), entry(2, nns.TopicIcOsVersionDeployment, OutcomeVoted)}, 1, all)
	missOS := ComputeParticipation([]Entry{entry(1, nns.TopicGovernance, OutcomeVoted), entry(2, nns.TopicIcOsVersionDeployment, OutcomeMissed)}, 1, all)
	if math.Abs(missGov.Fraction-1.0/21) > 1e-12 || math.Abs(missOS.Fraction-20.0/21) > 1e-12 {
		t.Fatalf("got %v and %v, want 1/21 and 20/21", missGov.Fraction, missOS.Fraction)
	}
	// Unknown, pending, no-ballot and ineligible entries never count.
	others := []Entry{entry(3, nns.TopicGovernance, OutcomeUnknown), entry(4, nns.TopicGovernance, OutcomeNoBallot),
		entry(5, nns.TopicNeuronManagement, OutcomeIneligible), entry(6, nns.TopicGovernance, OutcomePending)}
	p := ComputeParticipation(append(others, entry(2, nns.TopicIcOsVersionDeployment, OutcomeVoted)), 1, all)
	if p.Fraction != 1 || p.Counted != 1 || p.Unknown != 1 || p.NoBallot != 1 || p.Ineligible != 1 || p.Pending != 1 {
		t.Fatalf("got %+v", p)
	}
	if p := ComputeParticipation(others, 1, all); p.Counted != 0 || p.Fraction != 1 || p.String() != "none counted" {
		t.Fatalf("nothing counted: got %+v", p)
	}
}

// randomBallots draws a ledger from r with weights from the real topics.
func randomBallots(r *rand.Rand, n int) []WeightedBallot {
	weights := []float64{0.01, 1, 20, 0}
	bs := make([]WeightedBallot, n)
	for i := range bs {
		bs[i] = WeightedBallot{Weight: weights[r.IntN(len(weights))], VP: r.Uint64N(1 << 50), Voted: r.IntN(2) == 0}
	}
	return bs
}

func TestParticipationProperties(t *testing.T) {
	cfg := &quick.Config{MaxCount: 2000}
	inRange := func(seed uint64, n uint8) bool {
		f, _, _ := WeightedParticipation(randomBallots(rand.New(rand.NewPCG(seed, 1)), int(n)))
		return f >= 0 && f <= 1
	}
	if err := quick.Check(inRange, cfg); err != nil {
		t.Errorf("participation outside [0, 1]: %v", err)
	}
	addingVoteNeverLowers := func(seed uint64, n uint8, w uint8, vp uint64) bool {
		r := rand.New(rand.NewPCG(seed, 2))
		bs := randomBallots(r, int(n))
		before, _, _ := WeightedParticipation(bs)
		after, _, _ := WeightedParticipation(append(bs, WeightedBallot{Weight: []float64{0.01, 1, 20}[w%3], VP: vp >> 14, Voted: true}))
		return after >= before-1e-12
	}
	if err := quick.Check(addingVoteNeverLowers, cfg); err != nil {
		t.Errorf("a voted ballot lowered participation: %v", err)
	}
	scalingKeepsShare := func(seed uint64, n uint8, k uint16) bool {
		bs := randomBallots(rand.New(rand.NewPCG(seed, 3)), int(n))
		for i := range bs {
			bs[i].VP >>= 20 // room to scale
		}
		before, _, _ := WeightedParticipation(bs)
		for i := range bs {
			bs[i].VP *= uint64(k) + 1
		}
		after, _, _ := WeightedParticipation(bs)
		return math.Abs(after-before) < 1e-9
	}
	if err := quick.Check(scalingKeepsShare, cfg); err != nil {
		t.Errorf("scaling stakes changed participation: %v", err)
	}
}

func TestDistributionScalingProperty(t *testing.T) {
	// Scaling every stake (every ballot and total) leaves each neuron's
	// reward unchanged, up to the one e8 that flooring can flip.
	f := func(seed uint64, k uint16) bool {
		r := rand.New(rand.NewPCG(seed, 4))
		var ps []SettledProposal
		topics := []nns.Topic{nns.TopicGovernance, nns.TopicExchangeRate, nns.TopicSubnetManagement}
		for id := range 1 + r.IntN(8) {
			p := SettledProposal{ID: uint64(id), Topic: topics[r.IntN(len(topics))]}
			var sum uint64
			for n := range 1 + r.IntN(5) {
				vp := 1 + r.Uint64N(1<<30)
				sum += vp
				p.Ballots = append(p.Ballots, Ballot{Neuron: uint64(n), Vote: nns.Vote(r.IntN(3)), VotingPower: vp})
			}
			p.TotalPotentialVotingPower = sum + r.Uint64N(1<<30)
			ps = append(ps, p)
		}
		pool := float64(r.Uint64N(1 << 40))
		before := DistributeRewards(pool, ps)
		scale := uint64(k) + 1
		for i := range ps {
			ps[i].TotalPotentialVotingPower *= scale
			for j := range ps[i].Ballots {
				ps[i].Ballots[j].VotingPower *= scale
			}
		}
		after := DistributeRewards(pool, ps)
		for n, r := range before.RewardsE8s {
			if d := int64(after.RewardsE8s[n]) - int64(r); d < -1 || d > 1 {
				return false
			}
		}
		return before.DistributedE8s <= before.TotalAvailableE8s
	}
	if err := quick.Check(f, &quick.Config{MaxCount: 500}); err != nil {
		t.Error(err)
	}
}

func TestParseWindow(t *testing.T) {
	e := DefaultEconomics(RegimeCurrent)
	rp, err := ParseWindow(WindowRewardPeriod, e, tNow)
	if err != nil || !rp.Contains(tNow) || rp.To.Sub(rp.From) != 24*time.Hour || rp.From.Hour() != 0 {
		t.Fatalf("reward period: %+v %v", rp, err)
	}
	// Every window ends with the current reward period, so that the reward
	// period's ballots (some on proposals still open) count in 7d and all.
	w, err := ParseWindow("7d", e, tNow)
	if err != nil || w.To != rp.To || w.To.Sub(w.From) != 7*24*time.Hour {
		t.Fatalf("7d: %+v %v", w, err)
	}
	if w, err := ParseWindow("36h", e, tNow); err != nil || w.To != rp.To || w.To.Sub(w.From) != 36*time.Hour {
		t.Fatalf("36h: %+v %v", w, err)
	}
	if w, err := ParseWindow(WindowAll, e, tNow); err != nil || w.To != rp.To || !w.From.IsZero() {
		t.Fatalf("all: %+v %v", w, err)
	}
	for _, bad := range []string{"", "0d", "-3d", "xd", "week", "-5h"} {
		if _, err := ParseWindow(bad, e, tNow); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
