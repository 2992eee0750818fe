package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
	"github.com/votebot/votebot/sns"
	"github.com/votebot/votebot/store"
)

const testRoot = "rrkah-fqaaa-aaaaa-aaaaq-cai"

// Two neurons of one DAO: main votes on 1 and 2 and misses 3, the other
// votes on 1 by following and misses 2 and 3; 4 is still open.
const (
	snsFirst  = uint64(0x0102030405060708)
	snsSecond = uint64(0xa1a2a3a4a5a6a7a8)
)

// writeSNSLaneStore makes an NNS state database and one SNS lane's beside
// it, as the daemon leaves them, and returns the NNS one's path and the
// observations written to the lane's.
func writeSNSLaneStore(t *testing.T, now time.Time) (string, []rewards.Observation) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	nnsPath := filepath.Join(dir, "votebot.db")
	nnsStore, err := store.Open(ctx, nnsPath)
	if err != nil {
		t.Fatal(err)
	}
	nnsStore.Close()
	st, err := store.Open(ctx, daemon.LaneStorePath(nnsPath, testRoot))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	// A rate of 100% a year on a supply of 100 years of seconds pays
	// 8,640,000 e8s a day: the round's pool, exactly.
	facts := store.SNSFacts{Root: testRoot, Name: "OpenChat", Symbol: "CHAT",
		Rewards:   &rewards.SNSRewardParams{InitialRateBasisPoints: 10_000, FinalRateBasisPoints: 10_000, RoundSeconds: 86_400},
		GenesisAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), SupplyE8s: 31_557_600 * 100}
	if err := st.SetSNSFacts(ctx, facts); err != nil {
		t.Fatal(err)
	}
	closed := func(id uint64, neuron uint64, b rewards.BallotState, vp uint64) rewards.Observation {
		deadline := now.Add(-2*24*time.Hour + time.Duration(id)*time.Hour)
		return rewards.Observation{ProposalID: id, Neuron: neuron, RewardStatus: nns.RewardStatusSettled, Ballot: b, BallotVP: vp,
			TotalPotentialVP: 1000, ProposalTime: deadline.Add(-4 * 24 * time.Hour), Deadline: deadline,
			ObservedAt: deadline.Add(time.Hour), SNS: true}
	}
	obs := []rewards.Observation{
		closed(1, snsFirst, rewards.BallotVotedDirect, 100),
		closed(2, snsFirst, rewards.BallotVotedDirect, 100),
		closed(3, snsFirst, rewards.BallotEmpty, 100),
		closed(1, snsSecond, rewards.BallotVotedFollowing, 300),
		closed(2, snsSecond, rewards.BallotEmpty, 300),
		closed(3, snsSecond, rewards.BallotEmpty, 300),
		{ProposalID: 4, Neuron: snsFirst, RewardStatus: nns.RewardStatusAcceptVotes, Ballot: rewards.BallotEmpty, BallotVP: 100,
			ProposalTime: now.Add(-time.Hour), Deadline: now.Add(30 * time.Minute), ObservedAt: now.Add(-time.Minute), SNS: true},
	}
	if err := st.RecordObservations(ctx, obs); err != nil {
		t.Fatal(err)
	}
	if err := st.RecordAudits(ctx, []rewards.MaturityAudit{{Neuron: snsFirst, ExpectedE8s: 576_000, ReceivedE8s: 575_999,
		Status: rewards.AuditOK, Event: rewards.RewardEventRef{DayAfterGenesis: 19, At: now.Add(-24 * time.Hour)}}}); err != nil {
		t.Fatal(err)
	}
	return nnsPath, obs
}

