package main

import (
	"testing"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// plan words a filled or absent ballot as the console does (daemon's consoleBallot): both
// take bot.BallotOutcome.Describe. A ballot votebot cast says so; plan used to call it "already
// filled (by following or an earlier vote)".
func TestPlanWordsBallotLikeConsole(t *testing.T) {
	tests := []struct {
		outcome              bot.BallotOutcome
		action, vote, reason string
	}{
		{bot.BallotDirect, "voted", "No", "votebot cast this vote"},
		{bot.BallotFollowing, "voted", "No", "ballot already filled (by following or an earlier vote)"},
		{bot.BallotNone, "nothing", "", "no ballot (not eligible)"},
	}
	for _, tt := range tests {
		vote := nns.VoteNo
		if tt.outcome == bot.BallotNone {
			vote = nns.VoteUnspecified
		}
		r := planRows([]bot.BallotPlan{{Proposal: &policy.Proposal{ID: 7}, Outcome: tt.outcome, Vote: vote}})[0]
		if r.Action != tt.action || r.Vote != tt.vote || r.Reason != tt.reason {
			t.Errorf("%s: plan says %q %q %q, want %q %q %q", tt.outcome, r.Action, r.Vote, r.Reason, tt.action, tt.vote, tt.reason)
		}
		if action, reason, _ := tt.outcome.Describe(); r.Action != action || r.Reason != reason {
			t.Errorf("%s: plan says %q %q, the shared wording %q %q", tt.outcome, r.Action, r.Reason, action, reason)
		}
	}
}
