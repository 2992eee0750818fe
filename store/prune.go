package store

import (
	"context"
	"fmt"
	"time"

	"github.com/votebot/votebot/nns"
)

// pruneSQL deletes, per table, what is older than the cutoff. Nothing the loop still needs goes:
// pending vote attempts (reconciled at start), proposals still AcceptVotes (not settled yet), and
// the attempts and observations of those proposals. None of these columns is indexed on purpose:
// Prune runs once a day and may scan, while an index would cost every vote and observation one
// more write (see migration 6).
var pruneSQL = []struct {
	table string
	query string
	args  func(cut, open int64) []any // open: the AcceptVotes reward status
}{
	{"decisions", `DELETE FROM decisions WHERE at < ?`,
		func(cut, _ int64) []any { return []any{cut} }},
	{"observations", `DELETE FROM observations WHERE deadline < ? AND proposal_time < ?
	AND proposal_id NOT IN (SELECT id FROM proposals WHERE reward_status = ?)`,
		func(cut, open int64) []any { return []any{cut, cut, open} }},
	{"vote attempts", `DELETE FROM vote_attempts WHERE outcome != 'pending' AND started_at < ?
	AND proposal_id NOT IN (SELECT id FROM proposals WHERE reward_status = ?)`,
		func(cut, open int64) []any { return []any{cut, open} }},
	{"proposals", `DELETE FROM proposals WHERE deadline < ? AND reward_status != ?`,
		func(cut, open int64) []any { return []any{cut, open} }},
	// Keep the cutoff well past any deadline: a pruned "vote missed" would be sent again if fired
	// again.
	{"alert states", `DELETE FROM alert_states WHERE resolved_at != 0 AND resolved_at < ?`,
		func(cut, _ int64) []any { return []any{cut} }},
	// Telegram keeps an unconfirmed update for 24 hours; a press is never delivered again later.
	{"telegram presses", `DELETE FROM telegram_presses WHERE applied_at < ?`,
		func(cut, _ int64) []any { return []any{cut} }},
}

// Prune deletes, in one transaction, the history older than before: decisions taken before it,
// observations of proposals made and closed before it, finished vote attempts started before it,
// settled proposals whose deadline passed before it, alert states resolved before it, and Telegram
// presses applied before it. It
// returns how many rows went. store.retention calls it; OldestObservation then says how far back
// the rest reaches.
func (s *Store) Prune(ctx context.Context, before time.Time) (_ int64, err error) {
	defer s.noteWrite(&err)
	cut, open := unixNano(before), int64(nns.RewardStatusAcceptVotes)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("prune: begin transaction: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // a no-op once committed
	var total int64
	for _, p := range pruneSQL {
		res, err := tx.ExecContext(ctx, p.query, p.args(cut, open)...)
		if err != nil {
			return 0, fmt.Errorf("prune %s: %w", p.table, err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("prune %s: %w", p.table, err)
		}
		total += n
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("prune: commit: %w", err)
	}
	return total, nil
}

// OldestObservation is the earliest proposal time among the observations kept (those with one),
// the zero time when there are none: how far back a participation report can see.
func (s *Store) OldestObservation(ctx context.Context) (time.Time, error) {
	var oldest int64
	if err := s.db.QueryRowContext(ctx,
		"SELECT COALESCE(MIN(proposal_time), 0) FROM observations WHERE proposal_time != 0").Scan(&oldest); err != nil {
		return time.Time{}, fmt.Errorf("oldest observation: %w", err)
	}
	return fromUnixNano(oldest), nil
}
