package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/votebot/votebot/nns"
)

// Proposal is what the bot remembers of a proposal it has seen.
type Proposal struct {
	ID           uint64
	Topic        nns.Topic
	Title        string
	Proposer     uint64 // proposer neuron id
	Created      time.Time
	Deadline     time.Time // latest deadline read; wait-for-quiet moves it
	RewardStatus nns.RewardStatus
	FirstSeen    time.Time // set by the store on first upsert
	LastSeen     time.Time // set by the store on every upsert
}

const proposalUpsertSQL = `
INSERT INTO proposals (id, topic, title, proposer, created_at, deadline, reward_status, first_seen, last_seen)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
	topic = excluded.topic, title = excluded.title, proposer = excluded.proposer,
	created_at = excluded.created_at, deadline = excluded.deadline,
	reward_status = excluded.reward_status, last_seen = excluded.last_seen`

// UpsertProposal records p as seen now, inserting it or updating its mutable fields (title,
// deadline, reward status, last seen). FirstSeen and LastSeen in p are ignored.
func (s *Store) UpsertProposal(ctx context.Context, p Proposal) (err error) {
	defer s.noteWrite(&err)
	now := unixNano(s.now())
	_, err = s.stmts.proposalUpsert.ExecContext(ctx,
		id64(p.ID), int64(p.Topic), p.Title, id64(p.Proposer), unixNano(p.Created), unixNano(p.Deadline),
		int64(p.RewardStatus), now, now)
	if err != nil {
		return fmt.Errorf("upsert proposal %d: %w", p.ID, err)
	}
	return nil
}

const proposalColumns = `id, topic, title, proposer, created_at, deadline, reward_status, first_seen, last_seen`

func scanProposal(row rowScanner) (Proposal, error) {
	var (
		p                                       Proposal
		id, proposer, created, deadline, fs, ls int64
		topic, status                           int64
	)
	if err := row.Scan(&id, &topic, &p.Title, &proposer, &created, &deadline, &status, &fs, &ls); err != nil {
		return Proposal{}, err
	}
	p.ID, p.Proposer = uint64(id), uint64(proposer)
	p.Topic, p.RewardStatus = nns.Topic(topic), nns.RewardStatus(status)
	p.Created, p.Deadline = fromUnixNano(created), fromUnixNano(deadline)
	p.FirstSeen, p.LastSeen = fromUnixNano(fs), fromUnixNano(ls)
	return p, nil
}

// Proposal returns the proposal with id; ok is false if it was never seen.
func (s *Store) Proposal(ctx context.Context, id uint64) (p Proposal, ok bool, err error) {
	row := s.db.QueryRowContext(ctx, "SELECT "+proposalColumns+" FROM proposals WHERE id = ?", id64(id))
	p, err = scanProposal(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Proposal{}, false, nil
	}
	if err != nil {
		return Proposal{}, false, fmt.Errorf("read proposal %d: %w", id, err)
	}
	return p, true, nil
}

// ProposalsByRewardStatus lists the proposals last seen with reward status st, by id. With
// nns.RewardStatusAcceptVotes it gives the proposals to re-read each cycle.
func (s *Store) ProposalsByRewardStatus(ctx context.Context, st nns.RewardStatus) ([]Proposal, error) {
	out, err := queryAll(ctx, s, scanProposal,
		"SELECT "+proposalColumns+" FROM proposals WHERE reward_status = ? ORDER BY id", int64(st))
	if err != nil {
		return nil, fmt.Errorf("list proposals: %w", err)
	}
	return out, nil
}

// NewestProposalID is the highest proposal id seen, 0 when none: the starting point of an
// incremental poll.
func (s *Store) NewestProposalID(ctx context.Context) (uint64, error) {
	var id sql.NullInt64
	if err := s.db.QueryRowContext(ctx, "SELECT MAX(id) FROM proposals").Scan(&id); err != nil {
		return 0, fmt.Errorf("newest proposal id: %w", err)
	}
	return uint64(id.Int64), nil
}
