package store

import (
	"context"
	"reflect"
	"regexp"
	"testing"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// A decision's input read back decides as it did: what every rule can match
// on (text, action, proposer and its name), the deadline and tally then, the
// followees on the topic and their votes.
func TestDecisionHistoryReplays(t *testing.T) {
	s, _, clock := openTemp(t)
	ctx := context.Background()
	created := clock.Now().Add(-time.Hour)
	p := policy.Proposal{ID: 7, Topic: nns.TopicNetworkEconomics, Title: "Raise <fees>", Summary: "summary text",
		URL: "https://forum.example/7", Action: policy.ActionExecuteNnsFunction, NNSFunction: 12, Proposer: 40,
		ProposerName: "Alice", Tally: policy.Tally{Yes: 5, No: 9, Total: 20}, Created: created,
		Deadline: created.Add(4 * 24 * time.Hour)}
	p.Ballots = policy.NewBallots([]policy.NeuronBallot{{Neuron: 1001}})
	must(t, s.SaveProposal(ctx, p))
	p.FolloweeVotes = map[uint64]nns.Vote{27: nns.VoteNo}
	in := policy.Input{Proposal: p, Now: p.Deadline.Add(-time.Hour),
		Neuron: policy.Neuron{ID: 1001, HasBallot: true, FolloweeVotes: p.FolloweeVotes,
			Followees: map[nns.Topic][]uint64{nns.TopicUnspecified: {27, 28}, nns.TopicGovernance: {99}}}}
	pols := []*policy.Policy{
		{Timing: policy.DefaultTiming()},
		{Timing: policy.Timing{DeadlineMargin: 2 * time.Hour, Fallback: policy.FallbackWithMajority}},
		{Rules: []policy.Rule{{Name: "alice", Match: policy.Match{ProposerNames: []string{"alice"},
			Summary: regexp.MustCompile("summary"), NnsFunctions: []int32{12}}, Outcome: policy.OutcomeVote, Vote: nns.VoteYes}}},
	}
	in.Policy = pols[0]
	d := policy.Decide(in)
	must(t, s.RecordDecisions(ctx, []bot.DecisionRecord{{Neuron: 1001, Proposal: 7, Decision: d, At: in.Now, Input: &in}}))

	got, err := s.DecisionHistory(ctx, created.Add(-time.Minute))
	if err != nil || len(got) != 1 || got[0].Input == nil {
		t.Fatalf("DecisionHistory = %+v, %v", got, err)
	}
	r := got[0]
	if !r.Decision.Margin.Equal(d.Margin) || r.Decision.Verb() != d.Verb() || r.Decision.Source() != d.Source() {
		t.Errorf("decision read back %+v, recorded %+v", r.Decision, d)
	}
	for i, pol := range pols {
		want, back := in, *r.Input
		want.Policy, back.Policy = pol, pol
		w, g := policy.Decide(want), policy.Decide(back)
		g.At, w.At = g.At.UTC(), w.At.UTC()
		g.Margin, w.Margin = g.Margin.UTC(), w.Margin.UTC()
		if !reflect.DeepEqual(w, g) {
			t.Errorf("policy %d: read back decides %+v, the original %+v", i, g, w)
		}
	}
	if _, err := s.DecisionHistory(ctx, created.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
}

func TestRecordFollowingKeepsFirstSighting(t *testing.T) {
	s, _, clock := openTemp(t)
	ctx := context.Background()
	p := policy.Proposal{ID: 8, Topic: nns.TopicGovernance, Title: "t", Created: clock.Now(), Deadline: clock.Now().Add(time.Hour)}
	must(t, s.SaveProposal(ctx, p))
	first, later := clock.Now(), clock.Now().Add(time.Minute)
	for _, at := range []time.Time{first, later} {
		must(t, s.RecordFollowing(ctx,
			[]bot.FollowingFill{{Proposal: 8, Neuron: 1, Vote: nns.VoteYes, At: at, Topic: nns.TopicGovernance, Followees: []uint64{27, 28}}},
			[]bot.FolloweeVote{{Proposal: 8, Followee: 27, Topic: nns.TopicGovernance, Vote: nns.VoteYes, SeenAt: at}}))
	}
	fills, err := s.FollowingFills(ctx, time.Time{})
	if err != nil || len(fills) != 1 || !fills[0].At.Equal(first) || !reflect.DeepEqual(fills[0].Followees, []uint64{27, 28}) {
		t.Errorf("fills %+v, %v: want the first sighting with its followees", fills, err)
	}
	votes, err := s.FolloweeVotes(ctx, time.Time{})
	if err != nil || len(votes) != 1 || !votes[0].SeenAt.Equal(first) || votes[0].Vote != nns.VoteYes {
		t.Errorf("votes %+v, %v: want the first sighting", votes, err)
	}
}
