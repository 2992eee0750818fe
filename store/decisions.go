package store

import (
	"context"
	"fmt"
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
func (s *Store) RecordDecision(ctx context.Context, d Decision) (Decision, error) {
	if d.At.IsZero() {
		d.At = s.now()
	}
	res, err := s.stmts.decisionInsert.ExecContext(ctx, id64(d.ProposalID), id64(d.NeuronID), d.Action, int64(d.Vote), d.Rule, d.Reason, unixNano(d.At))
	if err != nil {
		return Decision{}, fmt.Errorf("record decision %d/%d: %w", d.ProposalID, d.NeuronID, err)
	}
	if d.ID, err = res.LastInsertId(); err != nil {
		return Decision{}, fmt.Errorf("record decision %d/%d: %w", d.ProposalID, d.NeuronID, err)
	}
	return d, nil
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
