package store

import (
	"context"
	"math"
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/rewards"
)

func TestSaveProposalAndSettle(t *testing.T) {
	ctx := context.Background()
	s, _, clock := openTemp(t)
	created := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	// What the canister says of the reward status does not matter: a saved proposal is unsettled.
	p := policy.Proposal{ID: 100, Topic: nns.TopicGovernance, Title: "Upgrade", Proposer: math.MaxUint64,
		Created: created, Deadline: created.Add(96 * time.Hour), RewardStatus: nns.RewardStatusSettled,
		Summary: "not kept"}
	must(t, s.SaveProposal(ctx, p))
	first := clock.Now()
	clock.Add(time.Minute)
	p.Deadline = p.Deadline.Add(24 * time.Hour) // wait-for-quiet moved it
	must(t, s.SaveProposal(ctx, p))
	must(t, s.SaveProposal(ctx, policy.Proposal{ID: 101}))

	got, err := s.UnsettledProposals(ctx)
	must(t, err)
	want := policy.Proposal{ID: 100, Topic: p.Topic, Title: p.Title, Proposer: p.Proposer, Created: p.Created,
		Deadline: p.Deadline, RewardStatus: nns.RewardStatusAcceptVotes}
	if len(got) != 2 || got[0].ID != 100 || got[1].ID != 101 {
		t.Fatalf("unsettled = %+v, want 100 and 101", got)
	}
	if g := got[0]; g.ID != want.ID || g.Topic != want.Topic || g.Title != want.Title || g.Proposer != want.Proposer ||
		!g.Created.Equal(want.Created) || !g.Deadline.Equal(want.Deadline) || g.RewardStatus != want.RewardStatus || g.Summary != "" {
		t.Errorf("unsettled[0] =\n %+v, want\n %+v", g, want)
	}
	var fs, ls int64
	must(t, s.db.QueryRowContext(ctx, "SELECT first_seen, last_seen FROM proposals WHERE id = 100").Scan(&fs, &ls))
	if !fromUnixNano(fs).Equal(first) || !fromUnixNano(ls).Equal(clock.Now()) {
		t.Errorf("first/last seen = %v, %v; want %v, %v", fromUnixNano(fs), fromUnixNano(ls), first, clock.Now())
	}
}

func TestMarkSettled(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		canister, stored nns.RewardStatus
	}{
		{nns.RewardStatusAcceptVotes, nns.RewardStatusReadyToSettle}, // voting ended, not moved on yet
		{nns.RewardStatusUnspecified, nns.RewardStatusReadyToSettle},
		{nns.RewardStatusReadyToSettle, nns.RewardStatusReadyToSettle},
		{nns.RewardStatusSettled, nns.RewardStatusSettled},
		{nns.RewardStatusIneligible, nns.RewardStatusIneligible},
	}
	for _, tt := range tests {
		t.Run(tt.canister.String(), func(t *testing.T) {
			s, _, _ := openTemp(t)
			p := policy.Proposal{ID: 7, Topic: nns.TopicGovernance, Title: "t"}
			must(t, s.SaveProposal(ctx, p))
			must(t, s.SaveProposal(ctx, policy.Proposal{ID: 8}))
			p.RewardStatus = tt.canister
			must(t, s.MarkSettled(ctx, p))
			if got := count(t, s, "SELECT reward_status FROM proposals WHERE id = 7"); nns.RewardStatus(got) != tt.stored {
				t.Errorf("stored reward status %v, want %v", nns.RewardStatus(got), tt.stored)
			}
			left, err := s.UnsettledProposals(ctx)
			must(t, err)
			if len(left) != 1 || left[0].ID != 8 {
				t.Errorf("unsettled after MarkSettled = %+v, want only 8", left)
			}
		})
	}
}

