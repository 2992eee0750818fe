package store

import (
	"context"
	"errors"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
)

func TestProposals(t *testing.T) {
	ctx := context.Background()
	s, _, clock := openTemp(t)
	created := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	p := Proposal{ID: 100, Topic: nns.Topic(4), Title: "Upgrade", Proposer: math.MaxUint64,
		Created: created, Deadline: created.Add(96 * time.Hour), RewardStatus: nns.RewardStatusAcceptVotes}
	must(t, s.UpsertProposal(ctx, p))
	first := clock.Now()

	clock.Add(time.Minute)
	p.Deadline = p.Deadline.Add(24 * time.Hour) // wait-for-quiet moved it
	must(t, s.UpsertProposal(ctx, p))
	must(t, s.UpsertProposal(ctx, Proposal{ID: 101, RewardStatus: nns.RewardStatusSettled}))

	got, ok, err := s.Proposal(ctx, 100)
	must(t, err)
	want := p
	want.FirstSeen, want.LastSeen = first, clock.Now()
	if !ok || got != want {
		t.Errorf("Proposal(100) =\n %+v, want\n %+v", got, want)
	}
	if _, ok, err := s.Proposal(ctx, 999); ok || err != nil {
		t.Errorf("Proposal(999): ok=%v err=%v", ok, err)
	}
	open, err := s.ProposalsByRewardStatus(ctx, nns.RewardStatusAcceptVotes)
	must(t, err)
	if len(open) != 1 || open[0].ID != 100 {
		t.Errorf("open proposals = %+v", open)
	}
	newest, err := s.NewestProposalID(ctx)
	must(t, err)
	if newest != 101 {
		t.Errorf("NewestProposalID = %d, want 101", newest)
	}
}

func TestDecisions(t *testing.T) {
	ctx := context.Background()
	s, _, clock := openTemp(t)
	d1, err := s.RecordDecision(ctx, Decision{ProposalID: 1, NeuronID: 2, Action: "wait", Rule: "fallback", Reason: "not yet"})
	must(t, err)
	clock.Add(time.Hour)
	d2, err := s.RecordDecision(ctx, Decision{ProposalID: 1, NeuronID: 2, Action: "vote", Vote: nns.VoteYes, Rule: "fallback", Reason: "margin"})
	must(t, err)
	_, err = s.RecordDecision(ctx, Decision{ProposalID: 1, NeuronID: 3, Action: "skip", Rule: "r", Reason: "x"})
	must(t, err)
	if d1.ID == 0 || d2.ID <= d1.ID || !d2.At.Equal(clock.Now()) {
		t.Errorf("ids/time: d1=%+v d2=%+v", d1, d2)
	}
	all, err := s.Decisions(ctx, 1, 0)
	must(t, err)
	if len(all) != 3 {
		t.Errorf("Decisions(1, all) = %d rows, want 3", len(all))
	}
	latest, ok, err := s.LatestDecision(ctx, 1, 2)
	must(t, err)
	if !ok || latest != d2 {
		t.Errorf("LatestDecision = %+v, want %+v", latest, d2)
	}
}

func TestRecordDecisionsBatch(t *testing.T) {
	ctx := context.Background()
	s, _, clock := openTemp(t)
	first, err := s.RecordDecision(ctx, Decision{ProposalID: 1, NeuronID: 1, Action: "wait", Rule: "r", Reason: "x"})
	must(t, err)
	batch := []Decision{
		{ProposalID: 1, NeuronID: 2, Action: "vote", Vote: nns.VoteNo, Rule: "r", Reason: "a"},
		{ProposalID: 1, NeuronID: 3, Action: "skip", Rule: "r", Reason: "b", At: clock.Now().Add(-time.Hour)},
	}
	got, err := s.RecordDecisions(ctx, batch)
	must(t, err)
	if batch[0].ID != 0 {
		t.Error("RecordDecisions changed its argument")
	}
	if len(got) != 2 || got[0].ID <= first.ID || got[1].ID <= got[0].ID {
		t.Fatalf("ids: first %d, batch %+v", first.ID, got)
	}
	if !got[0].At.Equal(clock.Now()) || !got[1].At.Equal(clock.Now().Add(-time.Hour)) {
		t.Errorf("At: %v, %v; want now for the zero one, kept for the set one", got[0].At, got[1].At)
	}
	stored, err := s.Decisions(ctx, 1, 0)
	must(t, err)
	if len(stored) != 3 || stored[1] != got[0] || stored[2] != got[1] {
		t.Errorf("stored %+v, want the first then %+v", stored, got)
	}
	must(t, s.Close())
	if _, err := s.RecordDecisions(ctx, batch); err == nil {
		t.Error("RecordDecisions on a closed store succeeded")
	}
}

