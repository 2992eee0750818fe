package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

// observationUpsertSQL inserts or merges one observation; see RecordObservations.
const observationUpsertSQL = `
INSERT INTO observations (proposal_id, neuron_id, topic, reward_status, ballot, ballot_vp, vote,
	proposal_time, deadline, observed_at, total_potential_vp)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (proposal_id, neuron_id) DO UPDATE SET
	topic = excluded.topic, reward_status = excluded.reward_status,
	ballot = CASE WHEN ` + keepOld + ` THEN observations.ballot ELSE excluded.ballot END,
	ballot_vp = CASE WHEN ` + keepOld + ` THEN observations.ballot_vp ELSE excluded.ballot_vp END,
	vote = CASE WHEN ` + keepOld + ` THEN observations.vote ELSE excluded.vote END,
	proposal_time = excluded.proposal_time, deadline = excluded.deadline, observed_at = excluded.observed_at,
	total_potential_vp = MAX(observations.total_potential_vp, excluded.total_potential_vp)`

// RecordObservations records obs in one transaction (a pass's observations then cost one commit,
// not one each). Each replaces the earlier observation of the same (proposal, neuron), except that
// what was seen is never erased by a weaker sighting, as in rewards.Merge: BallotUnknown (a failed
// read) keeps the earlier ballot, a filled ballot is never replaced by an unfilled one (ballots
// are never emptied), and a direct vote is not replaced by "following". A zero ObservedAt is
// stamped with the store's clock.
func (s *Store) RecordObservations(ctx context.Context, obs []rewards.Observation) (err error) {
	defer s.noteWrite(&err)
	return s.inTx(ctx, s.stmts.observationUpsert, func(upsert *sql.Stmt) error {
		for _, o := range obs {
			if err := s.upsertObservation(ctx, upsert, o); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) upsertObservation(ctx context.Context, upsert *sql.Stmt, o rewards.Observation) error {
	if o.ObservedAt.IsZero() {
		o.ObservedAt = s.now()
	}
	_, err := upsert.ExecContext(ctx,
		id64(o.ProposalID), id64(o.Neuron), int64(o.Topic), int64(o.RewardStatus), string(o.Ballot),
		id64(o.BallotVP), int64(o.Vote), unixNano(o.ProposalTime), unixNano(o.Deadline), unixNano(o.ObservedAt),
		id64(o.TotalPotentialVP))
	if err != nil {
		return fmt.Errorf("record observation %d/%d: %w", o.ProposalID, o.Neuron, err)
	}
	return nil
}

// observationColumns is the SELECT list of an observation, in the order scanObservation reads.
const observationColumns = `proposal_id, neuron_id, topic, reward_status, ballot, ballot_vp, vote, proposal_time,
	deadline, observed_at, total_potential_vp`

// keepOld says when the stored ballot outranks the new sighting.
const keepOld = `(excluded.ballot = 'unknown'
	OR (observations.ballot IN ('direct', 'following') AND excluded.ballot NOT IN ('direct', 'following'))
	OR (observations.ballot = 'direct' AND excluded.ballot = 'following'))`

// ObservationFilter narrows Observations; zero fields match everything.
type ObservationFilter struct {
	Neuron uint64    // only this neuron
	Since  time.Time // only proposals made at or after this time
}

// Observations lists observations by proposal then neuron.
func (s *Store) Observations(ctx context.Context, f ObservationFilter) ([]rewards.Observation, error) {
	q := `SELECT ` + observationColumns + ` FROM observations WHERE 1 = 1`
	var args []any
	if f.Neuron != 0 {
		q += " AND neuron_id = ?"
		args = append(args, id64(f.Neuron))
	}
	if !f.Since.IsZero() {
		q += " AND proposal_time >= ?"
		args = append(args, unixNano(f.Since))
	}
	out, err := queryAll(ctx, s, scanObservation, q+" ORDER BY proposal_id, neuron_id", args...)
	if err != nil {
		return nil, fmt.Errorf("list observations: %w", err)
	}
	return out, nil
}

func scanObservation(row rowScanner) (rewards.Observation, error) {
	var (
		o                                 rewards.Observation
		pid, nid, topic, status, vp, vote int64
		ptime, deadline, observed, total  int64
		ballot                            string
	)
	if err := row.Scan(&pid, &nid, &topic, &status, &ballot, &vp, &vote, &ptime, &deadline, &observed, &total); err != nil {
		return rewards.Observation{}, err
	}
	o.ProposalID, o.Neuron, o.Topic, o.RewardStatus = uint64(pid), uint64(nid), nns.Topic(topic), nns.RewardStatus(status)
	o.Ballot, o.BallotVP, o.Vote = rewards.BallotState(ballot), uint64(vp), nns.Vote(vote)
	o.ProposalTime, o.Deadline, o.ObservedAt = fromUnixNano(ptime), fromUnixNano(deadline), fromUnixNano(observed)
	o.TotalPotentialVP = uint64(total)
	return o, nil
}

// MissedVotes counts missed votes per (neuron, topic) for rebuilding votebot_votes_missed_total at
// start. A vote counts as missed when its observation says the ballot stayed empty after voting
// closed (reward status ReadyToSettle or Settled). Record such an observation only once the miss
// is confirmed; record BallotUnknown otherwise. Misses on a proposal still stored as AcceptVotes
// (not yet marked settled) are left out: the bot counts those when it settles the proposal after
// the restart, and counting them here too would count them twice.
func (s *Store) MissedVotes(ctx context.Context) ([]rewards.MissedCount, error) {
	out, err := queryAll(ctx, s, func(row rowScanner) (rewards.MissedCount, error) {
		var c rewards.MissedCount
		var nid, topic int64
		err := row.Scan(&nid, &topic, &c.Count)
		c.Neuron, c.Topic = uint64(nid), nns.Topic(topic)
		return c, err
	}, `
SELECT neuron_id, topic, COUNT(*) FROM observations
WHERE ballot = 'empty' AND reward_status IN (?, ?)
	AND proposal_id NOT IN (SELECT id FROM proposals WHERE reward_status = ?)
GROUP BY neuron_id, topic ORDER BY neuron_id, topic`,
		int64(nns.RewardStatusReadyToSettle), int64(nns.RewardStatusSettled), int64(nns.RewardStatusAcceptVotes))
	if err != nil {
		return nil, fmt.Errorf("count missed votes: %w", err)
	}
	return out, nil
}
