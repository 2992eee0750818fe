package bot

import "testing"

func TestBallotOutcomeDescribe(t *testing.T) {
	tests := []struct {
		o              BallotOutcome
		action, reason string
		ok             bool
	}{
		{BallotDirect, "voted", "votebot cast this vote", true},
		{BallotFollowing, "voted", "ballot already filled (by following or an earlier vote)", true},
		{BallotNone, "nothing", "no ballot (not eligible)", true},
		{BallotEmpty, "", "", false},
		{BallotMissed, "", "", false},
		{BallotUnknown, "", "", false},
	}
	for _, tt := range tests {
		action, reason, ok := tt.o.Describe()
		if action != tt.action || reason != tt.reason || ok != tt.ok {
			t.Errorf("%s: %q %q %v, want %q %q %v", tt.o, action, reason, ok, tt.action, tt.reason, tt.ok)
		}
	}
}
