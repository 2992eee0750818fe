package bot

import (
	"context"

	"github.com/votebot/votebot/nns"
)

var _ NewestOpenLister = AgentGov{}

// NewestOpenProposalID implements NewestOpenLister: list_proposals
// (newest first) limited to one proposal accepting votes.
func (a AgentGov) NewestOpenProposalID(ctx context.Context) (uint64, error) {
	omit := true
	infos, err := a.C.ListProposalsPage(ctx, nns.ListProposalInfoRequest{
		IncludeRewardStatus: []int32{int32(nns.RewardStatusAcceptVotes)},
		OmitLargeFields:     &omit,
		Limit:               1,
	})
	if err != nil {
		return 0, err
	}
	if len(infos) == 0 || infos[0].Id == nil {
		return 0, nil
	}
	return infos[0].Id.Id, nil
}
