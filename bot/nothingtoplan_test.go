package bot

import (
	"testing"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// An idle pass may skip planning only when it reuses the read the last plan
// was made from and every configured neuron's ballot on every open proposal
// is filled; anything else must plan, or a vote could be missed.
func TestNothingToPlan(t *testing.T) {
	opts := Options{Neurons: []NeuronConfig{{ID: 1}, {ID: 2}}}
	filled := policy.Proposal{ID: 7, Ballots: policy.NewBallots([]policy.NeuronBallot{{Neuron: 1, Ballot: policy.Ballot{Vote: nns.VoteYes}}, {Neuron: 2, Ballot: policy.Ballot{Vote: nns.VoteNo}}})}
	oneEmpty := policy.Proposal{ID: 8, Ballots: policy.NewBallots([]policy.NeuronBallot{{Neuron: 1, Ballot: policy.Ballot{Vote: nns.VoteYes}}, {Neuron: 2, Ballot: policy.Ballot{}}})}
	oneMissing := policy.Proposal{ID: 9, Ballots: policy.NewBallots([]policy.NeuronBallot{{Neuron: 1, Ballot: policy.Ballot{Vote: nns.VoteYes}}})}
	tests := []struct {
		name          string
		planned, read int
		props         []policy.Proposal
		want          bool
	}{
		{"never planned", 0, 0, []policy.Proposal{filled}, false},
		{"new full read since the last plan", 3, 4, []policy.Proposal{filled}, false},
		{"same read, every ballot filled", 4, 4, []policy.Proposal{filled}, true},
		{"same read, no open proposals", 4, 4, nil, true},
		{"same read, one ballot empty", 4, 4, []policy.Proposal{filled, oneEmpty}, false},
		{"same read, a neuron without a ballot", 4, 4, []policy.Proposal{oneMissing}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &Bot{loopState: loopState{plannedRead: tt.planned}}
			b.open.reads = tt.read
			if got := b.nothingToPlan(tt.props, opts); got != tt.want {
				t.Errorf("nothingToPlan = %v, want %v", got, tt.want)
			}
		})
	}
}
