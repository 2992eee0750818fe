package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
)

// VoteAttempt is one entry of the vote log: the intent (Attempt is its id), how it ended, and
// when.
type VoteAttempt struct {
	bot.VoteIntent
	Outcome  bot.VoteOutcome
	Error    string // the error text for refused/failed
	Started  time.Time
	Finished time.Time // zero while pending
}

// The vote log's per-ballot statements, prepared at Open.
const (
	// voteInsertSQL inserts a pending attempt, or nothing when the unique index
	// vote_attempts_one_live already holds a live (pending or successful) attempt for the ballot.
	voteInsertSQL = `INSERT INTO vote_attempts (proposal_id, neuron_id, vote, source, reason, outcome, started_at)
VALUES (?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT DO NOTHING`
	voteLiveSQL = `SELECT outcome FROM vote_attempts
WHERE proposal_id = ? AND neuron_id = ? AND outcome IN ('pending', 'succeeded', 'already_voted')`
	voteFinishSQL = `UPDATE vote_attempts SET outcome = ?, error = ?, finished_at = ? WHERE id = ? AND outcome = 'pending'`
	dryRunSQL     = `INSERT INTO vote_attempts (proposal_id, neuron_id, vote, source, reason, outcome, started_at, finished_at)
VALUES (?, ?, ?, ?, ?, 'dry_run', ?, ?)`
)

// beginVoteTries bounds BeginVote's retries when the live attempt that blocked its insert is gone
// by the time it looks (it finished as failed or abandoned in between).
const beginVoteTries = 3

// BeginVote records the intent to send v.Vote for (v.Proposal, v.Neuron) before it is sent, and
// returns the attempt to pass to FinishVote (v.Attempt is ignored). It fails with an error
// wrapping bot.ErrBallotDone when a vote for the ballot already succeeded and bot.ErrVoteInFlight
// when another attempt is pending; the check and the insert are one atomic step, enforced by a
// unique index, so not even two processes can both begin. In dry-run mode use RecordDryRun
// instead.
func (s *Store) BeginVote(ctx context.Context, v bot.VoteIntent) (_ int64, err error) {
	defer s.noteWrite(&err)
	started := s.now()
	fail := func(err error) (int64, error) {
		return 0, fmt.Errorf("begin vote %d/%d: %w", v.Proposal, v.Neuron, err)
	}
	for range beginVoteTries {
		// One statement, not a transaction: the unique index makes check-and-insert atomic, so
		// BEGIN IMMEDIATE, SELECT, INSERT, COMMIT would only cost three more round trips.
		id, err := s.insertAttempt(ctx, v, started)
		if err != nil {
			return fail(err)
		}
		if id != 0 {
			return id, nil
		}
		if err := s.liveAttemptError(ctx, v.Proposal, v.Neuron); err != nil {
			return fail(err)
		}
	}
	// The ballot kept being taken and freed: another process is voting on it right now.
	return fail(bot.ErrVoteInFlight)
}

// insertAttempt inserts v as pending and returns its id, or 0 when a live attempt for the ballot
// kept it out.
func (s *Store) insertAttempt(ctx context.Context, v bot.VoteIntent, started time.Time) (int64, error) {
	res, err := s.stmts.voteInsert.ExecContext(ctx, id64(v.Proposal), id64(v.Neuron), int64(v.Vote),
		v.Source, v.Reason, unixNano(started))
	if err != nil {
		return 0, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return 0, err
	}
	return res.LastInsertId()
}

// liveAttemptError says why a ballot is taken: bot.ErrVoteInFlight or bot.ErrBallotDone. It
// returns nil when no live attempt holds the ballot any more.
func (s *Store) liveAttemptError(ctx context.Context, proposal, neuron uint64) error {
	var outcome string
	err := s.stmts.voteLive.QueryRowContext(ctx, id64(proposal), id64(neuron)).Scan(&outcome)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	case outcome == string(bot.VotePending):
		return bot.ErrVoteInFlight
	}
	return bot.ErrBallotDone
}

