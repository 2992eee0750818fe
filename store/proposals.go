package store

import (
	"context"
	"fmt"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// The proposals table remembers the proposals the loop has seen open, so each is settled (its
// ballots classified, a miss counted) after its deadline even across restarts. A proposal stored
// as AcceptVotes is unsettled; MarkSettled moves it on.

const proposalUpsertSQL = `
INSERT INTO proposals (id, topic, title, proposer, created_at, deadline, reward_status, first_seen, last_seen)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
	topic = excluded.topic, title = excluded.title, proposer = excluded.proposer,
	created_at = excluded.created_at, deadline = excluded.deadline,
	reward_status = excluded.reward_status, last_seen = excluded.last_seen`

// SaveProposal remembers p as seen open now: it is stored as AcceptVotes whatever p.RewardStatus
// says, so it stays unsettled until MarkSettled. Seen again, its title, deadline (wait-for-quiet
// moves it) and the like are updated.
func (s *Store) SaveProposal(ctx context.Context, p policy.Proposal) error {
	if err := s.upsertProposal(ctx, p, nns.RewardStatusAcceptVotes); err != nil {
		return fmt.Errorf("save proposal %d: %w", p.ID, err)
	}
	return nil
}

// MarkSettled records that voting on p ended and every ballot was classified. Its reward status
// is stored as p's, except that AcceptVotes or Unspecified (the canister has not moved it on yet)
// becomes ReadyToSettle, so the proposal is no longer unsettled.
func (s *Store) MarkSettled(ctx context.Context, p policy.Proposal) error {
	st := p.RewardStatus
	if st == nns.RewardStatusAcceptVotes || st == nns.RewardStatusUnspecified {
		st = nns.RewardStatusReadyToSettle
	}
	if err := s.upsertProposal(ctx, p, st); err != nil {
		return fmt.Errorf("mark proposal %d settled: %w", p.ID, err)
	}
	return nil
}

// upsertProposal inserts p with reward status st, or updates it; first_seen is written once,
// last_seen every time (for a person reading the database; nothing reads them back).
func (s *Store) upsertProposal(ctx context.Context, p policy.Proposal, st nns.RewardStatus) (err error) {
	defer s.noteWrite(&err)
	now := unixNano(s.now())
	_, err = s.stmts.proposalUpsert.ExecContext(ctx,
		id64(p.ID), int64(p.Topic), p.Title, id64(p.Proposer), unixNano(p.Created), unixNano(p.Deadline),
		int64(st), now, now)
	return err
}

// UnsettledProposals lists the proposals saved and not yet marked settled, by id, with what the
// store keeps of them: id, topic, title, proposer, creation time, deadline and reward status
// (AcceptVotes). The loop re-reads each from the canister to settle it.
func (s *Store) UnsettledProposals(ctx context.Context) ([]policy.Proposal, error) {
	out, err := queryAll(ctx, s, scanProposal, `SELECT id, topic, title, proposer, created_at, deadline, reward_status
FROM proposals WHERE reward_status = ? ORDER BY id`, int64(nns.RewardStatusAcceptVotes))
	if err != nil {
		return nil, fmt.Errorf("list unsettled proposals: %w", err)
	}
	return out, nil
}

func scanProposal(row rowScanner) (policy.Proposal, error) {
	var (
		p                               policy.Proposal
		id, proposer, created, deadline int64
		topic, status                   int64
	)
	if err := row.Scan(&id, &topic, &p.Title, &proposer, &created, &deadline, &status); err != nil {
		return policy.Proposal{}, err
	}
	p.ID, p.Proposer = uint64(id), uint64(proposer)
	p.Topic, p.RewardStatus = nns.Topic(topic), nns.RewardStatus(status)
	p.Created, p.Deadline = fromUnixNano(created), fromUnixNano(deadline)
	return p, nil
}
