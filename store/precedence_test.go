package store

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

// The store's upsert is rewards.Fold: for every pair of sightings of a
// ballot (each state, seen while open or after voting closed — by reward
// status or by time), the row the store keeps judges exactly as
// rewards.Merge judges the two sightings. Ballot precedence has one home,
// rewards.Supersede; this fails if the SQL and the Go rule part.
func TestStoredRowJudgesAsMerge(t *testing.T) {
	ctx := context.Background()
	s, _, _ := openTemp(t)
	deadline := time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)
	now := deadline.Add(24 * time.Hour)
	sighting := func(id uint64, b rewards.BallotState, final, byTime, newer bool) rewards.Observation {
		o := rewards.Observation{ProposalID: id, Neuron: 1, Topic: nns.TopicGovernance, RewardStatus: nns.RewardStatusAcceptVotes,
			ProposalTime: deadline.Add(-96 * time.Hour), Deadline: deadline, Ballot: b, BallotVP: 10,
			ObservedAt: deadline.Add(-2 * time.Hour)}
		if newer {
			o.BallotVP, o.ObservedAt = 20, o.ObservedAt.Add(time.Minute)
		}
		switch {
		case final && byTime:
			o.ObservedAt = o.ObservedAt.Add(4 * time.Hour)
		case final:
			o.RewardStatus = nns.RewardStatusSettled
		}
		if b.Voted() {
			o.Vote = map[bool]nns.Vote{false: nns.VoteYes, true: nns.VoteNo}[newer]
		}
		return o
	}
	type pair struct{ kept, seen rewards.Observation }
	pairs := map[uint64]pair{}
	var kept, seen []rewards.Observation
	id := uint64(0)
	for _, byTime := range []bool{false, true} {
		for _, k := range allSightings() {
			for _, n := range allSightings() {
				if byTime && k.Final && !n.Final {
					continue // by time, a sighting after the deadline is never older than one before it
				}
				id++
				p := pair{sighting(id, k.Ballot, k.Final, byTime, false), sighting(id, n.Ballot, n.Final, byTime, true)}
				pairs[id] = p
				kept, seen = append(kept, p.kept), append(seen, p.seen)
			}
		}
	}
	must(t, s.RecordObservations(ctx, kept))
	must(t, s.RecordObservations(ctx, seen))
	rows, err := s.Observations(ctx, ObservationFilter{})
	must(t, err)
	if len(rows) != len(pairs) {
		t.Fatalf("%d rows, want %d", len(rows), len(pairs))
	}
	for _, row := range rows {
		p := pairs[row.ProposalID]
		want, _ := rewards.Merge([]rewards.Observation{p.kept, p.seen}, now)
		got, _ := rewards.Merge([]rewards.Observation{row}, now)
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s then %s: the stored row judges %+v, Merge of the two %+v",
				sightingKey(p.kept.Sighting()), sightingKey(p.seen.Sighting()), got[0], want[0])
		}
	}
}
