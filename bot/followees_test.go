package bot

import (
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// At the margin, "with_followees" votes as the followees that voted (read
// from their public recent ballots), not as the tally.
func TestFallbackWithFolloweesUsesTheirVotes(t *testing.T) {
	h := newHarness(t, 1)
	h.bot.decider = PolicyDecider{ByNeuron: map[uint64]*policy.Policy{1: {
		Default: policy.OutcomeFollow,
		Timing:  policy.Timing{DeadlineMargin: 2 * time.Hour, Fallback: policy.FallbackWithFollowees},
	}}}
	h.gov.neurons[1].Followees = map[nns.Topic][]uint64{nns.TopicUnspecified: {27, 28, 29}}
	for _, id := range []uint64{27, 28, 29} {
		n := h.gov.addNeuron(id)
		n.Authorized = false // not ours
	}
	h.step(0)
	p := h.gov.addProposal(9, nns.TopicSubnetManagement, 24*time.Hour)
	p.Tally = policy.Tally{Yes: 900, No: 100, Total: 1000} // the tally says Yes
	h.gov.neurons[27].RecentBallots[9] = nns.VoteNo        // one followee of three voted No: following does not decide
	h.step(time.Hour)
	if h.gov.calls != 0 {
		t.Fatalf("voted before the margin")
	}
	h.step(21*time.Hour + time.Minute) // past deadline − 2 h
	if got, _ := h.gov.props[9].Ballots.Get(1); got.Vote != nns.VoteNo {
		t.Errorf("fallback voted %s, want No (as the followee that voted)", got.Vote)
	}
}
