package bot

import (
	"slices"
	"testing"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/sns"
)

// On an SNS proposal the cascade follows the SNS following (by short id): a neuron whose
// catch-all followee is voted first is left to following — except on a critical topic, which
// the catch-all never covers.
func TestCascadeSNSFollowing(t *testing.T) {
	tests := []struct {
		name      string
		topic     sns.TopicID
		critical  bool
		following map[sns.TopicID][]uint64
		deferred  []uint64 // neurons left to following
	}{
		{"catch-all", sns.TopicDappCanisterManagement, false, map[sns.TopicID][]uint64{sns.TopicUnspecified: {1}}, []uint64{2}},
		{"the topic's own", sns.TopicTreasuryAssetManagement, true, map[sns.TopicID][]uint64{sns.TopicTreasuryAssetManagement: {1}}, []uint64{2}},
		{"critical: no catch-all", sns.TopicTreasuryAssetManagement, true, map[sns.TopicID][]uint64{sns.TopicUnspecified: {1}}, nil},
		{"NNS following does not count", sns.TopicDappCanisterManagement, false, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := &policy.Proposal{ID: 7, SNS: &policy.SNSProposal{DAO: "Alpha", Topic: tt.topic, Critical: tt.critical}}
			var plans []BallotPlan
			for _, id := range []uint64{1, 2} {
				plans = append(plans, BallotPlan{Proposal: p, Neuron: NeuronConfig{ID: id}, Outcome: BallotEmpty, Due: true,
					Decision: policy.Decision{Action: policy.ActionVoteNow, Vote: nns.VoteYes}})
			}
			state := map[uint64]Neuron{1: {ID: 1},
				2: {ID: 2, SNSFollowees: tt.following, Followees: map[nns.Topic][]uint64{nns.TopicUnspecified: {1}}}}
			groups := cascadeGroups(plans, state)
			var deferred []uint64
			for _, g := range groups {
				for _, i := range g.Deferred {
					deferred = append(deferred, plans[i].Neuron.ID)
				}
			}
			if !slices.Equal(deferred, tt.deferred) {
				t.Errorf("left to following: %v, want %v", deferred, tt.deferred)
			}
		})
	}
}
