package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/votebot/votebot/alert"
)

// The store keeps alert.Manager's state, so that after a restart it neither re-sends nor forgets.
var _ alert.StateStore = (*Store)(nil)

const alertColumns = `key, kind, neuron_id, proposal_id, first_fired, last_sent, resolved_at, times_sent, deadline, severity, pending`

const (
	alertGetSQL = "SELECT " + alertColumns + " FROM alert_states WHERE key = ?"
	alertPutSQL = `
INSERT INTO alert_states (` + alertColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (key) DO UPDATE SET kind = excluded.kind, neuron_id = excluded.neuron_id,
	proposal_id = excluded.proposal_id, first_fired = excluded.first_fired, last_sent = excluded.last_sent,
	resolved_at = excluded.resolved_at, times_sent = excluded.times_sent, deadline = excluded.deadline,
	severity = excluded.severity, pending = excluded.pending`
)

// AlertState implements alert.StateStore.
func (s *Store) AlertState(ctx context.Context, key string) (alert.State, bool, error) {
	row := s.stmts.alertGet.QueryRowContext(ctx, key)
	st, err := scanAlertState(row)
	if errors.Is(err, sql.ErrNoRows) {
		return alert.State{}, false, nil
	}
	if err != nil {
		return alert.State{}, false, fmt.Errorf("read alert state %s: %w", key, err)
	}
	return st, true, nil
}

// PutAlertState implements alert.StateStore.
func (s *Store) PutAlertState(ctx context.Context, st alert.State) (err error) {
	defer s.noteWrite(&err)
	_, err = s.stmts.alertPut.ExecContext(ctx,
		st.Key, string(st.Kind), id64(st.Neuron), id64(st.ProposalID), unixNano(st.FirstFired),
		unixNano(st.LastSent), unixNano(st.ResolvedAt), st.TimesSent, unixNano(st.Deadline), int64(st.Severity), boolInt(st.Pending))
	if err != nil {
		return fmt.Errorf("save alert state %s: %w", st.Key, err)
	}
	return nil
}

// ActiveAlertStates implements alert.StateStore.
func (s *Store) ActiveAlertStates(ctx context.Context) ([]alert.State, error) {
	return s.alertStates(ctx, "WHERE resolved_at = 0")
}

func (s *Store) alertStates(ctx context.Context, where string) ([]alert.State, error) {
	out, err := queryAll(ctx, s, scanAlertState, "SELECT "+alertColumns+" FROM alert_states "+where+" ORDER BY key")
	if err != nil {
		return nil, fmt.Errorf("list alert states: %w", err)
	}
	return out, nil
}

func scanAlertState(row rowScanner) (alert.State, error) {
	var (
		st                                                 alert.State
		kind                                               string
		nid, pid, first, last, resolved, deadline, sev, pe int64
	)
	if err := row.Scan(&st.Key, &kind, &nid, &pid, &first, &last, &resolved, &st.TimesSent, &deadline, &sev, &pe); err != nil {
		return alert.State{}, err
	}
	st.Kind, st.Neuron, st.ProposalID = alert.Kind(kind), uint64(nid), uint64(pid)
	st.FirstFired, st.LastSent, st.ResolvedAt = fromUnixNano(first), fromUnixNano(last), fromUnixNano(resolved)
	st.Deadline, st.Severity, st.Pending = fromUnixNano(deadline), alert.Severity(sev), pe != 0
	return st, nil
}
