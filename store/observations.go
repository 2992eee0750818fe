package store

import (
	"context"
	"fmt"
	"time"

	"github.com/votebot/votebot/nns"
)

// BallotKind is what the bot saw of a neuron's ballot on a proposal.
type BallotKind string

// Ballot kinds. Unknown (the bot could not read it) is never counted as missed.
const (
	BallotNone      BallotKind = "none"      // the neuron had no ballot (not eligible when the proposal was made)
	BallotEmpty     BallotKind = "empty"     // a ballot, not voted
	BallotDirect    BallotKind = "direct"    // voted by the bot or the owner
	BallotFollowing BallotKind = "following" // voted by following
	BallotUnknown   BallotKind = "unknown"   // could not be read
)

// Observation is one participation fact: a neuron's ballot on a proposal as last observed.
type Observation struct {
	ProposalID   uint64
	NeuronID     uint64
	Topic        nns.Topic
	RewardStatus nns.RewardStatus
	Ballot       BallotKind
	BallotVP     uint64   // the ballot's voting power (e8s)
	Vote         nns.Vote // VoteUnspecified when not voted
	ProposalTime time.Time
	Deadline     time.Time
	ObservedAt   time.Time // set by the store when zero
}

// UpsertObservation records o, replacing the earlier observation of the same (proposal, neuron).
// A known outcome is never replaced by BallotUnknown: a failed read does not erase what was seen.
func (s *Store) UpsertObservation(ctx context.Context, o Observation) error {
	if o.ObservedAt.IsZero() {
		o.ObservedAt = s.now()
	}
	_, err := s.db.ExecContext(ctx, `
INSERT INTO observations (proposal_id, neuron_id, topic, reward_status, ballot, ballot_vp, vote,
	proposal_time, deadline, observed_at)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (proposal_id, neuron_id) DO UPDATE SET
	topic = excluded.topic, reward_status = excluded.reward_status,
	ballot = CASE WHEN excluded.ballot = 'unknown' THEN observations.ballot ELSE excluded.ballot END,
	ballot_vp = CASE WHEN excluded.ballot = 'unknown' THEN observations.ballot_vp ELSE excluded.ballot_vp END,
	vote = CASE WHEN excluded.ballot = 'unknown' THEN observations.vote ELSE excluded.vote END,
	proposal_time = excluded.proposal_time, deadline = excluded.deadline, observed_at = excluded.observed_at`,
		id64(o.ProposalID), id64(o.NeuronID), int64(o.Topic), int64(o.RewardStatus), string(o.Ballot),
		id64(o.BallotVP), int64(o.Vote), unixNano(o.ProposalTime), unixNano(o.Deadline), unixNano(o.ObservedAt))
	if err != nil {
		return fmt.Errorf("upsert observation %d/%d: %w", o.ProposalID, o.NeuronID, err)
	}
	return nil
}

// ObservationFilter narrows Observations; zero fields match everything.
type ObservationFilter struct {
	NeuronID uint64    // only this neuron
	Since    time.Time // only proposals made at or after this time
}

// Observations lists observations by proposal then neuron.
func (s *Store) Observations(ctx context.Context, f ObservationFilter) ([]Observation, error) {
	q := `SELECT proposal_id, neuron_id, topic, reward_status, ballot, ballot_vp, vote, proposal_time,
		deadline, observed_at FROM observations WHERE 1 = 1`
	var args []any
	if f.NeuronID != 0 {
		q += " AND neuron_id = ?"
		args = append(args, id64(f.NeuronID))
	}
	if !f.Since.IsZero() {
		q += " AND proposal_time >= ?"
		args = append(args, unixNano(f.Since))
	}
	rows, err := s.db.QueryContext(ctx, q+" ORDER BY proposal_id, neuron_id", args...)
	if err != nil {
		return nil, fmt.Errorf("list observations: %w", err)
	}
	defer rows.Close()
	var out []Observation
	for rows.Next() {
		var (
			o                                 Observation
			pid, nid, topic, status, vp, vote int64
			ptime, deadline, observed         int64
			ballot                            string
		)
		if err := rows.Scan(&pid, &nid, &topic, &status, &ballot, &vp, &vote, &ptime, &deadline, &observed); err != nil {
			return nil, fmt.Errorf("list observations: %w", err)
		}
		o.ProposalID, o.NeuronID, o.Topic, o.RewardStatus = uint64(pid), uint64(nid), nns.Topic(topic), nns.RewardStatus(status)
		o.Ballot, o.BallotVP, o.Vote = BallotKind(ballot), uint64(vp), nns.Vote(vote)
		o.ProposalTime, o.Deadline, o.ObservedAt = fromUnixNano(ptime), fromUnixNano(deadline), fromUnixNano(observed)
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list observations: %w", err)
	}
	return out, nil
}

// MissedCount is the number of missed votes of one neuron on one topic.
type MissedCount struct {
	NeuronID uint64
	Topic    nns.Topic
	Count    int64
}

// MissedVotes counts missed votes per (neuron, topic) for rebuilding votebot_votes_missed_total at
// start. A vote counts as missed when its observation says the ballot stayed empty after voting
// closed (reward status ReadyToSettle or Settled). Record such an observation only once the miss
// is confirmed; record BallotUnknown otherwise.
func (s *Store) MissedVotes(ctx context.Context) ([]MissedCount, error) {
	rows, err := s.db.QueryContext(ctx, `
SELECT neuron_id, topic, COUNT(*) FROM observations
WHERE ballot = 'empty' AND reward_status IN (?, ?)
GROUP BY neuron_id, topic ORDER BY neuron_id, topic`,
		int64(nns.RewardStatusReadyToSettle), int64(nns.RewardStatusSettled))
	if err != nil {
		return nil, fmt.Errorf("count missed votes: %w", err)
	}
	defer rows.Close()
	var out []MissedCount
	for rows.Next() {
		var c MissedCount
		var nid, topic int64
		if err := rows.Scan(&nid, &topic, &c.Count); err != nil {
			return nil, fmt.Errorf("count missed votes: %w", err)
		}
		c.NeuronID, c.Topic = uint64(nid), nns.Topic(topic)
		out = append(out, c)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("count missed votes: %w", err)
	}
	return out, nil
}