func TestOverrides(t *testing.T) {
	ctx := context.Background()
	s, _, clock := openTemp(t)
	if err := s.SetOverride(ctx, 1, 0, nns.VoteUnspecified, ""); err == nil {
		t.Error("override with no vote accepted")
	}
	must(t, s.SetOverride(ctx, 2, math.MaxUint64, nns.VoteNo, "max"))
	must(t, s.SetOverride(ctx, 1, 0, nns.VoteNo, "all no"))
	must(t, s.SetOverride(ctx, 1, 7, nns.VoteYes, "7 yes"))
	must(t, s.SetOverride(ctx, 1, 7, nns.VoteYes, "7 yes, really")) // replace

	want := []policy.Override{
		{ProposalID: 1, NeuronID: 0, Vote: nns.VoteNo, Note: "all no", SetAt: clock.Now()},
		{ProposalID: 1, NeuronID: 7, Vote: nns.VoteYes, Note: "7 yes, really", SetAt: clock.Now()},
		{ProposalID: 2, NeuronID: math.MaxUint64, Vote: nns.VoteNo, Note: "max", SetAt: clock.Now()},
	}
	got, err := s.Overrides(ctx)
	must(t, err)
	if len(got) != len(want) {
		t.Fatalf("Overrides = %+v, want %+v", got, want)
	}
	for i := range want {
		if got[i].SetAt.Equal(want[i].SetAt) {
			got[i].SetAt = want[i].SetAt // the same instant, maybe another location
		}
		if got[i] != want[i] {
			t.Errorf("override %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	deleted, err := s.DeleteOverride(ctx, 1, 0)
	must(t, err)
	if !deleted {
		t.Fatal("DeleteOverride of a stored override: deleted = false")
	}
	got, err = s.Overrides(ctx)
	must(t, err)
	if len(got) != 2 || got[0].ProposalID != 1 || got[0].NeuronID != 7 {
		t.Errorf("after deleting the every-neuron override: %+v", got)
	}
	if deleted, err := s.DeleteOverride(ctx, 1, 0); err != nil || deleted {
		t.Errorf("DeleteOverride of a missing override = %v, %v; want false, nil", deleted, err)
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
	if _, ok, err := s.AlertState(ctx, "missing"); ok || err != nil {
		t.Errorf("AlertState(missing): ok=%v err=%v", ok, err)
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
	if got, ok, _ := s.AlertState(ctx, st.Key); !ok || got != st {
		t.Errorf("resolved state = %+v, want %+v", got, st)
	}
}

func TestObservationsAndMissedVotes(t *testing.T) {
	ctx := context.Background()
	s, _, _ := openTemp(t)
	ptime := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	gov, nsm := nns.TopicGovernance, nns.TopicNeuronManagement
	obs := []rewards.Observation{
		{ProposalID: 1, Neuron: 1, Topic: gov, RewardStatus: nns.RewardStatusSettled, Ballot: rewards.BallotEmpty, BallotVP: 100, ProposalTime: ptime},
		{ProposalID: 2, Neuron: 1, Topic: gov, RewardStatus: nns.RewardStatusReadyToSettle, Ballot: rewards.BallotEmpty, BallotVP: 100, ProposalTime: ptime},
		{ProposalID: 3, Neuron: 1, Topic: nsm, RewardStatus: nns.RewardStatusSettled, Ballot: rewards.BallotVotedDirect, Vote: nns.VoteYes, BallotVP: 100, ProposalTime: ptime},
		{ProposalID: 4, Neuron: 1, Topic: nsm, RewardStatus: nns.RewardStatusAcceptVotes, Ballot: rewards.BallotEmpty, ProposalTime: ptime}, // still open
		{ProposalID: 5, Neuron: 1, Topic: nsm, RewardStatus: nns.RewardStatusSettled, Ballot: rewards.BallotUnknown, ProposalTime: ptime},   // unknown is never missed
		{ProposalID: 6, Neuron: 2, Topic: nsm, RewardStatus: nns.RewardStatusIneligible, Ballot: rewards.BallotEmpty, ProposalTime: ptime},  // ineligible
		{ProposalID: 7, Neuron: 2, Topic: nsm, RewardStatus: nns.RewardStatusSettled, Ballot: rewards.BallotEmpty, ProposalTime: ptime.AddDate(0, 0, 10)},
		// A miss on a proposal the bot has not marked settled: counted when it settles it.
		{ProposalID: 8, Neuron: 2, Topic: nsm, RewardStatus: nns.RewardStatusReadyToSettle, Ballot: rewards.BallotEmpty, ProposalTime: ptime},
	}
	must(t, s.RecordObservations(ctx, obs))
	must(t, s.SaveProposal(ctx, policy.Proposal{ID: 8, Topic: nsm, Title: "t"}))
	must(t, s.SaveProposal(ctx, policy.Proposal{ID: 7, Topic: nsm, Title: "t"}))
	must(t, s.MarkSettled(ctx, policy.Proposal{ID: 7, Topic: nsm, Title: "t", RewardStatus: nns.RewardStatusSettled}))
	// A later failed read must not erase the known vote on proposal 3.
	must(t, s.RecordObservations(ctx, []rewards.Observation{{ProposalID: 3, Neuron: 1, Topic: nsm,
		RewardStatus: nns.RewardStatusSettled, Ballot: rewards.BallotUnknown, ProposalTime: ptime}}))

	missed, err := s.MissedVotes(ctx)
	must(t, err)
	want := []rewards.MissedCount{{Neuron: 1, Topic: gov, Count: 2}, {Neuron: 2, Topic: nsm, Count: 1}}
	if len(missed) != len(want) || missed[0] != want[0] || missed[1] != want[1] {
		t.Errorf("MissedVotes = %+v, want %+v", missed, want)
	}
	n1, err := s.Observations(ctx, ObservationFilter{Neuron: 1})
	must(t, err)
	if len(n1) != 5 || n1[2].Ballot != rewards.BallotVotedDirect || n1[2].Vote != nns.VoteYes || n1[2].BallotVP != 100 {
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
		first  rewards.BallotState
		later  rewards.BallotState
		stored rewards.BallotState
		// firstFinal: the first sighting was made after voting closed.
		firstFinal bool
	}{
		{"unknown keeps a miss", rewards.BallotEmpty, rewards.BallotUnknown, rewards.BallotEmpty, true},
		// Seen empty while open, then unreadable once settled: not known, never a miss.
		{"an open empty ballot, then unknown: unknown", rewards.BallotEmpty, rewards.BallotUnknown, rewards.BallotUnknown, false},
		{"empty after a vote keeps the vote", rewards.BallotVotedFollowing, rewards.BallotEmpty, rewards.BallotVotedFollowing, false},
		{"none after a vote keeps the vote", rewards.BallotVotedDirect, rewards.BallotNone, rewards.BallotVotedDirect, false},
		{"following does not replace direct", rewards.BallotVotedDirect, rewards.BallotVotedFollowing, rewards.BallotVotedDirect, false},
		{"direct replaces following", rewards.BallotVotedFollowing, rewards.BallotVotedDirect, rewards.BallotVotedDirect, false},
		{"a vote replaces empty", rewards.BallotEmpty, rewards.BallotVotedFollowing, rewards.BallotVotedFollowing, false},
	}
	records := map[string]func(*Store, ...rewards.Observation) error{
		"one per call": func(s *Store, obs ...rewards.Observation) error {
			for _, o := range obs {
				if err := s.RecordObservations(ctx, []rewards.Observation{o}); err != nil {
					return err
				}
			}
			return nil
		},
		"batched": func(s *Store, obs ...rewards.Observation) error { return s.RecordObservations(ctx, obs) },
	}
	for how, record := range records {
		for _, tt := range tests {
			t.Run(how+"/"+tt.name, func(t *testing.T) {
				s, _, _ := openTemp(t)
				o := rewards.Observation{ProposalID: 1, Neuron: 2, Topic: nns.TopicGovernance, Ballot: tt.first, Vote: nns.VoteYes,
					BallotVP: 10, TotalPotentialVP: 1000, RewardStatus: nns.RewardStatusAcceptVotes}
				if tt.firstFinal {
					o.RewardStatus = nns.RewardStatusReadyToSettle
				}
				later := o
				later.Ballot, later.RewardStatus, later.TotalPotentialVP = tt.later, nns.RewardStatusSettled, 0
				must(t, record(s, o, later))
				got, err := s.Observations(ctx, ObservationFilter{})
				must(t, err)
				if len(got) != 1 || got[0].Ballot != tt.stored || got[0].RewardStatus != nns.RewardStatusSettled || got[0].TotalPotentialVP != 1000 {
					t.Errorf("stored %+v, want ballot %s, status Settled, total VP kept", got, tt.stored)
				}
			})
		}
	}
}

// TestObservationRoundTrip: what rewards/ reads back is what was recorded, bit for bit, u64
// extremes included.
func TestObservationRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, _, clock := openTemp(t)
	at := time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC)
	o := rewards.Observation{ProposalID: math.MaxUint64, Neuron: math.MaxUint64, Topic: nns.TopicGovernance,
		RewardStatus: nns.RewardStatusSettled, Ballot: rewards.BallotVotedFollowing, BallotVP: math.MaxUint64,
		Vote: nns.VoteNo, ProposalTime: at, Deadline: at.Add(time.Hour), ObservedAt: at.Add(2 * time.Hour),
		TotalPotentialVP: math.MaxUint64}
	unstamped := rewards.Observation{ProposalID: 2, Neuron: 1, Topic: nns.TopicGovernance, Ballot: rewards.BallotNone}
	must(t, s.RecordObservations(ctx, []rewards.Observation{o, unstamped}))
	got, err := s.Observations(ctx, ObservationFilter{})
	must(t, err)
	unstamped.ObservedAt = clock.Now() // a zero ObservedAt is stamped now
	// Ids ≥ 2^63 are stored as negative integers, so they sort first.
	if len(got) != 2 || got[0] != o || got[1] != unstamped {
		t.Errorf("read back\n %+v, want\n %+v\n %+v", got, o, unstamped)
	}
	for _, g := range got {
		if err := g.Validate(); err != nil {
			t.Errorf("read-back observation invalid for rewards/: %v", err)
		}
	}
}

func TestRecordObservationsIsAtomic(t *testing.T) {
	ctx := context.Background()
	s, _, _ := openTemp(t)
	failOn(t, s, "observations", 666)
	good := rewards.Observation{ProposalID: 1, Neuron: 1, Topic: nns.TopicGovernance, Ballot: rewards.BallotEmpty}
	bad := good
	bad.ProposalID = 666
	if err := s.RecordObservations(ctx, []rewards.Observation{good, bad}); err == nil {
		t.Fatal("RecordObservations with a failing row succeeded")
	}
	if n := count(t, s, "SELECT COUNT(*) FROM observations"); n != 0 {
		t.Errorf("%d observations written by a failed batch, want 0", n)
	}
	must(t, s.Close())
	if err := s.RecordObservations(ctx, []rewards.Observation{good}); err == nil {
		t.Error("RecordObservations on a closed store succeeded")
	}
}

// TestDecisionsRoundTrip: the audit log keeps the rule's name and the source side by side, and a
// decision read back says what the recorded one said.
func TestDecisionsRoundTrip(t *testing.T) {
	ctx := context.Background()
	s, _, clock := openTemp(t)
	tests := []struct {
		name            string
		d               policy.Decision
		verb, rule, src string
	}{
		{"rule vote", policy.Decision{Action: policy.ActionVoteNow, Vote: nns.VoteYes, Rule: "motions",
			Reason: `rule "motions" (topic Governance): vote Yes`}, "vote", "motions", "rule"},
		{"delayed rule vote", policy.Decision{Action: policy.ActionVoteAt, Vote: nns.VoteNo, Rule: "delay",
			At: clock.Now().Add(time.Hour), Reason: "later"}, "vote", "delay", "rule"},
		{"fallback vote", policy.Decision{Action: policy.ActionVoteNow, Vote: nns.VoteNo, Rule: "motions", Fallback: true,
			Reason: `rule "motions" (topic Governance): manual; deadline margin reached: fallback no`}, "vote", "motions", "fallback"},
		{"override", policy.Decision{Action: policy.ActionVoteNow, Vote: nns.VoteYes, Override: true,
			Reason: "manual override: yes"}, "vote", "", "override"},
		{"wait", policy.Decision{Action: policy.ActionWait, Vote: nns.VoteNo, Rule: "follow", Reason: "followees may vote"},
			"wait", "follow", "rule"},
		{"ask", policy.Decision{Action: policy.ActionWait, NeedsHuman: true, Rule: "manual", Reason: "ask"}, "ask", "manual", "rule"},
		{"skip", policy.Decision{Action: policy.ActionNothing, Skip: true, Rule: "spam", Reason: "skip"}, "skip", "spam", "rule"},
		{"nothing by default", policy.Decision{Action: policy.ActionNothing, Reason: "default (no rule matched): nothing"},
			"nothing", "", "rule"},
	}
	var recs []bot.DecisionRecord
	for i, tt := range tests {
		recs = append(recs, bot.DecisionRecord{Proposal: 1, Neuron: uint64(i + 1), Decision: tt.d})
	}
	recs[len(recs)-1].Neuron = math.MaxUint64
	recs[0].At = clock.Now().Add(-time.Hour) // a set time is kept, a zero one stamped now
	must(t, s.RecordDecisions(ctx, recs))

	got, err := s.Decisions(ctx, 1, 0)
	must(t, err)
	if len(got) != len(tests) {
		t.Fatalf("Decisions = %d rows, want %d", len(got), len(tests))
	}
	for i, tt := range tests {
		g := got[i]
		if g.Proposal != 1 || g.Neuron != recs[i].Neuron {
			t.Errorf("%s: ballot %d/%d, want 1/%d", tt.name, g.Proposal, g.Neuron, recs[i].Neuron)
		}
		wantAt := clock.Now()
		if i == 0 {
			wantAt = recs[0].At
		}
		if !g.At.Equal(wantAt) {
			t.Errorf("%s: At = %v, want %v", tt.name, g.At, wantAt)
		}
		d := g.Decision
		if d.Verb() != tt.verb || d.Rule != tt.rule || d.Source() != tt.src || d.Vote != tt.d.Vote || d.Reason != tt.d.Reason {
			t.Errorf("%s: read back verb %q rule %q source %q vote %v reason %q; want %q %q %q %v %q", tt.name,
				d.Verb(), d.Rule, d.Source(), d.Vote, d.Reason, tt.verb, tt.rule, tt.src, tt.d.Vote, tt.d.Reason)
		}
		// The columns themselves, as an operator's SQL or `report` reads them.
		var action, rule, source string
		must(t, s.db.QueryRowContext(ctx, "SELECT action, rule, source FROM decisions WHERE neuron_id = ?",
			id64(recs[i].Neuron)).Scan(&action, &rule, &source))
		if action != tt.verb || rule != tt.rule || source != tt.src {
			t.Errorf("%s: stored action %q rule %q source %q, want %q %q %q", tt.name, action, rule, source,
				tt.verb, tt.rule, tt.src)
		}
	}
}

func TestDecisionsFilterAndOrder(t *testing.T) {
	ctx := context.Background()
	s, _, clock := openTemp(t)
	rec := func(p, n uint64, reason string) bot.DecisionRecord {
		return bot.DecisionRecord{Proposal: p, Neuron: n, Decision: policy.Decision{Action: policy.ActionWait, Reason: reason}}
	}
	must(t, s.RecordDecisions(ctx, []bot.DecisionRecord{rec(1, 2, "first"), rec(1, 3, "other neuron"), rec(2, 2, "other proposal")}))
	clock.Add(time.Hour)
	must(t, s.RecordDecisions(ctx, []bot.DecisionRecord{rec(1, 2, "second")}))
	got, err := s.Decisions(ctx, 1, 2)
	must(t, err)
	if len(got) != 2 || got[0].Decision.Reason != "first" || got[1].Decision.Reason != "second" ||
		!got[1].At.Equal(clock.Now()) {
		t.Errorf("Decisions(1, 2) = %+v, want first then second", got)
	}
	all, err := s.Decisions(ctx, 1, 0)
	must(t, err)
	if len(all) != 3 {
		t.Errorf("Decisions(1, all) = %d rows, want 3", len(all))
	}
	if none, err := s.Decisions(ctx, 99, 0); len(none) != 0 || err != nil {
		t.Errorf("Decisions(99) = %+v, %v", none, err)
	}
}

func TestRecordDecisionsIsAtomic(t *testing.T) {
	ctx := context.Background()
	s, _, _ := openTemp(t)
	failOn(t, s, "decisions", 666)
	batch := []bot.DecisionRecord{{Proposal: 1, Neuron: 1}, {Proposal: 666, Neuron: 1}}
	if err := s.RecordDecisions(ctx, batch); err == nil {
		t.Fatal("RecordDecisions with a failing row succeeded")
	}
	if n := count(t, s, "SELECT COUNT(*) FROM decisions"); n != 0 {
		t.Errorf("%d decisions written by a failed batch, want 0", n)
	}
	must(t, s.Close())
	if err := s.RecordDecisions(ctx, batch[:1]); err == nil {
		t.Error("RecordDecisions on a closed store succeeded")
	}
}

func TestDecisionsRejectsUnknownAction(t *testing.T) {
	ctx := context.Background()
	s, _, _ := openTemp(t)
	_, err := s.db.ExecContext(ctx, `INSERT INTO decisions (proposal_id, neuron_id, action, vote, rule, source, reason, at)
		VALUES (1, 2, 'dance', 0, '', '', '', 0)`)
	must(t, err)
	if _, err := s.Decisions(ctx, 1, 0); err == nil {
		t.Error("a decision with an unknown action was read back")
	}
}
