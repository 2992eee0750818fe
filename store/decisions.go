package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"time"

	"github.com/votebot/votebot/nns"
)

// Decision is what the policy decided for one ballot and why.
type Decision struct {
	ID         int64 // assigned by the store
	ProposalID uint64
	NeuronID   uint64
	Action     string   // e.g. "vote", "skip", "ask", "wait", "follow"
	Vote       nns.Vote // the vote when Action is a vote; VoteUnspecified otherwise
	Rule       string   // which rule decided
	Reason     string   // human explanation
	At         time.Time
}

const decisionInsertSQL = `INSERT INTO decisions (proposal_id, neuron_id, action, vote, rule, reason, at)
VALUES (?, ?, ?, ?, ?, ?, ?)`

// RecordDecision appends d to the decision log and returns it with its ID (and At, when zero,
// set to now).
func (s *Store) RecordDecision(ctx context.Context, d Decision) (_ Decision, err error) {
	defer s.noteWrite(&err)
	if err := s.insertDecision(ctx, s.stmts.decisionInsert, &d); err != nil {
		return Decision{}, err
	}
	return d, nil
}

// RecordDecisions appends ds to the decision log in one transaction, as RecordDecision does each,
// and returns them with their IDs. A pass's decisions then cost one commit, not one each.
func (s *Store) RecordDecisions(ctx context.Context, ds []Decision) (_ []Decision, err error) {
	defer s.noteWrite(&err)
	out := slices.Clone(ds)
	err = s.inTx(ctx, s.stmts.decisionInsert, func(insert *sql.Stmt) error {
		for i := range out {
			if err := s.insertDecision(ctx, insert, &out[i]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// insertDecision runs the prepared insert for d and sets its ID (and At, when zero).
func (s *Store) insertDecision(ctx context.Context, insert *sql.Stmt, d *Decision) error {
	if d.At.IsZero() {
		d.At = s.now()
	}
	res, err := insert.ExecContext(ctx, id64(d.ProposalID), id64(d.NeuronID), d.Action, int64(d.Vote),
		d.Rule, d.Reason, unixNano(d.At))
	if err == nil {
		d.ID, err = res.LastInsertId()
	}
	if err != nil {
		return fmt.Errorf("record decision %d/%d: %w", d.ProposalID, d.NeuronID, err)
	}
	return nil
}

// Decisions lists the decisions taken on a proposal (every neuron when neuron is 0), oldest first.
func (s *Store) Decisions(ctx context.Context, proposal, neuron uint64) ([]Decision, error) {
	q := `SELECT id, proposal_id, neuron_id, action, vote, rule, reason, at FROM decisions WHERE proposal_id = ?`
	args := []any{id64(proposal)}
	if neuron != 0 {
		q += " AND neuron_id = ?"
		args = append(args, id64(neuron))
	}
	out, err := queryAll(ctx, s, scanDecision, q+" ORDER BY id", args...)
	if err != nil {
		return nil, fmt.Errorf("list decisions for %d: %w", proposal, err)
	}
	return out, nil
}

// LatestDecision is the most recent decision for one ballot; ok is false when there is none.
func (s *Store) LatestDecision(ctx context.Context, proposal, neuron uint64) (d Decision, ok bool, err error) {
	all, err := s.Decisions(ctx, proposal, neuron)
	if err != nil || len(all) == 0 {
		return Decision{}, false, err
	}
	return all[len(all)-1], true, nil
}

func scanDecision(row rowScanner) (Decision, error) {
	var (
		d            Decision
		pid, nid, at int64
		vote         int64
	)
	if err := row.Scan(&d.ID, &pid, &nid, &d.Action, &vote, &d.Rule, &d.Reason, &at); err != nil {
		return Decision{}, err
	}
	d.ProposalID, d.NeuronID, d.Vote, d.At = uint64(pid), uint64(nid), nns.Vote(vote), fromUnixNano(at)
	return d, nil
}
