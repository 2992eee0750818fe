package main

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/store"
)

// TestPlanMarksVotesTheBotCast: a filled ballot the daemon cast (here by
// `votebot vote`'s override) reads "votebot cast this vote" in plan --all,
// not "already filled (by following or an earlier vote)"; a ballot filled by
// following, or whose attempt failed, keeps the following wording.
func TestPlanMarksVotesTheBotCast(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "votebot.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range []struct {
		neuron  uint64
		outcome bot.VoteOutcome
	}{{9001, bot.VoteSucceeded}, {9003, bot.VoteFailed}} {
		id, err := st.BeginVote(ctx, bot.VoteIntent{Neuron: v.neuron, Proposal: 5, Vote: nns.VoteNo, Source: "override", Reason: "manual override"})
		if err != nil {
			t.Fatal(err)
		}
		if err := st.FinishVote(ctx, id, v.outcome, ""); err != nil {
			t.Fatal(err)
		}
	}
	st.Close()

	p := &policy.Proposal{ID: 5}
	plans := []bot.BallotPlan{
		{Proposal: p, Neuron: bot.NeuronConfig{ID: 9001}, Outcome: bot.BallotFollowing, Vote: nns.VoteNo},
		{Proposal: p, Neuron: bot.NeuronConfig{ID: 9002}, Outcome: bot.BallotFollowing, Vote: nns.VoteYes},
		{Proposal: p, Neuron: bot.NeuronConfig{ID: 9003}, Outcome: bot.BallotFollowing, Vote: nns.VoteNo},
	}
	if err := markCast(ctx, path, plans); err != nil {
		t.Fatal(err)
	}
	want := map[uint64]string{
		9001: "votebot cast this vote",
		9002: "ballot already filled (by following or an earlier vote)",
		9003: "ballot already filled (by following or an earlier vote)",
	}
	for _, r := range planRows(plans) {
		if r.Reason != want[r.Neuron] {
			t.Errorf("neuron %d: plan says %q, want %q", r.Neuron, r.Reason, want[r.Neuron])
		}
	}
	if err := markCast(ctx, filepath.Join(t.TempDir(), "none.db"), plans); err != nil {
		t.Errorf("no state database yet: %v, want nothing marked and no error", err)
	}
}