func TestVoteLog(t *testing.T) {
	ctx := context.Background()
	type step struct {
		finish  VoteOutcome // how the attempt ends ("" = leave pending)
		nextErr error       // what a second BeginVote then returns
	}
	tests := []struct {
		name string
		step step
	}{
		{"succeeded blocks a resend", step{VoteSucceeded, ErrBallotDone}},
		{"already voted blocks a resend", step{VoteAlreadyVoted, ErrBallotDone}},
		{"pending blocks a second send", step{"", ErrVoteInFlight}},
		{"transient failure may retry", step{VoteFailed, nil}},
		{"abandoned after crash may retry", step{VoteAbandoned, nil}},
		{"refused leaves the decision to the bot", step{VoteRefused, nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, _ := openTemp(t)
			a, err := s.BeginVote(ctx, 5, 6, nns.VoteYes, "rule:x", "because")
			must(t, err)
			if a.ID == 0 || a.Outcome != VotePending {
				t.Fatalf("attempt = %+v", a)
			}
			if tt.step.finish != "" {
				must(t, s.FinishVote(ctx, a.ID, tt.step.finish, "err text"))
			}
			_, err = s.BeginVote(ctx, 5, 6, nns.VoteYes, "rule:x", "because")
			if !errors.Is(err, tt.step.nextErr) {
				t.Errorf("second BeginVote: %v, want %v", err, tt.step.nextErr)
			}
			log, err := s.VoteAttempts(ctx, 5, 6)
			must(t, err)
			if log[0].Source != "rule:x" || log[0].Reason != "because" || log[0].Vote != nns.VoteYes {
				t.Errorf("first attempt = %+v", log[0])
			}
			if tt.step.finish != "" && (log[0].Outcome != tt.step.finish || log[0].Error != "err text" || log[0].Finished.IsZero()) {
				t.Errorf("finished attempt = %+v", log[0])
			}
		})
	}
}

// TestLiveAttemptError covers what BeginVote reports when its insert was kept out, including a
// live attempt that is gone by the time it looks (then BeginVote tries again).
func TestLiveAttemptError(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		finish VoteOutcome // how the ballot's attempt ended
		want   error
	}{
		{VotePending, ErrVoteInFlight},
		{VoteSucceeded, ErrBallotDone},
		{VoteAlreadyVoted, ErrBallotDone},
		{VoteFailed, nil},
		{VoteAbandoned, nil},
		{VoteRefused, nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.finish), func(t *testing.T) {
			s, _, _ := openTemp(t)
			a, err := s.BeginVote(ctx, 5, 6, nns.VoteYes, "rule", "r")
			must(t, err)
			if tt.finish != VotePending {
				must(t, s.FinishVote(ctx, a.ID, tt.finish, ""))
			}
			if err := s.liveAttemptError(ctx, 5, 6); !errors.Is(err, tt.want) || (tt.want == nil && err != nil) {
				t.Errorf("liveAttemptError = %v, want %v", err, tt.want)
			}
		})
	}
}

// TestInFlightVotesUsesTheIndex: start-up must not read 50,000 finished attempts to find the
// pending few.
func TestInFlightVotesUsesTheIndex(t *testing.T) {
	s, _, _ := openTemp(t)
	rows, err := s.db.QueryContext(context.Background(), "EXPLAIN QUERY PLAN SELECT "+attemptColumns+
		" FROM vote_attempts WHERE outcome = 'pending' ORDER BY id")
	must(t, err)
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		must(t, rows.Scan(&id, &parent, &unused, &detail))
		plan = append(plan, detail)
	}
	must(t, rows.Err())
	if len(plan) != 1 || !strings.Contains(plan[0], "USING INDEX vote_attempts_pending") {
		t.Errorf("query plan %q, want a search of vote_attempts_pending only", plan)
	}
}

func TestFinishVoteRejectsBadUse(t *testing.T) {
	ctx := context.Background()
	s, _, _ := openTemp(t)
	a, err := s.BeginVote(ctx, 1, 1, nns.VoteNo, "r", "r")
	must(t, err)
	for _, o := range []VoteOutcome{VotePending, VoteDryRun, "bogus"} {
		if err := s.FinishVote(ctx, a.ID, o, ""); err == nil {
			t.Errorf("FinishVote(%q) succeeded", o)
		}
	}
	must(t, s.FinishVote(ctx, a.ID, VoteSucceeded, ""))
	if err := s.FinishVote(ctx, a.ID, VoteFailed, "late"); err == nil {
		t.Error("finishing twice succeeded; an outcome must never be overwritten")
	}
	if err := s.FinishVote(ctx, 9999, VoteFailed, ""); err == nil {
		t.Error("finishing an unknown attempt succeeded")
	}
}

