package bot

import (
	"context"
	"errors"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// withFolloweeVotes fills in, for every ballot whose fallback acts in this
// pass, how the neuron's followees voted (their public recent ballots), and
// decides those ballots again: "with_followees" then votes as they did
// instead of degrading to the tally. Other ballots are left as planned.
func (b *Bot) withFolloweeVotes(ctx context.Context, plans []BallotPlan, in planInput) {
	cache := map[uint64]map[uint64]nns.Vote{} // followee → its recent ballots
	for i := range plans {
		bp := &plans[i]
		if !bp.Due || !bp.Decision.Fallback {
			continue
		}
		n, ok := in.State[bp.Neuron.ID]
		if !ok {
			continue
		}
		votes := map[uint64]nns.Vote{}
		for _, f := range policy.FolloweesFor(*bp.Proposal, n.Followees, n.SNSFollowees) {
			rb, ok := cache[f]
			if !ok {
				var err error
				if rb, err = b.gov.RecentBallots(ctx, f); err != nil && !errors.Is(err, ErrNoRecentBallots) {
					b.log.Warn().Err(err).Uint64("followee", f).Msg("followee's recent ballots")
				}
				cache[f] = rb
			}
			if v, ok := rb[bp.Proposal.ID]; ok {
				votes[f] = v
			}
		}
		if len(votes) == 0 {
			continue
		}
		p := *bp.Proposal // this neuron's followees' votes: its own copy
		p.FolloweeVotes = votes
		*bp = planBallot(&p, bp.Neuron, in)
	}
}
