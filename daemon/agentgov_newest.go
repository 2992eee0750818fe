package daemon

import (
	"context"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
)

var _ bot.NewestOpenLister = AgentGov{}

// NewestOpenProposalID implements NewestOpenLister: list_proposals
// (newest first) limited to one proposal accepting votes.
func (a AgentGov) NewestOpenProposalID(ctx context.Context) (uint64, error) {
	c := a.C
	if a.Anon != nil {
		c = a.Anon // no ballots in the answer: the id is all this needs
	}
	// Every neuron-management proposal too: an anonymous caller would not
	// see those our neurons may vote on. One not ours costs a full read.
	yes := true
	infos, err := c.ListProposalsPage(ctx, nns.ListProposalInfoRequest{
		IncludeRewardStatus:             []int32{int32(nns.RewardStatusAcceptVotes)},
		OmitLargeFields:                 &yes,
		IncludeAllManageNeuronProposals: &yes,
		Limit:                           1,
	})
	if err != nil {
		return 0, err
	}
	if len(infos) == 0 || infos[0].Id == nil {
		return 0, nil
	}
	return infos[0].Id.Id, nil
}
