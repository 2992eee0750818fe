package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
	"github.com/votebot/votebot/sns"
)

// observationUpsertSQL inserts or merges one observation; see RecordObservations. It is
// rewards.Fold in SQL: the proposal's facts are the new row's, the voting powers the larger, and
// the ballot and vote are chosen by rewards.Supersede, rendered into SQL by precedenceSQL.
var observationUpsertSQL = func() string {
	ballot, vote := precedenceSQL()
	return `
INSERT INTO observations (proposal_id, neuron_id, topic, reward_status, ballot, ballot_vp, vote,
	proposal_time, deadline, observed_at, total_potential_vp, sns_topic)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (proposal_id, neuron_id) DO UPDATE SET
	topic = excluded.topic, sns_topic = excluded.sns_topic, reward_status = excluded.reward_status,
	ballot = ` + ballot + `,
	ballot_vp = MAX(observations.ballot_vp, excluded.ballot_vp),
	vote = ` + vote + `,
	proposal_time = excluded.proposal_time, deadline = excluded.deadline, observed_at = excluded.observed_at,
	total_potential_vp = MAX(observations.total_potential_vp, excluded.total_potential_vp)`
}()

// precedenceSQL renders rewards.Supersede as SQL over the stored row (observations) and the new
// one (excluded): ballot is the ballot to store, vote the vote to store. The rule is tabulated
// over every pair of sightings, so it has one definition, in rewards/. A pair is keyed by a number
// (sightingCode of the stored row × 100 + that of the new one; the pair's names follow in a SQL
// comment), not a string: the upsert runs once per observation, and building a text key and
// matching it against text (worse, an IN list, which SQLite rebuilds into a temporary index at each
// execution) doubled the CPU of RecordObservations (BenchmarkRecordObservations, 1,000 rows: 5.1 ms
// before the rule was generated, 11 ms with text keys, 6.5 ms without the IN list, 5.8 ms with
// number keys).
func precedenceSQL() (ballot, vote string) {
	key := "(" + sightingCodeSQL("observations") + " * 100 + " + sightingCodeSQL("excluded") + ")"
	var whens, kept []string
	for _, k := range allSightings() {
		for _, n := range allSightings() {
			b, fk := rewards.Supersede(k, n)
			when := fmt.Sprintf("WHEN %d", sightingCode(k)*100+sightingCode(n))
			pair := " -- " + sightingKey(k) + ">" + sightingKey(n)
			if fk {
				kept = append(kept, when+" THEN observations.vote"+pair)
			}
			if fk || b != n.Ballot {
				whens = append(whens, when+" THEN '"+string(b)+"'"+pair)
			}
		}
	}
	return "CASE " + key + "\n\t\t" + strings.Join(whens, "\n\t\t") + "\n\t\tELSE excluded.ballot END",
		"CASE " + key + "\n\t\t" + strings.Join(kept, "\n\t\t") + "\n\t\tELSE excluded.vote END"
}

func allSightings() []rewards.Sighting {
	var out []rewards.Sighting
	for _, b := range rewards.BallotStates() {
		out = append(out, rewards.Sighting{Ballot: b}, rewards.Sighting{Ballot: b, Final: true})
	}
	return out
}

// sightingKey is how the SQL's comments name a sighting: its state, "!" when final.
func sightingKey(s rewards.Sighting) string {
	if s.Final {
		return string(s.Ballot) + "!"
	}
	return string(s.Ballot)
}

// sightingCode numbers a sighting: 2 × the state's place in rewards.BallotStates, + 1 when final.
func sightingCode(s rewards.Sighting) int {
	code := 2 * slices.Index(rewards.BallotStates(), s.Ballot)
	if s.Final {
		code++
	}
	return code
}

// sightingCodeSQL is sightingCode of the row t (observations or excluded); a state outside
// rewards.BallotStates gives NULL, which matches no pair and so stores the new row's ballot.
func sightingCodeSQL(t string) string {
	var whens []string
	for i, b := range rewards.BallotStates() {
		whens = append(whens, fmt.Sprintf("WHEN '%s' THEN %d", b, 2*i))
	}
	return "(CASE " + t + ".ballot " + strings.Join(whens, " ") + " END + CASE WHEN " + finalSQL(t) + " THEN 1 ELSE 0 END)"
}

// finalSQL is rewards.Observation.Final of the row t: reward status ReadyToSettle or Settled, or
// observed at or after a known deadline (times are stored as Unix nanoseconds, 0 when unknown).
func finalSQL(t string) string {
	return fmt.Sprintf("(%[1]s.reward_status IN (%[2]d, %[3]d) OR (%[1]s.observed_at != 0 AND %[1]s.deadline != 0 AND %[1]s.observed_at >= %[1]s.deadline))",
		t, nns.RewardStatusReadyToSettle, nns.RewardStatusSettled)
}

// RecordObservations records obs in one transaction (a pass's observations then cost one commit,
// not one each). Each is folded into the earlier observation of the same (proposal, neuron) by
// rewards.Fold, so what was seen is never erased by a weaker sighting and a stored row judges as
// rewards.Merge judges the sightings: BallotUnknown (a failed read) keeps the earlier ballot, a
// filled ballot is never replaced by an unfilled one (ballots are never emptied), and a direct
// vote is not replaced by "following". A zero ObservedAt is stamped with the store's clock.
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
		id64(o.TotalPotentialVP), snsTopicColumn(o))
	if err != nil {
		return fmt.Errorf("record observation %d/%d: %w", o.ProposalID, o.Neuron, err)
	}
	return nil
}

// snsTopicColumn is the sns_topic value of o: NULL for an NNS observation.
func snsTopicColumn(o rewards.Observation) any {
	if !o.SNS {
		return nil
	}
	return int64(o.SNSTopic)
}

// observationColumns is the SELECT list of an observation, in the order scanObservation reads.
const observationColumns = `proposal_id, neuron_id, topic, reward_status, ballot, ballot_vp, vote, proposal_time,
	deadline, observed_at, total_potential_vp, sns_topic`

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
		snsTopic                          sql.NullInt64
	)
	if err := row.Scan(&pid, &nid, &topic, &status, &ballot, &vp, &vote, &ptime, &deadline, &observed, &total, &snsTopic); err != nil {
		return rewards.Observation{}, err
	}
	if snsTopic.Valid {
		o.SNS, o.SNSTopic = true, sns.TopicID(snsTopic.Int64)
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
		var snsTopic sql.NullInt64
		err := row.Scan(&nid, &topic, &snsTopic, &c.Count)
		c.Neuron, c.Topic = uint64(nid), nns.Topic(topic)
		if snsTopic.Valid {
			c.SNS, c.SNSTopic = true, sns.TopicID(snsTopic.Int64)
		}
		return c, err
	}, `
SELECT neuron_id, topic, sns_topic, COUNT(*) FROM observations
WHERE ballot = 'empty' AND reward_status IN (?, ?)
	AND proposal_id NOT IN (SELECT id FROM proposals WHERE reward_status = ?)
GROUP BY neuron_id, topic, sns_topic ORDER BY neuron_id, topic, sns_topic`,
		int64(nns.RewardStatusReadyToSettle), int64(nns.RewardStatusSettled), int64(nns.RewardStatusAcceptVotes))
	if err != nil {
		return nil, fmt.Errorf("count missed votes: %w", err)
	}
	return out, nil
}
