package store

import (
	"context"
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/rewards"
)

// TestPrune fills every table with rows on both sides of the cutoff and checks which survive.
func TestPrune(t *testing.T) {
	ctx := context.Background()
	s, _, clock := openTemp(t)
	cut := clock.Now()
	old, recent := cut.Add(-time.Hour), cut.Add(time.Hour)
	at := func(t0 time.Time) { clock.Add(t0.Sub(clock.Now())) }

	// Proposals: 1 settled long ago, 2 settled after the cutoff, 3 still open (AcceptVotes) though
	// its deadline passed before the cutoff, 4 never saved (only observed).
	proposals := []struct {
		id             uint64
		deadline       time.Time
		saved, settled bool
	}{{1, old, true, true}, {2, recent, true, true}, {3, old, true, false}, {4, old, false, false}}
	var obs []rewards.Observation
	for _, p := range proposals {
		pp := policy.Proposal{ID: p.id, Topic: nns.TopicGovernance, Created: p.deadline.Add(-time.Hour), Deadline: p.deadline}
		if p.saved {
			must(t, s.SaveProposal(ctx, pp))
		}
		if p.settled {
			must(t, s.MarkSettled(ctx, pp))
		}
		obs = append(obs, rewards.Observation{ProposalID: p.id, Neuron: 1, Topic: nns.TopicGovernance,
			Ballot: rewards.BallotEmpty, ProposalTime: pp.Created, Deadline: p.deadline})
	}
	must(t, s.RecordObservations(ctx, obs))
	// A proposal made before the cutoff whose voting ended after it keeps its observation.
	must(t, s.RecordObservations(ctx, []rewards.Observation{{ProposalID: 5, Neuron: 1, Topic: nns.TopicGovernance,
		Ballot: rewards.BallotEmpty, ProposalTime: old, Deadline: recent}}))

	// Vote attempts started before the cutoff: finished on 1 (goes), finished on open 3 (kept),
	// pending on 4 (kept); after the cutoff: finished on 2 (kept).
	at(old)
	vote := func(p uint64, finish bot.VoteOutcome) {
		id, err := s.BeginVote(ctx, intent(p, 1, nns.VoteYes, "rule", "r"))
		must(t, err)
		if finish != "" {
			must(t, s.FinishVote(ctx, id, finish, ""))
		}
	}
	vote(1, bot.VoteSucceeded)
	must(t, s.RecordDryRun(ctx, intent(1, 2, nns.VoteYes, "rule", "r"))) // finished too
	vote(3, bot.VoteFailed)
	vote(4, "")
	must(t, s.RecordPress(ctx, "cb-old", 1, 1, nns.VoteNo)) // a Telegram press applied before the cutoff
	// Decisions before and after the cutoff.
	must(t, s.RecordDecisions(ctx, []bot.DecisionRecord{{Proposal: 1, Neuron: 1}, {Proposal: 2, Neuron: 1, At: recent}}))
	at(recent)
	vote(2, bot.VoteSucceeded)
	must(t, s.RecordPress(ctx, "cb-new", 2, 1, nns.VoteNo))
	// Alert states: resolved before the cutoff (goes), resolved after (kept), still firing (kept).
	for key, resolved := range map[string]time.Time{"gone": old, "late": recent, "firing": {}} {
		must(t, s.PutAlertState(ctx, alert.State{Key: key, Kind: alert.KindPollStale, FirstFired: old.Add(-time.Hour),
			ResolvedAt: resolved}))
	}

	n, err := s.Prune(ctx, cut)
	must(t, err)
	survivors := []struct {
		what, query, want string
	}{
		{"proposals", "SELECT COALESCE(group_concat(id, ','), '') FROM (SELECT id FROM proposals ORDER BY id)", "2,3"},
		{"observations", "SELECT COALESCE(group_concat(proposal_id, ','), '') FROM (SELECT proposal_id FROM observations ORDER BY 1)", "2,3,5"},
		{"vote attempts", "SELECT COALESCE(group_concat(proposal_id || ':' || outcome, ','), '') FROM (SELECT proposal_id, outcome FROM vote_attempts ORDER BY id)",
			"3:failed,4:pending,2:succeeded"},
		{"decisions", "SELECT COALESCE(group_concat(proposal_id, ','), '') FROM (SELECT proposal_id FROM decisions ORDER BY id)", "2"},
		{"alert states", "SELECT COALESCE(group_concat(key, ','), '') FROM (SELECT key FROM alert_states ORDER BY key)", "firing,late"},
		{"telegram presses", "SELECT COALESCE(group_concat(callback_id, ','), '') FROM telegram_presses", "cb-new"},
	}
	for _, sv := range survivors {
		var got string
		must(t, s.db.QueryRowContext(ctx, sv.query).Scan(&got))
		if got != sv.want {
			t.Errorf("%s left: %s, want %s", sv.what, got, sv.want)
		}
	}
	// Gone: proposal 1, observations 1 and 4, attempts on 1 (vote and dry run), one decision, one
	// alert, one press.
	if n != 8 {
		t.Errorf("Prune reported %d rows, want 8", n)
	}
	if again, err := s.Prune(ctx, cut); again != 0 || err != nil {
		t.Errorf("second Prune = %d, %v; want 0", again, err)
	}
	must(t, s.Close())
	if _, err := s.Prune(ctx, cut); err == nil {
		t.Error("Prune on a closed store succeeded")
	}
}

func TestOldestObservation(t *testing.T) {
	ctx := context.Background()
	s, _, _ := openTemp(t)
	got, err := s.OldestObservation(ctx)
	if err != nil || !got.IsZero() {
		t.Errorf("OldestObservation of an empty store = %v, %v; want zero", got, err)
	}
	first := time.Date(2025, 10, 1, 0, 0, 0, 0, time.UTC)
	o := rewards.Observation{ProposalID: 1, Neuron: 1, Topic: nns.TopicGovernance, Ballot: rewards.BallotEmpty}
	unknownTime, older, newer := o, o, o
	older.ProposalID, older.ProposalTime = 2, first
	newer.ProposalID, newer.ProposalTime = 3, first.AddDate(0, 1, 0)
	must(t, s.RecordObservations(ctx, []rewards.Observation{unknownTime, newer, older}))
	got, err = s.OldestObservation(ctx)
	must(t, err)
	if !got.Equal(first) {
		t.Errorf("OldestObservation = %v, want %v (a proposal time unknown is not the oldest)", got, first)
	}
}
