package rewards

import (
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
