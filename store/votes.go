package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/votebot/votebot/nns"
)

// VoteOutcome is how a vote attempt ended.
type VoteOutcome string

// Vote outcomes. Pending is an attempt recorded before sending whose result is not known yet; one
// still pending at start-up was interrupted by a crash and must be reconciled.
const (
	VotePending      VoteOutcome = "pending"       // intent recorded, result unknown
	VoteSucceeded    VoteOutcome = "succeeded"     // the canister accepted it (or the ballot was found filled)
	VoteAlreadyVoted VoteOutcome = "already_voted" // NeuronAlreadyVoted: the neuron voted by following
	VoteRefused      VoteOutcome = "refused"       // the canister refused it for another reason; alert, don't retry blindly
	VoteFailed       VoteOutcome = "failed"        // transient failure; may be retried
	VoteAbandoned    VoteOutcome = "abandoned"     // interrupted, ballot re-checked and still empty; may be retried
	VoteDryRun       VoteOutcome = "dry_run"       // "would vote": nothing was sent
)

// Done reports whether the ballot is known to be filled after this outcome, so no vote may be
// sent for it again.
func (o VoteOutcome) Done() bool { return o == VoteSucceeded || o == VoteAlreadyVoted }

func (o VoteOutcome) valid() bool {
	switch o {
	case VotePending, VoteSucceeded, VoteAlreadyVoted, VoteRefused, VoteFailed, VoteAbandoned, VoteDryRun:
		return true
	}
	return false
}

// Errors from BeginVote.
var (
	// ErrBallotDone: a vote for this ballot already succeeded; sending again is never needed.
	ErrBallotDone = errors.New("ballot already voted")
	// ErrVoteInFlight: another attempt for this ballot is pending (sending now, or interrupted by a
	// crash and not reconciled yet).
	ErrVoteInFlight = errors.New("a vote for this ballot is in flight")
)

// VoteAttempt is one entry of the vote log.
type VoteAttempt struct {
	ID         int64
	ProposalID uint64
	NeuronID   uint64
	Vote       nns.Vote
	Source     string // who decided: a rule, "override", "fallback", ...
	Reason     string
	Outcome    VoteOutcome
	Error      string // the error text for refused/failed
	Started    time.Time
	Finished   time.Time // zero while pending
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

// BeginVote records the intent to send vote for (proposal, neuron) before it is sent, and returns
// the attempt to pass to FinishVote. It fails with ErrBallotDone when a vote for the ballot already
// succeeded and with ErrVoteInFlight when another attempt is pending; the check and the insert are
// one atomic step, enforced by a unique index, so not even two processes can both begin.
// In dry-run mode use RecordDryRun instead.
func (s *Store) BeginVote(ctx context.Context, proposal, neuron uint64, vote nns.Vote, source, reason string) (_ VoteAttempt, err error) {
	defer s.noteWrite(&err)
	a := VoteAttempt{ProposalID: proposal, NeuronID: neuron, Vote: vote, Source: source, Reason: reason,
		Outcome: VotePending, Started: s.now()}
	fail := func(err error) (VoteAttempt, error) {
		return VoteAttempt{}, fmt.Errorf("begin vote %d/%d: %w", proposal, neuron, err)
	}
	for range beginVoteTries {
		// One statement, not a transaction: the unique index makes check-and-insert atomic, so
		// BEGIN IMMEDIATE, SELECT, INSERT, COMMIT would only cost three more round trips.
		inserted, err := s.insertAttempt(ctx, &a)
		if err != nil {
			return fail(err)
		}
		if inserted {
			return a, nil
		}
		if err := s.liveAttemptError(ctx, proposal, neuron); err != nil {
			return fail(err)
		}
	}
	// The ballot kept being taken and freed: another process is voting on it right now.
	return fail(ErrVoteInFlight)
}

// insertAttempt inserts a as pending and sets its ID; inserted is false when a live attempt for
// the ballot kept it out.
func (s *Store) insertAttempt(ctx context.Context, a *VoteAttempt) (inserted bool, err error) {
	res, err := s.stmts.voteInsert.ExecContext(ctx, id64(a.ProposalID), id64(a.NeuronID), int64(a.Vote),
		a.Source, a.Reason, unixNano(a.Started))
	if err != nil {
		return false, err
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return false, err
	}
	a.ID, err = res.LastInsertId()
	return err == nil, err
}

// liveAttemptError says why a ballot is taken: ErrVoteInFlight or ErrBallotDone. It returns nil
// when no live attempt holds the ballot any more.
func (s *Store) liveAttemptError(ctx context.Context, proposal, neuron uint64) error {
	var outcome string
	err := s.stmts.voteLive.QueryRowContext(ctx, id64(proposal), id64(neuron)).Scan(&outcome)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	case outcome == string(VotePending):
		return ErrVoteInFlight
	}
	return ErrBallotDone
}