// TestReportSNSParticipationEqualsStoredBallots: the DAO's section counts
// exactly the ballots its store holds (every SNS proposal weighs 1, so the
// fraction is by voting power alone), prices them by the SNS rule in the
// DAO's token and says what the reward audit saw arrive.
func TestReportSNSParticipationEqualsStoredBallots(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	nnsPath, obs := writeSNSLaneStore(t, now)
	code, out, errs := runReportCmd(t, "--store-path", nnsPath, "--at", now.Format(time.RFC3339), "--window", "7d", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r reportJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(r.SNS) != 1 {
		t.Fatalf("%d SNS sections, want 1:\n%s", len(r.SNS), out)
	}
	dao := r.SNS[0]
	if dao.Governance != "OpenChat" || dao.Root != testRoot || dao.Symbol != "CHAT" {
		t.Fatalf("section names %q root %q symbol %q", dao.Governance, dao.Root, dao.Symbol)
	}
	// What the store holds, counted plainly: filled ballots and empty ones
	// seen after voting closed.
	type count struct{ voted, missed, pending int }
	stored := map[string]count{}
	for _, o := range obs {
		c := stored[formatShort(o.Neuron)]
		switch {
		case o.Ballot.Voted():
			c.voted++
		case o.RewardStatus == nns.RewardStatusSettled:
			c.missed++
		default:
			c.pending++
		}
		stored[formatShort(o.Neuron)] = c
	}
	want := map[string]struct {
		count
		fraction float64
		expected uint64
		received *int64
	}{
		// main exercised 200 of the 3,000 the three proposals could have
		// had: 8,640,000 × 200/3,000; other 300 of 3,000.
		"0102030405060708": {stored["0102030405060708"], 200.0 / 300, 576_000, ptrTo(int64(575_999))},
		"a1a2a3a4a5a6a7a8": {stored["a1a2a3a4a5a6a7a8"], 300.0 / 900, 864_000, nil},
	}
	if len(dao.Neurons) != len(want) {
		t.Fatalf("neurons %+v, want %d", dao.Neurons, len(want))
	}
	for _, n := range dao.Neurons {
		w, ok := want[n.Neuron]
		if !ok {
			t.Fatalf("unexpected neuron %q", n.Neuron)
		}
		s := n.Selected
		if s.Voted != w.voted || s.Missed != w.missed || s.Pending != w.pending || s.Counted != w.voted+w.missed {
			t.Errorf("%s: voted %d missed %d pending %d, the store holds %+v", n.Neuron, s.Voted, s.Missed, s.Pending, w.count)
		}
		if diff := s.Fraction - w.fraction; diff > 1e-9 || diff < -1e-9 {
			t.Errorf("%s: participation %g, want %g", n.Neuron, s.Fraction, w.fraction)
		}
		if n.ExpectedE8s == nil || *n.ExpectedE8s != w.expected {
			t.Errorf("%s: expected rewards %s, want %d", n.Neuron, tokenAmount(n.ExpectedE8s, "e8s", true), w.expected)
		}
		if (n.ReceivedE8s == nil) != (w.received == nil) || (w.received != nil && *n.ReceivedE8s != *w.received) {
			t.Errorf("%s: received %s, want %s", n.Neuron, signedTokenAmount(n.ReceivedE8s, "", true), signedTokenAmount(w.received, "", true))
		}
	}

	code, out, errs = runReportCmd(t, "--store-path", nnsPath, "--at", now.Format(time.RFC3339), "--window", "7d")
	if code != 0 {
		t.Fatalf("text: exit %d: %s", code, errs)
	}
	for _, want := range []string{"SNS OpenChat (root " + testRoot + ") — rewards in CHAT", "0102030405060708",
		"7d 66.7% (2/3)", "MISSED proposal 3", "expected 0.0058 CHAT, received 0.0058 CHAT", "expected 0.0086 CHAT, received unknown"} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out[strings.Index(out, "SNS OpenChat"):], "ICP") {
		t.Errorf("the DAO's section speaks of ICP:\n%s", out)
	}
}

func formatShort(id uint64) string { return sns.FormatShortID(id) }

// TestSNSExpectedSources: a round is priced from the supply, else from the
// latest round's pool; a DAO that pays nothing expects 0; without the
// reward parameters nothing is estimated, and the report says why.
func TestSNSExpectedSources(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	genesis := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	day := &rewards.SNSRewardParams{InitialRateBasisPoints: 10_000, FinalRateBasisPoints: 10_000, RoundSeconds: 86_400}
	deadline := now.Add(-2 * 24 * time.Hour)
	entries := []rewards.Entry{
		{ProposalID: 1, Neuron: snsFirst, Outcome: rewards.OutcomeVoted, BallotVP: 100, TotalPotentialVP: 1000, Deadline: deadline, SNS: true},
		{ProposalID: 2, Neuron: snsFirst, Outcome: rewards.OutcomeMissed, BallotVP: 100, TotalPotentialVP: 1000, Deadline: deadline, SNS: true},
	}
	w := rewards.Window{Name: "7d", From: now.Add(-7 * 24 * time.Hour), To: now.Add(24 * time.Hour)}
	tests := []struct {
		name  string
		facts store.SNSFacts
		want  *uint64 // nil: not estimated
	}{
		// 8,640,000 × 100 / 2,000
		{"supply", store.SNSFacts{Rewards: day, GenesisAt: genesis, SupplyE8s: 31_557_600 * 100}, ptrTo(uint64(432_000))},
		{"latest round's pool", store.SNSFacts{Rewards: day, GenesisAt: genesis, RoundPoolE8s: 8_640_000}, ptrTo(uint64(432_000))},
		{"pays nothing", store.SNSFacts{Rewards: &rewards.SNSRewardParams{RoundSeconds: 86_400}}, ptrTo(uint64(0))},
		{"parameters unknown", store.SNSFacts{SupplyE8s: 1e16}, nil},
		{"neither supply nor pool", store.SNSFacts{Rewards: day, GenesisAt: genesis}, nil},
	}
	for _, tt := range tests {
		got, why := snsExpected(tt.facts, entries, w)
		switch {
		case tt.want == nil && (got != nil || why == ""):
			t.Errorf("%s: %v (%q), want not estimated with a reason", tt.name, got, why)
		case tt.want != nil && (got == nil || got[snsFirst] != *tt.want):
			t.Errorf("%s: %v (%q), want %d", tt.name, got, why, *tt.want)
		}
	}
}

// TestReportPicksSNSNeuron: --neuron with an SNS neuron's short id keeps
// that neuron's DAO section, with it alone, and no NNS neuron.
func TestReportPicksSNSNeuron(t *testing.T) {
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	nnsPath, _ := writeSNSLaneStore(t, now)
	code, out, errs := runReportCmd(t, "--store-path", nnsPath, "--at", now.Format(time.RFC3339), "--json", "--neuron", "a1a2a3a4a5a6a7a8")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r reportJSON
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if len(r.Neurons) != 0 || len(r.SNS) != 1 || len(r.SNS[0].Neurons) != 1 || r.SNS[0].Neurons[0].Neuron != "a1a2a3a4a5a6a7a8" {
		t.Errorf("--neuron a1a2a3a4a5a6a7a8: NNS neurons %d, SNS sections %+v", len(r.Neurons), r.SNS)
	}
}
