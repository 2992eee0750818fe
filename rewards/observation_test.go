package rewards

import (
	"slices"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
)

var (
	tNow      = time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	tDeadline = tNow.Add(-24 * time.Hour)
)

func obsOf(ballot BallotState, status nns.RewardStatus, observedAt time.Time) Observation {
	return Observation{ProposalID: 7, Topic: nns.TopicGovernance, RewardStatus: status,
		ProposalTime: tDeadline.Add(-96 * time.Hour), Deadline: tDeadline, Neuron: 1,
		Ballot: ballot, BallotVP: 100, ObservedAt: observedAt}
}

func TestMergeOutcome(t *testing.T) {
	before, after := tDeadline.Add(-time.Hour), tDeadline.Add(time.Hour)
	open := func(o Observation) Observation { o.Deadline = tNow.Add(time.Hour); return o }
	topic := func(o Observation, tp nns.Topic) Observation { o.Topic = tp; return o }
	tests := []struct {
		name string
		obs  []Observation
		want Outcome
	}{
		{"voted directly", []Observation{obsOf(BallotVotedDirect, nns.RewardStatusSettled, after)}, OutcomeVoted},
		{"voted by following", []Observation{obsOf(BallotVotedFollowing, nns.RewardStatusAcceptVotes, before)}, OutcomeVoted},
		{"empty after the deadline is a miss", []Observation{obsOf(BallotEmpty, nns.RewardStatusAcceptVotes, after)}, OutcomeMissed},
		{"empty once ready to settle is a miss", []Observation{obsOf(BallotEmpty, nns.RewardStatusReadyToSettle, time.Time{})}, OutcomeMissed},
		{"empty before the deadline, never seen again: unknown", []Observation{obsOf(BallotEmpty, nns.RewardStatusAcceptVotes, before)}, OutcomeUnknown},
		{"empty while open: pending", []Observation{open(obsOf(BallotEmpty, nns.RewardStatusAcceptVotes, before))}, OutcomePending},
		{"unreadable: unknown, not missed", []Observation{obsOf(BallotUnknown, nns.RewardStatusSettled, after)}, OutcomeUnknown},
		{"no ballot", []Observation{obsOf(BallotNone, nns.RewardStatusAcceptVotes, before)}, OutcomeNoBallot},
		{"a vote survives a later failed read", []Observation{
			obsOf(BallotVotedDirect, nns.RewardStatusAcceptVotes, before),
			obsOf(BallotUnknown, nns.RewardStatusSettled, after)}, OutcomeVoted},
		{"a vote survives ballots deleted at settlement", []Observation{
			obsOf(BallotVotedFollowing, nns.RewardStatusReadyToSettle, after),
			obsOf(BallotNone, nns.RewardStatusSettled, after.Add(time.Hour))}, OutcomeVoted},
		{"empty then deleted at settlement: unknown", []Observation{
			obsOf(BallotEmpty, nns.RewardStatusAcceptVotes, before),
			obsOf(BallotNone, nns.RewardStatusSettled, after)}, OutcomeUnknown},
		{"a late vote beats an earlier empty", []Observation{
			obsOf(BallotEmpty, nns.RewardStatusAcceptVotes, before.Add(-time.Hour)),
			obsOf(BallotVotedDirect, nns.RewardStatusAcceptVotes, before)}, OutcomeVoted},
		{"neuron management never counts", []Observation{topic(obsOf(BallotEmpty, nns.RewardStatusIneligible, after), nns.TopicNeuronManagement)}, OutcomeIneligible},
		{"ineligible status never counts", []Observation{obsOf(BallotEmpty, nns.RewardStatusIneligible, after)}, OutcomeIneligible},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			entries, errs := Merge(tc.obs, tNow)
			if len(errs) != 0 || len(entries) != 1 {
				t.Fatalf("got %d entries, errors %v", len(entries), errs)
			}
			if entries[0].Outcome != tc.want {
				t.Errorf("outcome %q, want %q", entries[0].Outcome, tc.want)
			}
		})
	}
}

