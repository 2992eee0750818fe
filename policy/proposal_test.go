package policy

import (
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
)

func TestVotingEnded(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		status   nns.RewardStatus
		deadline time.Time
		want     bool
	}{
		{"open before the deadline", nns.RewardStatusAcceptVotes, now.Add(time.Second), false},
		{"open at the deadline", nns.RewardStatusAcceptVotes, now, true},
		{"deadline passed", nns.RewardStatusAcceptVotes, now.Add(-time.Hour), true},
		{"ready to settle", nns.RewardStatusReadyToSettle, now.Add(time.Hour), true},
		{"status unknown", nns.RewardStatusUnspecified, now.Add(time.Hour), true},
	}
	for _, tt := range tests {
		p := Proposal{RewardStatus: tt.status, Deadline: tt.deadline}
		if got := p.VotingEnded(now); got != tt.want {
			t.Errorf("%s: VotingEnded = %v, want %v", tt.name, got, tt.want)
		}
	}
}
