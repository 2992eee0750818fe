package bot

import (
	"testing"

	"github.com/votebot/votebot/nns"
)

// An idle pass may skip planning only when it reuses the read the last plan
// was made from and every configured neuron's ballot on every open proposal
// is filled; anything else must plan, or a vote could be missed.
func TestNothingToPlan(t *testing.T) {
	opts := Options{Neurons: []NeuronConfig{{ID: 1}, {ID: 2}}}
	filled := Proposal{ID: 7, Ballots: NewBallots([]NeuronBallot{{1, Ballot{Vote: nns.VoteYes}}, {2, Ballot{Vote: nns.VoteNo}}})}
	oneEmpty := Proposal{ID: 8, Ballots: NewBallots([]NeuronBallot{{1, Ballot{Vote: nns.VoteYes}}, {2, Ballot{}}})}
	oneMissing := Proposal{ID: 9, Ballots: NewBallots([]NeuronBallot{{1, Ballot{Vote: nns.VoteYes}}})}
	tests := []struct {
		name          string
		planned, read int
		props         []Proposal
		want          bool
	}{
		{"never planned", 0, 0, []Proposal{filled}, false},
		{"new full read since the last plan", 3, 4, []Proposal{filled}, false},
		{"same read, every ballot filled", 4, 4, []Proposal{filled}, true},
		{"same read, no open proposals", 4, 4, nil, true},
		{"same read, one ballot empty", 4, 4, []Proposal{filled, oneEmpty}, false},
		{"same read, a neuron without a ballot", 4, 4, []Proposal{oneMissing}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := &Bot{plannedRead: tt.planned}
			b.open.reads = tt.read
			if got := b.nothingToPlan(tt.props, opts); got != tt.want {
				t.Errorf("nothingToPlan = %v, want %v", got, tt.want)
			}
		})
	}
}