func TestInFlightReconcileAfterCrash(t *testing.T) {
	ctx := context.Background()
	s, path, _ := openTemp(t)
	a, err := s.BeginVote(ctx, 10, 20, nns.VoteYes, "r", "r")
	must(t, err)
	b, err := s.BeginVote(ctx, 11, 20, nns.VoteNo, "r", "r")
	must(t, err)
	must(t, s.Close()) // "crash" before FinishVote

	s2, err := Open(ctx, path)
	must(t, err)
	defer s2.Close()
	inflight, err := s2.InFlightVotes(ctx)
	must(t, err)
	if len(inflight) != 2 || inflight[0].ID != a.ID || inflight[1].ID != b.ID {
		t.Fatalf("in flight = %+v", inflight)
	}
	// The bot re-reads the ballots: 10 was filled, 11 is still empty.
	must(t, s2.FinishVote(ctx, a.ID, VoteSucceeded, ""))
	must(t, s2.FinishVote(ctx, b.ID, VoteAbandoned, "interrupted"))
	if _, err := s2.BeginVote(ctx, 10, 20, nns.VoteYes, "r", "r"); !errors.Is(err, ErrBallotDone) {
		t.Errorf("resend on a filled ballot: %v, want ErrBallotDone", err)
	}
	if _, err := s2.BeginVote(ctx, 11, 20, nns.VoteNo, "r", "r"); err != nil {
		t.Errorf("retry on an empty ballot: %v", err)
	}
}

func TestDryRunNeverBlocks(t *testing.T) {
	ctx := context.Background()
	s, _, _ := openTemp(t)
	d, err := s.RecordDryRun(ctx, 1, 2, nns.VoteYes, "r", "would")
	must(t, err)
	if d.Outcome != VoteDryRun {
		t.Errorf("dry run outcome = %q", d.Outcome)
	}
	if _, err := s.BeginVote(ctx, 1, 2, nns.VoteYes, "r", "real"); err != nil {
		t.Errorf("BeginVote after dry run: %v", err)
	}
	counts, err := s.VotesCast(ctx)
	must(t, err)
	if len(counts) != 0 {
		t.Errorf("dry runs/pending counted as cast: %+v", counts)
	}
}

func TestVotesCastByTopic(t *testing.T) {
	ctx := context.Background()
	s, _, _ := openTemp(t)
	must(t, s.UpsertProposal(ctx, Proposal{ID: 1, Topic: nns.Topic(4)}))
	must(t, s.UpsertProposal(ctx, Proposal{ID: 2, Topic: nns.Topic(4)}))
	for _, p := range []uint64{1, 2} {
		a, err := s.BeginVote(ctx, p, math.MaxUint64, nns.VoteYes, "rule", "r")
		must(t, err)
		must(t, s.FinishVote(ctx, a.ID, VoteSucceeded, ""))
	}
	got, err := s.VotesCast(ctx)
	must(t, err)
	want := []VoteCount{{NeuronID: math.MaxUint64, Topic: nns.Topic(4), Vote: nns.VoteYes, Source: "rule", Count: 2}}
	if len(got) != 1 || got[0] != want[0] {
		t.Errorf("VotesCast = %+v, want %+v", got, want)
	}
}

func TestOverrides(t *testing.T) {
	ctx := context.Background()
	s, _, _ := openTemp(t)
	if err := s.SetOverride(ctx, 1, 0, nns.VoteUnspecified, ""); err == nil {
		t.Error("override with no vote accepted")
	}
	must(t, s.SetOverride(ctx, 1, 0, nns.VoteNo, "all no"))
	must(t, s.SetOverride(ctx, 1, 7, nns.VoteYes, "7 yes"))
	must(t, s.SetOverride(ctx, 1, 7, nns.VoteYes, "7 yes, really")) // replace

	tests := []struct {
		neuron uint64
		want   nns.Vote
		reason string
	}{{7, nns.VoteYes, "7 yes, really"}, {8, nns.VoteNo, "all no"}}
	for _, tt := range tests {
		o, ok, err := s.OverrideFor(ctx, 1, tt.neuron)
		must(t, err)
		if !ok || o.Vote != tt.want || o.Reason != tt.reason {
			t.Errorf("OverrideFor(1, %d) = %+v %v, want %v", tt.neuron, o, ok, tt.want)
		}
	}
	if _, ok, _ := s.OverrideFor(ctx, 2, 7); ok {
		t.Error("override found for a proposal without one")
	}
	list, err := s.Overrides(ctx)
	must(t, err)
	if len(list) != 2 {
		t.Errorf("Overrides = %+v", list)
	}
	must(t, s.DeleteOverride(ctx, 1, 0))
	if _, ok, _ := s.OverrideFor(ctx, 1, 8); ok {
		t.Error("deleted every-neuron override still applies")
	}
}

