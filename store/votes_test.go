package store

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
)

func TestVoteLog(t *testing.T) {
	ctx := context.Background()
	type step struct {
		finish  bot.VoteOutcome // how the attempt ends ("" = leave pending)
		nextErr error           // what a second BeginVote then returns
	}
	tests := []struct {
		name string
		step step
	}{
		{"succeeded blocks a resend", step{bot.VoteSucceeded, bot.ErrBallotDone}},
		{"already voted blocks a resend", step{bot.VoteAlreadyVoted, bot.ErrBallotDone}},
		{"pending blocks a second send", step{"", bot.ErrVoteInFlight}},
		{"transient failure may retry", step{bot.VoteFailed, nil}},
		{"abandoned after crash may retry", step{bot.VoteAbandoned, nil}},
		{"refused leaves the decision to the bot", step{bot.VoteRefused, nil}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, clock := openTemp(t)
			id, err := s.BeginVote(ctx, intent(5, 6, nns.VoteYes, "rule", "because"))
			must(t, err)
			if id == 0 {
				t.Fatal("BeginVote returned attempt 0")
			}
			if tt.step.finish != "" {
				must(t, s.FinishVote(ctx, id, tt.step.finish, "err text"))
			}
			_, err = s.BeginVote(ctx, intent(5, 6, nns.VoteYes, "rule", "because"))
			if !errors.Is(err, tt.step.nextErr) || (tt.step.nextErr == nil && err != nil) {
				t.Errorf("second BeginVote: %v, want %v", err, tt.step.nextErr)
			}
			log, err := s.VoteAttempts(ctx, 5, 6)
			must(t, err)
			want := intent(5, 6, nns.VoteYes, "rule", "because")
			want.Attempt = id
			if log[0].VoteIntent != want || !log[0].Started.Equal(clock.Now()) {
				t.Errorf("first attempt = %+v, want %+v started now", log[0], want)
			}
			if tt.step.finish == "" && (log[0].Outcome != bot.VotePending || !log[0].Finished.IsZero()) {
				t.Errorf("pending attempt = %+v", log[0])
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
		finish bot.VoteOutcome // how the ballot's attempt ended
		want   error
	}{
		{bot.VotePending, bot.ErrVoteInFlight},
		{bot.VoteSucceeded, bot.ErrBallotDone},
		{bot.VoteAlreadyVoted, bot.ErrBallotDone},
		{bot.VoteFailed, nil},
		{bot.VoteAbandoned, nil},
		{bot.VoteRefused, nil},
	}
	for _, tt := range tests {
		t.Run(string(tt.finish), func(t *testing.T) {
			s, _, _ := openTemp(t)
			id, err := s.BeginVote(ctx, intent(5, 6, nns.VoteYes, "rule", "r"))
			must(t, err)
			if tt.finish != bot.VotePending {
				must(t, s.FinishVote(ctx, id, tt.finish, ""))
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
	id, err := s.BeginVote(ctx, intent(1, 1, nns.VoteNo, "r", "r"))
	must(t, err)
	for _, o := range []bot.VoteOutcome{bot.VotePending, bot.VoteDryRun, "bogus"} {
		if err := s.FinishVote(ctx, id, o, ""); err == nil {
			t.Errorf("FinishVote(%q) succeeded", o)
		}
	}
	must(t, s.FinishVote(ctx, id, bot.VoteSucceeded, ""))
	if err := s.FinishVote(ctx, id, bot.VoteFailed, "late"); err == nil {
		t.Error("finishing twice succeeded; an outcome must never be overwritten")
	}
	if err := s.FinishVote(ctx, 9999, bot.VoteFailed, ""); err == nil {
		t.Error("finishing an unknown attempt succeeded")
	}
}

func TestInFlightReconcileAfterCrash(t *testing.T) {
	ctx := context.Background()
	s, path, _ := openTemp(t)
	a, err := s.BeginVote(ctx, intent(10, 20, nns.VoteYes, "rule", "r10"))
	must(t, err)
	b, err := s.BeginVote(ctx, intent(11, 20, nns.VoteNo, "fallback", "r11"))
	must(t, err)
	must(t, s.Close()) // "crash" before FinishVote

	s2, err := Open(ctx, path)
	must(t, err)
	defer s2.Close()
	inflight, err := s2.InFlightVotes(ctx)
	must(t, err)
	want := []bot.VoteIntent{intent(10, 20, nns.VoteYes, "rule", "r10"), intent(11, 20, nns.VoteNo, "fallback", "r11")}
	want[0].Attempt, want[1].Attempt = a, b
	if len(inflight) != 2 || inflight[0] != want[0] || inflight[1] != want[1] {
		t.Fatalf("in flight = %+v, want %+v", inflight, want)
	}
	// The bot re-reads the ballots: 10 was filled, 11 is still empty.
	must(t, s2.FinishVote(ctx, a, bot.VoteSucceeded, ""))
	must(t, s2.FinishVote(ctx, b, bot.VoteAbandoned, "interrupted"))
	if _, err := s2.BeginVote(ctx, intent(10, 20, nns.VoteYes, "r", "r")); !errors.Is(err, bot.ErrBallotDone) {
		t.Errorf("resend on a filled ballot: %v, want bot.ErrBallotDone", err)
	}
	if _, err := s2.BeginVote(ctx, intent(11, 20, nns.VoteNo, "r", "r")); err != nil {
		t.Errorf("retry on an empty ballot: %v", err)
	}
}

func TestDryRunNeverBlocks(t *testing.T) {
	ctx := context.Background()
	s, _, clock := openTemp(t)
	must(t, s.RecordDryRun(ctx, intent(1, 2, nns.VoteYes, "rule", "would")))
	log, err := s.VoteAttempts(ctx, 1, 2)
	must(t, err)
	if len(log) != 1 || log[0].Outcome != bot.VoteDryRun || log[0].Reason != "would" ||
		!log[0].Started.Equal(clock.Now()) || !log[0].Finished.Equal(clock.Now()) {
		t.Fatalf("dry run logged as %+v", log)
	}
	if inflight, _ := s.InFlightVotes(ctx); len(inflight) != 0 {
		t.Errorf("dry run in flight: %+v", inflight)
	}
	if _, err := s.BeginVote(ctx, intent(1, 2, nns.VoteYes, "rule", "real")); err != nil {
		t.Errorf("BeginVote after dry run: %v", err)
	}
	if done := doneVotes(t, s, 1, 2); len(done) != 0 {
		t.Errorf("dry run/pending counted as cast: %+v", done)
	}
}