// RecordDryRun logs a vote that --dry-run would have sent. It never blocks a later real vote.
func (s *Store) RecordDryRun(ctx context.Context, proposal, neuron uint64, vote nns.Vote, source, reason string) (_ VoteAttempt, err error) {
	defer s.noteWrite(&err)
	now := s.now()
	a := VoteAttempt{ProposalID: proposal, NeuronID: neuron, Vote: vote, Source: source, Reason: reason,
		Outcome: VoteDryRun, Started: now, Finished: now}
	res, err := s.stmts.dryRun.ExecContext(ctx, id64(proposal), id64(neuron), int64(vote), source, reason,
		unixNano(now), unixNano(now))
	if err == nil {
		a.ID, err = res.LastInsertId()
	}
	if err != nil {
		return VoteAttempt{}, fmt.Errorf("record dry run %d/%d: %w", proposal, neuron, err)
	}
	return a, nil
}

// FinishVote records how a pending attempt ended. errText is the error for refused/failed
// outcomes ("" otherwise). Finishing an attempt that is not pending is an error: an outcome, once
// written, is never overwritten.
func (s *Store) FinishVote(ctx context.Context, attemptID int64, outcome VoteOutcome, errText string) (err error) {
	defer s.noteWrite(&err)
	if !outcome.valid() || outcome == VotePending || outcome == VoteDryRun {
		return fmt.Errorf("finish vote %d: invalid outcome %q", attemptID, outcome)
	}
	res, err := s.stmts.voteFinish.ExecContext(ctx, string(outcome), errText, unixNano(s.now()), attemptID)
	if err != nil {
		return fmt.Errorf("finish vote %d: %w", attemptID, err)
	}
	if n, err := res.RowsAffected(); err != nil || n != 1 {
		return fmt.Errorf("finish vote %d: no pending attempt with this id", attemptID)
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
	if err := row.Scan(&a.ID, &pid, &nid, &vote, &a.Source, &a.Reason, &outcome, &a.Error, &start, &fini); err != nil {
		return VoteAttempt{}, err
	}
	a.ProposalID, a.NeuronID, a.Vote, a.Outcome = uint64(pid), uint64(nid), nns.Vote(vote), VoteOutcome(outcome)
	a.Started, a.Finished = fromUnixNano(start), fromUnixNano(fini)
	return a, nil
}

// InFlightVotes lists attempts still pending. At start-up these were interrupted by a crash: the
// bot re-reads each ballot and finishes the attempt as VoteSucceeded (ballot filled) or
// VoteAbandoned (still empty, safe to begin again) instead of re-sending blindly.
func (s *Store) InFlightVotes(ctx context.Context) ([]VoteAttempt, error) {
	out, err := s.queryAttempts(ctx, "outcome = 'pending'")
	if err != nil {
		return nil, fmt.Errorf("list in-flight votes: %w", err)
	}
	return out, nil
}

// VoteAttempts lists every attempt for one ballot, oldest first.
func (s *Store) VoteAttempts(ctx context.Context, proposal, neuron uint64) ([]VoteAttempt, error) {
	out, err := s.queryAttempts(ctx, "proposal_id = ? AND neuron_id = ?", id64(proposal), id64(neuron))
	if err != nil {
		return nil, fmt.Errorf("list vote attempts %d/%d: %w", proposal, neuron, err)
	}
	return out, nil
}

// SucceededVote returns the attempt that filled the ballot (succeeded or already voted); ok is
// false when none did.
func (s *Store) SucceededVote(ctx context.Context, proposal, neuron uint64) (a VoteAttempt, ok bool, err error) {
	out, err := s.queryAttempts(ctx, "proposal_id = ? AND neuron_id = ? AND outcome IN ('succeeded', 'already_voted')",
		id64(proposal), id64(neuron))
	if err != nil {
		return VoteAttempt{}, false, fmt.Errorf("read vote %d/%d: %w", proposal, neuron, err)
	}
	if len(out) == 0 {
		return VoteAttempt{}, false, nil
	}
	return out[0], true, nil
}

// VoteCount is the number of votes that filled a ballot per (neuron, topic, vote, source).
type VoteCount struct {
	NeuronID uint64
	Topic    nns.Topic
	Vote     nns.Vote
	Source   string
	Count    int64
}

// VotesCast counts succeeded votes per (neuron, topic, vote, source), for rebuilding
// votebot_votes_cast_total at start. Votes on proposals never upserted count under topic 0.
func (s *Store) VotesCast(ctx context.Context) ([]VoteCount, error) {
	out, err := queryAll(ctx, s, func(row rowScanner) (VoteCount, error) {
		var c VoteCount
		var nid, topic, vote int64
		err := row.Scan(&nid, &topic, &vote, &c.Source, &c.Count)
		c.NeuronID, c.Topic, c.Vote = uint64(nid), nns.Topic(topic), nns.Vote(vote)
		return c, err
	}, `
SELECT v.neuron_id, COALESCE(p.topic, 0), v.vote, v.source, COUNT(*)
FROM vote_attempts v LEFT JOIN proposals p ON p.id = v.proposal_id
WHERE v.outcome = 'succeeded'
GROUP BY v.neuron_id, COALESCE(p.topic, 0), v.vote, v.source
ORDER BY 1, 2, 3, 4`)
	if err != nil {
		return nil, fmt.Errorf("count votes cast: %w", err)
	}
	return out, nil
}
