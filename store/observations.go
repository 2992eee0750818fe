package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
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
	// TotalPotentialVP is the proposal's total potential voting power (0 when unknown); it prices
	// a missed vote.
	TotalPotentialVP uint64
}

// Voted reports a filled ballot, directly or by following.
func (b BallotKind) Voted() bool { return b == BallotDirect || b == BallotFollowing }

// Rewards converts o for rewards/ (the ballot kinds have the same values as rewards.BallotState).
func (o Observation) Rewards() rewards.Observation {
	return rewards.Observation{ProposalID: o.ProposalID, Topic: o.Topic, RewardStatus: o.RewardStatus,
		ProposalTime: o.ProposalTime, Deadline: o.Deadline, Neuron: o.NeuronID,
		Ballot: rewards.BallotState(o.Ballot), BallotVP: o.BallotVP, Vote: o.Vote,
		TotalPotentialVP: o.TotalPotentialVP, ObservedAt: o.ObservedAt}
}

// FromRewards converts a rewards/ observation for storing.
func FromRewards(r rewards.Observation) Observation {
	return Observation{ProposalID: r.ProposalID, NeuronID: r.Neuron, Topic: r.Topic,
		RewardStatus: r.RewardStatus, Ballot: BallotKind(r.Ballot), BallotVP: r.BallotVP, Vote: r.Vote,
		ProposalTime: r.ProposalTime, Deadline: r.Deadline, ObservedAt: r.ObservedAt,
		TotalPotentialVP: r.TotalPotentialVP}
}

// RewardsObservations converts a list for rewards/ (e.g. rewards.BuildReport).
func RewardsObservations(obs []Observation) []rewards.Observation {
	out := make([]rewards.Observation, len(obs))
	for i, o := range obs {
		out[i] = o.Rewards()
	}
	return out
}

// observationUpsertSQL inserts or merges one observation; see UpsertObservation.
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

// UpsertObservation records o, replacing the earlier observation of the same (proposal, neuron),
// except that what was seen is never erased by a weaker sighting, as in rewards.Merge: BallotUnknown
// (a failed read) keeps the earlier ballot, a filled ballot is never replaced by an unfilled one
// (ballots are never emptied), and a direct vote is not replaced by "following".
func (s *Store) UpsertObservation(ctx context.Context, o Observation) (err error) {
	defer s.noteWrite(&err)
	return s.upsertObservation(ctx, s.stmts.observationUpsert, o)
}

// UpsertObservations records each of obs as UpsertObservation does, in one transaction: a pass's
// observations then cost one commit, not one each.
func (s *Store) UpsertObservations(ctx context.Context, obs []Observation) (err error) {
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

func (s *Store) upsertObservation(ctx context.Context, upsert *sql.Stmt, o Observation) error {
	if o.ObservedAt.IsZero() {
		o.ObservedAt = s.now()
	}
	_, err := upsert.ExecContext(ctx,
		id64(o.ProposalID), id64(o.NeuronID), int64(o.Topic), int64(o.RewardStatus), string(o.Ballot),
		id64(o.BallotVP), int64(o.Vote), unixNano(o.ProposalTime), unixNano(o.Deadline), unixNano(o.ObservedAt),
		id64(o.TotalPotentialVP))
	if err != nil {
		return fmt.Errorf("upsert observation %d/%d: %w", o.ProposalID, o.NeuronID, err)
	}
	return nil
}

// keepOld says when the stored ballot outranks the new sighting.
const keepOld = `(excluded.ballot = 'unknown'
	OR (observations.ballot IN ('direct', 'following') AND excluded.ballot NOT IN ('direct', 'following'))
	OR (observations.ballot = 'direct' AND excluded.ballot = 'following'))`

// ObservationFilter narrows Observations; zero fields match everything.
type ObservationFilter struct {
	NeuronID uint64    // only this neuron
	Since    time.Time // only proposals made at or after this time
}

// Observations lists observations by proposal then neuron.
func (s *Store) Observations(ctx context.Context, f ObservationFilter) ([]Observation, error) {
	q := `SELECT proposal_id, neuron_id, topic, reward_status, ballot, ballot_vp, vote, proposal_time,
		deadline, observed_at, total_potential_vp FROM observations WHERE 1 = 1`
	var args []any
	if f.NeuronID != 0 {
		q += " AND neuron_id = ?"
		args = append(args, id64(f.NeuronID))
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

func scanObservation(row rowScanner) (Observation, error) {
	var (
		o                                 Observation
		pid, nid, topic, status, vp, vote int64
		ptime, deadline, observed, total  int64
		ballot                            string
	)
	if err := row.Scan(&pid, &nid, &topic, &status, &ballot, &vp, &vote, &ptime, &deadline, &observed, &total); err != nil {
		return Observation{}, err
	}
	o.ProposalID, o.NeuronID, o.Topic, o.RewardStatus = uint64(pid), uint64(nid), nns.Topic(topic), nns.RewardStatus(status)
	o.Ballot, o.BallotVP, o.Vote = BallotKind(ballot), uint64(vp), nns.Vote(vote)
	o.ProposalTime, o.Deadline, o.ObservedAt = fromUnixNano(ptime), fromUnixNano(deadline), fromUnixNano(observed)
	o.TotalPotentialVP = uint64(total)
	return o, nil
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
// is confirmed; record BallotUnknown otherwise. Misses on a proposal still stored as AcceptVotes
// (not yet marked settled) are left out: the bot counts those when it settles the proposal after
// the restart, and counting them here too would count them twice.
func (s *Store) MissedVotes(ctx context.Context) ([]MissedCount, error) {
	out, err := queryAll(ctx, s, func(row rowScanner) (MissedCount, error) {
		var c MissedCount
		var nid, topic int64
		err := row.Scan(&nid, &topic, &c.Count)
		c.NeuronID, c.Topic = uint64(nid), nns.Topic(topic)
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
