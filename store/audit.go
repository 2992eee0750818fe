package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/rewards"
)

// auditUpsertSQL inserts one reward-audit row, replacing the earlier one of the same neuron and
// event; see RecordAudits.
const auditUpsertSQL = `INSERT INTO reward_audit (neuron_id, day, event_at, expected_e8s, received_e8s, status, audited_at)
VALUES (?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (neuron_id, day) DO UPDATE SET event_at = excluded.event_at, expected_e8s = excluded.expected_e8s,
	received_e8s = excluded.received_e8s, status = excluded.status, audited_at = excluded.audited_at`

// RecordAudits stores reward-audit rows in one transaction; a row for the
// same neuron and event replaces the earlier one.
func (s *Store) RecordAudits(ctx context.Context, audits []rewards.MaturityAudit) (err error) {
	if len(audits) == 0 {
		return nil
	}
	defer s.noteWrite(&err)
	now := unixNano(s.now())
	return s.inTx(ctx, s.stmts.auditUpsert, func(upsert *sql.Stmt) error {
		for _, a := range audits {
			_, err := upsert.ExecContext(ctx, id64(a.Neuron), id64(a.Event.DayAfterGenesis), unixNano(a.Event.At),
				id64(a.ExpectedE8s), a.ReceivedE8s, string(a.Status), now)
			if err != nil {
				return fmt.Errorf("record reward audit of neuron %d, day %d: %w", a.Neuron, a.Event.DayAfterGenesis, err)
			}
		}
		return nil
	})
}

// Audits lists the reward audit by event then neuron; the ratio is
// recomputed from the amounts (nil when nothing was expected or maturity
// left the neuron).
func (s *Store) Audits(ctx context.Context) ([]rewards.MaturityAudit, error) {
	out, err := queryAll(ctx, s, scanAudit, `SELECT neuron_id, day, event_at, expected_e8s, received_e8s, status
FROM reward_audit ORDER BY day, neuron_id`)
	if err != nil {
		return nil, fmt.Errorf("list reward audit: %w", err)
	}
	return out, nil
}

func scanAudit(row rowScanner) (rewards.MaturityAudit, error) {
	var (
		a                      rewards.MaturityAudit
		nid, day, at, expected int64
		received               int64
		status                 string
	)
	if err := row.Scan(&nid, &day, &at, &expected, &received, &status); err != nil {
		return a, err
	}
	a.Neuron, a.Event.DayAfterGenesis, a.Event.At = uint64(nid), uint64(day), fromUnixNano(at)
	a.ExpectedE8s, a.ReceivedE8s, a.Status = uint64(expected), received, rewards.AuditStatus(status)
	a.Ratio = rewards.AuditRatio(a.ReceivedE8s, a.ExpectedE8s)
	return a, nil
}

// ObservationsOf lists the observations of the given proposals (the ones a
// reward event settled), by proposal then neuron.
func (s *Store) ObservationsOf(ctx context.Context, proposals []uint64) ([]rewards.Observation, error) {
	var out []rewards.Observation
	// In chunks: SQLite bounds the number of parameters of a statement.
	for len(proposals) > 0 {
		n := min(len(proposals), 500)
		q := `SELECT ` + observationColumns + ` FROM observations WHERE proposal_id IN (?` +
			strings.Repeat(", ?", n-1) + `) ORDER BY proposal_id, neuron_id`
		args := make([]any, n)
		for i, id := range proposals[:n] {
			args[i] = id64(id)
		}
		got, err := queryAll(ctx, s, scanObservation, q, args...)
		if err != nil {
			return nil, fmt.Errorf("list observations of settled proposals: %w", err)
		}
		out = append(out, got...)
		proposals = proposals[n:]
	}
	return out, nil
}

// SaveAuditSnapshot implements bot.AuditStore: the reward audit's snapshot replaces the one kept.
func (s *Store) SaveAuditSnapshot(ctx context.Context, snap bot.AuditSnapshot) (err error) {
	defer s.noteWrite(&err)
	data, err := json.Marshal(snap)
	if err != nil {
		return fmt.Errorf("save reward audit snapshot: %w", err)
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO audit_snapshot (id, snapshot, saved_at) VALUES (1, ?, ?)
ON CONFLICT (id) DO UPDATE SET snapshot = excluded.snapshot, saved_at = excluded.saved_at`, string(data), unixNano(s.now()))
	if err != nil {
		return fmt.Errorf("save reward audit snapshot: %w", err)
	}
	return nil
}

// AuditSnapshot implements bot.AuditStore: the snapshot kept, the zero one when none was saved.
func (s *Store) AuditSnapshot(ctx context.Context) (bot.AuditSnapshot, error) {
	var snap bot.AuditSnapshot
	var data string
	err := s.db.QueryRowContext(ctx, "SELECT snapshot FROM audit_snapshot WHERE id = 1").Scan(&data)
	if errors.Is(err, sql.ErrNoRows) {
		return snap, nil
	}
	if err == nil {
		err = json.Unmarshal([]byte(data), &snap)
	}
	if err != nil {
		return bot.AuditSnapshot{}, fmt.Errorf("read reward audit snapshot: %w", err)
	}
	return snap, nil
}
