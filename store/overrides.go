package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/votebot/votebot/nns"
)

// Override is an operator's manual vote for a proposal, for one neuron or (NeuronID 0) for all.
type Override struct {
	ProposalID uint64
	NeuronID   uint64 // 0: every neuron
	Vote       nns.Vote
	Reason     string
	SetAt      time.Time
}

// SetOverride sets (or replaces) the manual vote for proposal and neuron (0 = every neuron).
func (s *Store) SetOverride(ctx context.Context, proposal, neuron uint64, vote nns.Vote, reason string) (err error) {
	defer s.noteWrite(&err)
	if vote != nns.VoteYes && vote != nns.VoteNo {
		return fmt.Errorf("set override %d/%d: vote must be Yes or No, not %v", proposal, neuron, vote)
	}
	_, err = s.db.ExecContext(ctx, `
INSERT INTO overrides (proposal_id, neuron_id, vote, reason, set_at) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (proposal_id, neuron_id) DO UPDATE SET vote = excluded.vote, reason = excluded.reason, set_at = excluded.set_at`,
		id64(proposal), id64(neuron), int64(vote), reason, unixNano(s.now()))
	if err != nil {
		return fmt.Errorf("set override %d/%d: %w", proposal, neuron, err)
	}
	return nil
}

// DeleteOverride removes the override for proposal and neuron (0 = the every-neuron one).
func (s *Store) DeleteOverride(ctx context.Context, proposal, neuron uint64) (err error) {
	defer s.noteWrite(&err)
	if _, err := s.db.ExecContext(ctx, "DELETE FROM overrides WHERE proposal_id = ? AND neuron_id = ?",
		id64(proposal), id64(neuron)); err != nil {
		return fmt.Errorf("delete override %d/%d: %w", proposal, neuron, err)
	}
	return nil
}

// OverrideFor is the override that applies to one ballot: the neuron's own, else the
// every-neuron one. ok is false when neither exists.
func (s *Store) OverrideFor(ctx context.Context, proposal, neuron uint64) (o Override, ok bool, err error) {
	row := s.db.QueryRowContext(ctx, `SELECT proposal_id, neuron_id, vote, reason, set_at FROM overrides
		WHERE proposal_id = ? AND neuron_id IN (?, 0) ORDER BY neuron_id = 0 LIMIT 1`, id64(proposal), id64(neuron))
	o, err = scanOverride(row)
	if errors.Is(err, sql.ErrNoRows) {
		return Override{}, false, nil
	}
	if err != nil {
		return Override{}, false, fmt.Errorf("read override %d/%d: %w", proposal, neuron, err)
	}
	return o, true, nil
}

// Overrides lists every override by proposal then neuron.
func (s *Store) Overrides(ctx context.Context) ([]Override, error) {
	out, err := queryAll(ctx, s, scanOverride,
		"SELECT proposal_id, neuron_id, vote, reason, set_at FROM overrides ORDER BY proposal_id, neuron_id")
	if err != nil {
		return nil, fmt.Errorf("list overrides: %w", err)
	}
	return out, nil
}

func scanOverride(row rowScanner) (Override, error) {
	var o Override
	var pid, nid, vote, at int64
	if err := row.Scan(&pid, &nid, &vote, &o.Reason, &at); err != nil {
		return Override{}, err
	}
	o.ProposalID, o.NeuronID, o.Vote, o.SetAt = uint64(pid), uint64(nid), nns.Vote(vote), fromUnixNano(at)
	return o, nil
}
