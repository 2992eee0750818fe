package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

// neuronStatusUpsertSQL replaces a neuron's figures with those of a newer read; see
// RecordNeuronStatus.
const neuronStatusUpsertSQL = `INSERT INTO neuron_status
	(neuron_id, read_at, potential_vp, deciding_vp, dissolve_delay_s, refreshed_at, decay_at, following_cleared_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (neuron_id) DO UPDATE SET read_at = excluded.read_at, potential_vp = excluded.potential_vp,
	deciding_vp = excluded.deciding_vp, dissolve_delay_s = excluded.dissolve_delay_s,
	refreshed_at = excluded.refreshed_at, decay_at = excluded.decay_at,
	following_cleared_at = excluded.following_cleared_at`

// RecordNeuronStatus stores each neuron's figures as of a read, replacing
// the earlier row of the same neuron, in one transaction (a read of 1,000
// neurons is one commit).
func (s *Store) RecordNeuronStatus(ctx context.Context, neurons []rewards.NeuronStatus) (err error) {
	if len(neurons) == 0 {
		return nil
	}
	defer s.noteWrite(&err)
	return s.inTx(ctx, s.stmts.neuronStatusUpsert, func(upsert *sql.Stmt) error {
		for _, n := range neurons {
			at := n.ReadAt
			if at.IsZero() {
				at = s.now()
			}
			_, err := upsert.ExecContext(ctx, id64(n.ID), unixNano(at), id64(n.PotentialVP), id64(n.DecidingVP),
				id64(n.DissolveDelaySeconds), unixNano(n.RefreshedAt), unixNano(n.DecayStarts), unixNano(n.FollowingClearedAt))
			if err != nil {
				return fmt.Errorf("record status of neuron %d: %w", n.ID, err)
			}
		}
		return nil
	})
}

// NeuronStatus lists every neuron's latest recorded figures, by id.
func (s *Store) NeuronStatus(ctx context.Context) ([]rewards.NeuronStatus, error) {
	out, err := queryAll(ctx, s, scanNeuronStatus, `SELECT neuron_id, read_at, potential_vp, deciding_vp,
	dissolve_delay_s, refreshed_at, decay_at, following_cleared_at FROM neuron_status ORDER BY neuron_id`)
	if err != nil {
		return nil, fmt.Errorf("list neuron status: %w", err)
	}
	return out, nil
}

func scanNeuronStatus(row rowScanner) (rewards.NeuronStatus, error) {
	var id, at, potential, deciding, delay, refreshed, decay, cleared int64
	if err := row.Scan(&id, &at, &potential, &deciding, &delay, &refreshed, &decay, &cleared); err != nil {
		return rewards.NeuronStatus{}, err
	}
	return rewards.NeuronStatus{ID: uint64(id), ReadAt: fromUnixNano(at), PotentialVP: uint64(potential),
		DecidingVP: uint64(deciding), DissolveDelaySeconds: uint64(delay), RefreshedAt: fromUnixNano(refreshed),
		DecayStarts: fromUnixNano(decay), FollowingClearedAt: fromUnixNano(cleared)}, nil
}

// RecordSupply stores the ledger's total supply as read at at.
func (s *Store) RecordSupply(ctx context.Context, supply nns.LedgerSupply, at time.Time) (err error) {
	defer s.noteWrite(&err)
	_, err = s.db.ExecContext(ctx, `INSERT INTO ledger_supply (read_at, total_supply_e8s, symbol) VALUES (?, ?, ?)
ON CONFLICT (read_at) DO UPDATE SET total_supply_e8s = excluded.total_supply_e8s, symbol = excluded.symbol`,
		unixNano(at), id64(supply.TotalSupplyE8s), supply.Symbol)
	if err != nil {
		return fmt.Errorf("record ledger supply: %w", err)
	}
	return nil
}

// LatestSupply is the supply read last and when; ok is false when none was
// recorded.
func (s *Store) LatestSupply(ctx context.Context) (supply nns.LedgerSupply, at time.Time, ok bool, err error) {
	var readAt, total int64
	err = s.db.QueryRowContext(ctx, `SELECT read_at, total_supply_e8s, symbol FROM ledger_supply
ORDER BY read_at DESC LIMIT 1`).Scan(&readAt, &total, &supply.Symbol)
	if errors.Is(err, sql.ErrNoRows) {
		return nns.LedgerSupply{}, time.Time{}, false, nil
	}
	if err != nil {
		return nns.LedgerSupply{}, time.Time{}, false, fmt.Errorf("read ledger supply: %w", err)
	}
	supply.TotalSupplyE8s, supply.Decimals = uint64(total), 8
	return supply, fromUnixNano(readAt), true, nil
}
