package daemon

import (
	"testing"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// The console words a filled or absent ballot as `votebot plan` does: both take
// bot.BallotOutcome.Describe; open ballots are worded by their decision.
func TestConsoleWordsBallotLikePlan(t *testing.T) {
	for _, o := range []bot.BallotOutcome{bot.BallotDirect, bot.BallotFollowing, bot.BallotNone, bot.BallotEmpty} {
		bp := bot.BallotPlan{Proposal: &policy.Proposal{ID: 7}, Outcome: o, Vote: nns.VoteYes,
			Decision: policy.Decision{Reason: "rule r says manual", NeedsHuman: true}}
		if o == bot.BallotNone || o == bot.BallotEmpty {
			bp.Vote = nns.VoteUnspecified
		}
		b := consoleBallot(bp, nil)
		action, reason, shared := o.Describe()
		if !shared {
			action, reason = bp.Decision.Verb(), bp.Decision.Reason
		}
		if b.Action != action || b.Reason != reason || b.Voted != bp.Vote {
			t.Errorf("%s: console says %q %q voted %s, want %q %q voted %s", o, b.Action, b.Reason, b.Voted, action, reason, bp.Vote)
		}
	}
}