func TestAlertStates(t *testing.T) {
	ctx := context.Background()
	s, _, clock := openTemp(t)
	now := clock.Now()
	st := alert.State{Key: alert.KeyFor(alert.KindProposalAtRisk, math.MaxUint64, 3), Kind: alert.KindProposalAtRisk,
		Neuron: math.MaxUint64, ProposalID: 3, FirstFired: now, LastSent: now, TimesSent: 1,
		Deadline: now.Add(time.Hour), Severity: alert.SeverityCritical, Pending: true}
	must(t, s.PutAlertState(ctx, st))
	other := alert.State{Key: "k2", Kind: alert.KindPollStale, FirstFired: now, ResolvedAt: now.Add(time.Minute)}
	must(t, s.PutAlertState(ctx, other))

	got, ok, err := s.AlertState(ctx, st.Key)
	must(t, err)
	if !ok || got != st {
		t.Errorf("AlertState = %+v, want %+v", got, st)
	}
	active, err := s.ActiveAlertStates(ctx)
	must(t, err)
	if len(active) != 1 || active[0].Key != st.Key {
		t.Errorf("active = %+v", active)
	}
	st.ResolvedAt, st.Pending = now.Add(2*time.Minute), false
	must(t, s.PutAlertState(ctx, st))
	if active, _ := s.ActiveAlertStates(ctx); len(active) != 0 {
		t.Errorf("resolved state still active: %+v", active)
	}
	all, err := s.AlertStates(ctx)
	must(t, err)
	if len(all) != 2 {
		t.Errorf("AlertStates = %d, want 2", len(all))
	}
	n, err := s.PruneAlertStates(ctx, now.Add(90*time.Second))
	must(t, err)
	if n != 1 {
		t.Errorf("pruned %d, want 1 (only the state resolved before the cutoff)", n)
	}
	if _, ok, _ := s.AlertState(ctx, st.Key); !ok {
		t.Error("state resolved after the cutoff was pruned")
	}
}

func TestObservationsAndMissedVotes(t *testing.T) {
	ctx := context.Background()
	s, _, _ := openTemp(t)
	ptime := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	gov, nsm := nns.Topic(4), nns.Topic(1)
	obs := []Observation{
		{ProposalID: 1, NeuronID: 1, Topic: gov, RewardStatus: nns.RewardStatusSettled, Ballot: BallotEmpty, BallotVP: 100, ProposalTime: ptime},
		{ProposalID: 2, NeuronID: 1, Topic: gov, RewardStatus: nns.RewardStatusReadyToSettle, Ballot: BallotEmpty, BallotVP: 100, ProposalTime: ptime},
		{ProposalID: 3, NeuronID: 1, Topic: nsm, RewardStatus: nns.RewardStatusSettled, Ballot: BallotDirect, Vote: nns.VoteYes, BallotVP: 100, ProposalTime: ptime},
		{ProposalID: 4, NeuronID: 1, Topic: nsm, RewardStatus: nns.RewardStatusAcceptVotes, Ballot: BallotEmpty, ProposalTime: ptime}, // still open
		{ProposalID: 5, NeuronID: 1, Topic: nsm, RewardStatus: nns.RewardStatusSettled, Ballot: BallotUnknown, ProposalTime: ptime},   // unknown is never missed
		{ProposalID: 6, NeuronID: 2, Topic: nsm, RewardStatus: nns.RewardStatusIneligible, Ballot: BallotEmpty, ProposalTime: ptime},  // ineligible
		{ProposalID: 7, NeuronID: 2, Topic: nsm, RewardStatus: nns.RewardStatusSettled, Ballot: BallotEmpty, ProposalTime: ptime.AddDate(0, 0, 10)},
		// A miss on a proposal the bot has not marked settled: counted when it settles it.
		{ProposalID: 8, NeuronID: 2, Topic: nsm, RewardStatus: nns.RewardStatusReadyToSettle, Ballot: BallotEmpty, ProposalTime: ptime},
	}
	for _, o := range obs {
		must(t, s.UpsertObservation(ctx, o))
	}
	must(t, s.UpsertProposal(ctx, Proposal{ID: 8, Topic: nsm, Title: "t", RewardStatus: nns.RewardStatusAcceptVotes}))
	must(t, s.UpsertProposal(ctx, Proposal{ID: 7, Topic: nsm, Title: "t", RewardStatus: nns.RewardStatusSettled}))
	// A later failed read must not erase the known vote on proposal 3.
	must(t, s.UpsertObservation(ctx, Observation{ProposalID: 3, NeuronID: 1, Topic: nsm,
		RewardStatus: nns.RewardStatusSettled, Ballot: BallotUnknown, ProposalTime: ptime}))

	missed, err := s.MissedVotes(ctx)
	must(t, err)
	want := []MissedCount{{1, gov, 2}, {2, nsm, 1}}
	if len(missed) != len(want) || missed[0] != want[0] || missed[1] != want[1] {
		t.Errorf("MissedVotes = %+v, want %+v", missed, want)
	}
	n1, err := s.Observations(ctx, ObservationFilter{NeuronID: 1})
	must(t, err)
	if len(n1) != 5 || n1[2].Ballot != BallotDirect || n1[2].Vote != nns.VoteYes || n1[2].BallotVP != 100 {
		t.Errorf("neuron 1 observations = %+v", n1)
	}
	recent, err := s.Observations(ctx, ObservationFilter{Since: ptime.AddDate(0, 0, 5)})
	must(t, err)
	if len(recent) != 1 || recent[0].ProposalID != 7 {
		t.Errorf("since filter = %+v", recent)
	}
}

