package store

import (
	"context"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// The ballots a proposal had when seen open survive a restart and a later
// save without them (the canister's copy after settlement, or a view that
// lost the hotkey): after settlement only they say a neuron had a ballot to
// miss (bot/settle.go). The store keeps who had one and its voting power,
// not the vote.
func TestSavedProposalKeepsItsBallotsAcrossRestart(t *testing.T) {
	ctx := context.Background()
	s, path, _ := openTemp(t)
	p := policy.Proposal{ID: 30, Topic: nns.TopicGovernance, Title: "t", Deadline: time.Unix(1_800_000_000, 0),
		Ballots: policy.NewBallots([]policy.NeuronBallot{
			{Neuron: 1, Ballot: policy.Ballot{VotingPower: 100}},
			{Neuron: 1 << 62, Ballot: policy.Ballot{Vote: nns.VoteYes, VotingPower: 7_000_000_000_000}},
		})}
	must(t, s.SaveProposal(ctx, p))
	moved := p
	moved.Deadline, moved.Ballots = p.Deadline.Add(time.Hour), policy.Ballots{}
	must(t, s.SaveProposal(ctx, moved))
	must(t, s.Close())

	s2, err := Open(ctx, path)
	must(t, err)
	defer s2.Close()
	open, err := s2.UnsettledProposals(ctx)
	must(t, err)
	if len(open) != 1 || !open[0].Deadline.Equal(moved.Deadline) {
		t.Fatalf("unsettled after restart: %+v, want proposal 30 with the moved deadline", open)
	}
	got := open[0].Ballots
	if b, ok := got.Get(1); !ok || b.VotingPower != 100 || b.Vote != nns.VoteUnspecified {
		t.Errorf("neuron 1's ballot: %+v %v, want voting power 100, no vote", b, ok)
	}
	if b, ok := got.Get(1 << 62); !ok || b.VotingPower != 7_000_000_000_000 {
		t.Errorf("the large neuron's ballot: %+v %v", b, ok)
	}
	if got.Len() != 2 {
		t.Errorf("%d ballots, want 2", got.Len())
	}
}

func TestDecodeBallotsRejectsTruncatedData(t *testing.T) {
	data := encodeBallots(policy.NewBallots([]policy.NeuronBallot{{Neuron: 300, Ballot: policy.Ballot{VotingPower: 1 << 40}}}))
	for n := 1; n < len(data); n++ {
		if _, err := decodeBallots(data[:n]); err == nil {
			t.Errorf("decoding %d of %d bytes: no error", n, len(data))
		}
	}
}
