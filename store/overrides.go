package store

import (
	"context"
	"fmt"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

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

// DeleteOverride removes the override for proposal and neuron (0 = the every-neuron one) and
// says whether there was one.
func (s *Store) DeleteOverride(ctx context.Context, proposal, neuron uint64) (deleted bool, err error) {
	defer s.noteWrite(&err)
	res, err := s.db.ExecContext(ctx, "DELETE FROM overrides WHERE proposal_id = ? AND neuron_id = ?",
		id64(proposal), id64(neuron))
	if err != nil {
		return false, fmt.Errorf("delete override %d/%d: %w", proposal, neuron, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("delete override %d/%d: %w", proposal, neuron, err)
	}
	return n > 0, nil
}

// Overrides lists every override by proposal then neuron; Note is the reason it was set with,
// SetAt when.
func (s *Store) Overrides(ctx context.Context) ([]policy.Override, error) {
	out, err := queryAll(ctx, s, scanOverride,
		"SELECT proposal_id, neuron_id, vote, reason, set_at FROM overrides ORDER BY proposal_id, neuron_id")
	if err != nil {
		return nil, fmt.Errorf("list overrides: %w", err)
	}
	return out, nil
}

func scanOverride(row rowScanner) (policy.Override, error) {
	var o policy.Override
	var pid, nid, vote, setAt int64
	if err := row.Scan(&pid, &nid, &vote, &o.Note, &setAt); err != nil {
		return policy.Override{}, err
	}
	o.ProposalID, o.NeuronID, o.Vote, o.SetAt = uint64(pid), uint64(nid), nns.Vote(vote), fromUnixNano(setAt)
	return o, nil
}