func TestObservationNeverLosesAVote(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name   string
		first  BallotKind
		later  BallotKind
		stored BallotKind
	}{
		{"unknown keeps empty", BallotEmpty, BallotUnknown, BallotEmpty},
		{"empty after a vote keeps the vote", BallotFollowing, BallotEmpty, BallotFollowing},
		{"none after a vote keeps the vote", BallotDirect, BallotNone, BallotDirect},
		{"following does not replace direct", BallotDirect, BallotFollowing, BallotDirect},
		{"direct replaces following", BallotFollowing, BallotDirect, BallotDirect},
		{"a vote replaces empty", BallotEmpty, BallotFollowing, BallotFollowing},
	}
	upserts := map[string]func(*Store, ...Observation) error{
		"one by one": func(s *Store, obs ...Observation) error {
			for _, o := range obs {
				if err := s.UpsertObservation(ctx, o); err != nil {
					return err
				}
			}
			return nil
		},
		"batched": func(s *Store, obs ...Observation) error { return s.UpsertObservations(ctx, obs) },
	}
	for how, upsert := range upserts {
		for _, tt := range tests {
			t.Run(how+"/"+tt.name, func(t *testing.T) {
				s, _, _ := openTemp(t)
				o := Observation{ProposalID: 1, NeuronID: 2, Topic: nns.Topic(4), Ballot: tt.first, Vote: nns.VoteYes,
					BallotVP: 10, TotalPotentialVP: 1000, RewardStatus: nns.RewardStatusAcceptVotes}
				later := o
				later.Ballot, later.RewardStatus, later.TotalPotentialVP = tt.later, nns.RewardStatusSettled, 0
				must(t, upsert(s, o, later))
				got, err := s.Observations(ctx, ObservationFilter{})
				must(t, err)
				if len(got) != 1 || got[0].Ballot != tt.stored || got[0].RewardStatus != nns.RewardStatusSettled || got[0].TotalPotentialVP != 1000 {
					t.Errorf("stored %+v, want ballot %s, status Settled, total VP kept", got, tt.stored)
				}
			})
		}
	}
}

func TestRewardsConversionRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	o := Observation{ProposalID: 1, NeuronID: math.MaxUint64, Topic: nns.Topic(4), RewardStatus: nns.RewardStatusSettled,
		Ballot: BallotFollowing, BallotVP: 5, Vote: nns.VoteNo, ProposalTime: at, Deadline: at.Add(time.Hour),
		ObservedAt: at.Add(2 * time.Hour), TotalPotentialVP: 99}
	r := o.Rewards()
	if err := r.Validate(); err != nil {
		t.Fatalf("converted observation invalid for rewards/: %v", err)
	}
	if !r.Ballot.Voted() {
		t.Errorf("ballot kind %q not understood by rewards/", r.Ballot)
	}
	if back := FromRewards(r); back != o {
		t.Errorf("round trip = %+v, want %+v", back, o)
	}
	for _, k := range []BallotKind{BallotNone, BallotEmpty, BallotDirect, BallotFollowing, BallotUnknown} {
		if !(Observation{Ballot: k, Topic: nns.Topic(4)}).Rewards().Ballot.Valid() {
			t.Errorf("ballot kind %q has no rewards/ equivalent", k)
		}
	}
}
