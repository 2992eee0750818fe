package store

import (
	"context"
	"testing"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// A settled proposal keeps its title and topic; a proposal never seen is absent.
func TestSeenProposals(t *testing.T) {
	s, _, clock := openTemp(t)
	ctx := context.Background()
	p := policy.Proposal{ID: 7, Topic: nns.TopicGovernance, Title: "Motion <b>7</b>", Deadline: clock.Now().Add(time.Hour)}
	must(t, s.SaveProposal(ctx, p))
	must(t, s.MarkSettled(ctx, p))
	got, err := s.SeenProposals(ctx, []uint64{7, 8})
	must(t, err)
	if len(got) != 1 || got[7].Title != p.Title || got[7].Topic != p.Topic || !got[7].Deadline.Equal(p.Deadline) {
		t.Errorf("SeenProposals = %+v, want only 7 with its title, topic and deadline", got)
	}
}

// CastVotes lists the accepted votes with their source and reason, not the failed ones.
func TestCastVotes(t *testing.T) {
	s, _, _ := openTemp(t)
	ctx := context.Background()
	ok, err := s.BeginVote(ctx, intent(7, 1, nns.VoteYes, "override", "manual override: vote Yes"))
	must(t, err)
	must(t, s.FinishVote(ctx, ok, bot.VoteSucceeded, ""))
	failed, err := s.BeginVote(ctx, intent(7, 2, nns.VoteNo, "fallback", "fallback no"))
	must(t, err)
	must(t, s.FinishVote(ctx, failed, bot.VoteFailed, "timeout"))
	got, err := s.CastVotes(ctx, 7)
	must(t, err)
	if len(got) != 1 || got[0].Neuron != 1 || got[0].Source != "override" || got[0].Reason != "manual override: vote Yes" {
		t.Errorf("CastVotes = %+v, want neuron 1's override only", got)
	}
}
