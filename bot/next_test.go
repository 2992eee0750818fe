package bot

import (
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// TestNextForBallot: what status lists for an empty ballot, and when.
func TestNextForBallot(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	p := &policy.Proposal{ID: 7, Deadline: now.Add(48 * time.Hour)}
	nc := NeuronConfig{ID: 1, Alias: "main"}
	tests := []struct {
		name     string
		outcome  BallotOutcome
		d        policy.Decision
		wantKind string
		wantAt   time.Time
	}{
		{"due vote is now", BallotEmpty, policy.Decision{Action: policy.ActionVoteNow, Vote: nns.VoteYes, At: now.Add(-time.Minute)}, NextVote, now},
		{"vote later", BallotEmpty, policy.Decision{Action: policy.ActionVoteAt, Vote: nns.VoteNo, At: now.Add(time.Hour)}, NextVote, now.Add(time.Hour)},
		{"manual waits for a person until the deadline", BallotEmpty, policy.Decision{Action: policy.ActionWait, NeedsHuman: true, At: now.Add(40 * time.Hour)}, NextDecide, p.Deadline},
		{"fallback at the margin", BallotEmpty, policy.Decision{Action: policy.ActionWait, At: now.Add(47 * time.Hour)}, NextFallback, now.Add(47 * time.Hour)},
		{"no fallback: nothing scheduled", BallotEmpty, policy.Decision{Action: policy.ActionWait, At: now.Add(47 * time.Hour), NoFallback: true}, "", time.Time{}},
		{"filled ballot: nothing", BallotFollowing, policy.Decision{Action: policy.ActionVoteNow, Vote: nns.VoteYes}, "", time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, ok := nextForBallot(BallotPlan{Proposal: p, Neuron: nc, Outcome: tt.outcome, Decision: tt.d}, now)
			if ok != (tt.wantKind != "") || a.Kind != tt.wantKind || !a.At.Equal(tt.wantAt) {
				t.Errorf("got %+v (ok %v), want kind %q at %s", a, ok, tt.wantKind, tt.wantAt)
			}
			if ok && (a.Proposal != 7 || a.Neuron != nc || a.Text == "") {
				t.Errorf("action %+v lacks the ballot or its text", a)
			}
		})
	}
}
