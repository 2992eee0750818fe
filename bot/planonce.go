package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/votebot/votebot/policy"
)

// PlanOnce reads the open proposals and the neurons and returns what the
// bot would do for each proposal × neuron — without voting, storing or
// alerting (votebot plan).
func PlanOnce(ctx context.Context, gov Governance, d Decider, neurons []NeuronConfig, overrides []policy.Override, now time.Time) ([]BallotPlan, error) {
	props, err := gov.OpenProposals(ctx)
	if err != nil {
		return nil, fmt.Errorf("list open proposals: %w", err)
	}
	ids := make([]uint64, len(neurons))
	for i, n := range neurons {
		ids[i] = n.ID
	}
	state, err := gov.Neurons(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("read neurons: %w", err)
	}
	if known, err := gov.KnownNeurons(ctx); err == nil {
		names := make(map[uint64]string, len(known))
		for name, id := range known {
			names[id] = name
		}
		for i := range props {
			props[i].ProposerName = names[props[i].Proposer]
		}
	}
	return planBallots(planInput{Proposals: props, Neurons: neurons, State: state, Overrides: overrides,
		Decider: d, Now: now}), nil
}
