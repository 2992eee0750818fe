package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/votebot/votebot/policy"
)

// PlanOnce reads the open proposals and the neurons and returns what the
// bot would do for each proposal × neuron — without voting, storing or
// alerting (votebot plan) — and, in the order configured, the neurons that
// cannot vote, with why and the fix.
func PlanOnce(ctx context.Context, gov Governance, d Decider, neurons []NeuronConfig, overrides []policy.Override, now time.Time) ([]BallotPlan, []*Blocker, error) {
	props, err := gov.OpenProposals(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("list open proposals: %w", err)
	}
	ids := make([]uint64, len(neurons))
	for i, n := range neurons {
		ids[i] = n.ID
	}
	state, err := gov.Neurons(ctx, ids)
	if err != nil {
		return nil, nil, fmt.Errorf("read neurons: %w", err)
	}
	var econ *Economics // unknown: a dissolve delay below the minimum is not told
	if e, err := gov.Economics(ctx); err == nil {
		econ = &e
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
	blockers := blockersOf(neurons, state, econ, gov.Principal(), props)
	var blocked []*Blocker
	for _, nc := range neurons {
		if b, ok := blockers[nc.ID]; ok {
			blocked = append(blocked, b)
		}
	}
	return planBallots(planInput{Proposals: props, Neurons: neurons, State: state, Overrides: overrides,
		Decider: d, Now: now, Blockers: blockers}), blocked, nil
}
