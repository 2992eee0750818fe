package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/votebot/votebot/nns"
)

// PressApplied implements alert.PressLog: whether the Telegram press with this callback query id
// was applied (by this process or an earlier one).
func (s *Store) PressApplied(ctx context.Context, callbackID string) (bool, error) {
	var one int
	err := s.db.QueryRowContext(ctx, "SELECT 1 FROM telegram_presses WHERE callback_id = ?", callbackID).Scan(&one)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("read telegram press: %w", err)
	}
	return true, nil
}

// RecordPress implements alert.PressLog: the press was applied.
func (s *Store) RecordPress(ctx context.Context, callbackID string, proposal, neuron uint64, v nns.Vote) (err error) {
	defer s.noteWrite(&err)
	_, err = s.db.ExecContext(ctx, `INSERT INTO telegram_presses (callback_id, proposal_id, neuron_id, vote, applied_at)
VALUES (?, ?, ?, ?, ?) ON CONFLICT (callback_id) DO NOTHING`, callbackID, id64(proposal), id64(neuron), int64(v), unixNano(s.now()))
	if err != nil {
		return fmt.Errorf("record telegram press %d/%d: %w", proposal, neuron, err)
	}
	return nil
}