// RecordDryRun logs a vote that --dry-run would have sent. It never blocks a later real vote.
func (s *Store) RecordDryRun(ctx context.Context, v bot.VoteIntent) (err error) {
	defer s.noteWrite(&err)
	now := unixNano(s.now())
	if _, err := s.stmts.dryRun.ExecContext(ctx, id64(v.Proposal), id64(v.Neuron), int64(v.Vote), v.Source,
		v.Reason, now, now); err != nil {
		return fmt.Errorf("record dry run %d/%d: %w", v.Proposal, v.Neuron, err)
	}
	return nil
}

// FinishVote records how a pending attempt ended. errText is the error for refused/failed
// outcomes, for already_voted what the ballot was found holding ("" otherwise). Finishing an attempt that is not pending is an error: an outcome, once
// written, is never overwritten.
func (s *Store) FinishVote(ctx context.Context, attempt int64, outcome bot.VoteOutcome, errText string) (err error) {
	defer s.noteWrite(&err)
	if !outcome.Valid() || outcome == bot.VotePending || outcome == bot.VoteDryRun {
		return fmt.Errorf("finish vote %d: invalid outcome %q", attempt, outcome)
	}
	res, err := s.stmts.voteFinish.ExecContext(ctx, string(outcome), errText, unixNano(s.now()), attempt)
	if err != nil {
		return fmt.Errorf("finish vote %d: %w", attempt, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("finish vote %d: no pending attempt with this id", attempt)
	}
	return nil
}

const attemptColumns = `id, proposal_id, neuron_id, vote, source, reason, outcome, error, started_at, finished_at`

func (s *Store) queryAttempts(ctx context.Context, where string, args ...any) ([]VoteAttempt, error) {
	return queryAll(ctx, s, scanAttempt, "SELECT "+attemptColumns+" FROM vote_attempts WHERE "+where+" ORDER BY id", args...)
}

func scanAttempt(row rowScanner) (VoteAttempt, error) {
	var (
		a                           VoteAttempt
		pid, nid, vote, start, fini int64
		outcome                     string
	)
	if err := row.Scan(&a.Attempt, &pid, &nid, &vote, &a.Source, &a.Reason, &outcome, &a.Error, &start, &fini); err != nil {
		return VoteAttempt{}, err
	}
	a.Proposal, a.Neuron, a.Vote, a.Outcome = uint64(pid), uint64(nid), nns.Vote(vote), bot.VoteOutcome(outcome)
	a.Started, a.Finished = fromUnixNano(start), fromUnixNano(fini)
	return a, nil
}

// InFlightVotes lists attempts still pending, oldest first. At start-up these were interrupted by
// a crash: the bot re-reads each ballot and finishes the attempt as VoteSucceeded (ballot filled)
// or VoteAbandoned (still empty, safe to begin again) instead of re-sending blindly.
func (s *Store) InFlightVotes(ctx context.Context) ([]bot.VoteIntent, error) {
	as, err := s.queryAttempts(ctx, "outcome = 'pending'")
	if err != nil {
		return nil, fmt.Errorf("list in-flight votes: %w", err)
	}
	out := make([]bot.VoteIntent, len(as))
	for i, a := range as {
		out[i] = a.VoteIntent
	}
	return out, nil
}

// VoteAttempts lists every attempt for one ballot, oldest first: the vote log as an audit (and
// the end-to-end tests) read it.
func (s *Store) VoteAttempts(ctx context.Context, proposal, neuron uint64) ([]VoteAttempt, error) {
	out, err := s.queryAttempts(ctx, "proposal_id = ? AND neuron_id = ?", id64(proposal), id64(neuron))
	if err != nil {
		return nil, fmt.Errorf("list vote attempts %d/%d: %w", proposal, neuron, err)
	}
	return out, nil
}
