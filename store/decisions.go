package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// The decisions table is the audit trail: per ballot and pass, what the policy decided (action,
// the decision's Verb), the vote, the deciding rule's name, where the vote comes from (source:
// "rule", "fallback" or "override") and the reason for people.

const decisionInsertSQL = `INSERT INTO decisions (proposal_id, neuron_id, action, vote, rule, source, reason, at, input)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`

// RecordDecisions appends ds to the decision log in one transaction: a pass's decisions then cost
// one commit, not one each. A zero At is stamped with the store's clock.
func (s *Store) RecordDecisions(ctx context.Context, ds []bot.DecisionRecord) (err error) {
	defer s.noteWrite(&err)
	return s.inTx(ctx, s.stmts.decisionInsert, func(insert *sql.Stmt) error {
		for _, d := range ds {
			if err := s.insertDecision(ctx, insert, d); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) insertDecision(ctx context.Context, insert *sql.Stmt, r bot.DecisionRecord) error {
	if r.At.IsZero() {
		r.At = s.now()
	}
	d := r.Decision
	input, err := encodeInput(r)
	if err != nil {
		return fmt.Errorf("record decision %d/%d: %w", r.Proposal, r.Neuron, err)
	}
	if _, err := insert.ExecContext(ctx, id64(r.Proposal), id64(r.Neuron), d.Verb(), int64(d.Vote),
		d.Rule, d.Source(), d.Reason, unixNano(r.At), input); err != nil {
		return fmt.Errorf("record decision %d/%d: %w", r.Proposal, r.Neuron, err)
	}
	return nil
}

// Decisions lists the decisions taken on a proposal (every neuron when neuron is 0), oldest first.
// Each is rebuilt so that its Verb, Source, Rule, Vote and Reason are what was recorded; what the
// log does not keep (when a vote was planned for, NoFallback) is zero. A row whose source is empty
// (written before the column existed and not repairable) reads back as source "rule".
func (s *Store) Decisions(ctx context.Context, proposal, neuron uint64) ([]bot.DecisionRecord, error) {
	q := `SELECT proposal_id, neuron_id, action, vote, rule, source, reason, at FROM decisions WHERE proposal_id = ?`
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

func scanDecision(row rowScanner) (bot.DecisionRecord, error) {
	var (
		r                  bot.DecisionRecord
		pid, nid, vote, at int64
		verb, source       string
	)
	if err := row.Scan(&pid, &nid, &verb, &vote, &r.Decision.Rule, &source, &r.Decision.Reason, &at); err != nil {
		return bot.DecisionRecord{}, err
	}
	r.Proposal, r.Neuron, r.At, r.Decision.Vote = uint64(pid), uint64(nid), fromUnixNano(at), nns.Vote(vote)
	if err := setVerb(&r.Decision, verb); err != nil {
		return bot.DecisionRecord{}, fmt.Errorf("decision %d/%d: %w", r.Proposal, r.Neuron, err)
	}
	switch source {
	case "override":
		r.Decision.Override = true
	case "fallback":
		r.Decision.Fallback = true
	}
	return r, nil
}

// setVerb sets the fields of d that policy.Decision.Verb reads, so that d.Verb() == verb.
func setVerb(d *policy.Decision, verb string) error {
	switch verb {
	case "vote":
		d.Action = policy.ActionVoteNow
	case "wait":
		d.Action = policy.ActionWait
	case "ask":
		d.Action, d.NeedsHuman = policy.ActionWait, true
	case "skip":
		d.Action, d.Skip = policy.ActionNothing, true
	case "nothing":
		d.Action = policy.ActionNothing
	default:
		return fmt.Errorf("unknown action %q", verb)
	}
	return nil
}