func TestMergeRejectsBadObservations(t *testing.T) {
	bad := obsOf("maybe", nns.RewardStatusSettled, tNow)
	badTopic := obsOf(BallotEmpty, nns.RewardStatusSettled, tNow)
	badTopic.Topic = -1 // a topic number is never negative; 99 is one votebot does not know yet, counted at weight 1
	entries, errs := Merge([]Observation{bad, badTopic, obsOf(BallotVotedDirect, nns.RewardStatusSettled, tNow)}, tNow)
	if len(errs) != 2 || len(entries) != 1 {
		t.Fatalf("got %d entries and errors %v, want 1 entry and 2 errors", len(entries), errs)
	}
}

// TestSupersede is ballot precedence, the rule Merge folds with and the
// store's upsert is generated from: kept is the sighting on record, seen
// the newer one.
func TestSupersede(t *testing.T) {
	open := func(b BallotState) Sighting { return Sighting{Ballot: b} }
	closed := func(b BallotState) Sighting { return Sighting{Ballot: b, Final: true} }
	tests := []struct {
		name       string
		kept, seen Sighting
		want       BallotState
		fromKept   bool
	}{
		{"a vote replaces an empty ballot", open(BallotEmpty), open(BallotVotedFollowing), BallotVotedFollowing, false},
		{"a vote is never emptied", closed(BallotVotedFollowing), closed(BallotEmpty), BallotVotedFollowing, true},
		{"a failed read hides no vote", open(BallotVotedDirect), closed(BallotUnknown), BallotVotedDirect, true},
		{"purged ballots hide no vote", closed(BallotVotedFollowing), closed(BallotNone), BallotVotedFollowing, true},
		{"the bot's own vote outranks following", open(BallotVotedDirect), open(BallotVotedFollowing), BallotVotedDirect, true},
		{"the bot's own vote replaces following", open(BallotVotedFollowing), open(BallotVotedDirect), BallotVotedDirect, false},
		{"the newer of two votes", open(BallotVotedFollowing), closed(BallotVotedFollowing), BallotVotedFollowing, false},
		{"a miss survives a failed read", closed(BallotEmpty), closed(BallotUnknown), BallotEmpty, true},
		{"a miss survives the purge", closed(BallotEmpty), closed(BallotNone), BallotEmpty, true},
		{"a miss replaces an open empty ballot", open(BallotEmpty), closed(BallotEmpty), BallotEmpty, false},
		{"an open empty ballot, then unreadable: unknown", open(BallotEmpty), closed(BallotUnknown), BallotUnknown, false},
		{"an open empty ballot, then purged: unknown, never a miss", open(BallotEmpty), closed(BallotNone), BallotUnknown, true},
		{"unknown, then read empty", open(BallotUnknown), open(BallotEmpty), BallotEmpty, false},
		{"no ballot, then one", open(BallotNone), open(BallotEmpty), BallotEmpty, false},
		{"no ballot, then unreadable: unknown", open(BallotNone), closed(BallotUnknown), BallotUnknown, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, fromKept := Supersede(tc.kept, tc.seen)
			if got != tc.want || fromKept != tc.fromKept {
				t.Errorf("Supersede(%+v, %+v) = %s, %v; want %s, %v", tc.kept, tc.seen, got, fromKept, tc.want, tc.fromKept)
			}
		})
	}
}

// Merge does not depend on the order the observations come in.
func TestMergeOrderFree(t *testing.T) {
	before, after := tDeadline.Add(-time.Hour), tDeadline.Add(time.Hour)
	obs := []Observation{obsOf(BallotEmpty, nns.RewardStatusAcceptVotes, before),
		obsOf(BallotUnknown, nns.RewardStatusSettled, after), obsOf(BallotEmpty, nns.RewardStatusReadyToSettle, after.Add(-time.Minute))}
	want, _ := Merge(slices.Clone(obs), tNow)
	slices.Reverse(obs)
	got, _ := Merge(obs, tNow)
	if len(got) != 1 || got[0] != want[0] || got[0].Outcome != OutcomeMissed {
		t.Errorf("reversed: %+v, in order: %+v; want the same miss", got, want)
	}
}
