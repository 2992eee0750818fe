package bot

import (
	"context"
	"time"

	"github.com/votebot/votebot/policy"
)

// updateOpenMetrics publishes deadline and voted series for the open
// proposals of this pass.
func (b *Bot) updateOpenMetrics(open []policy.Proposal, plans []BallotPlan) {
	for _, bp := range plans {
		voted := bp.Outcome == BallotFollowing || bp.Outcome == BallotDirect
		// No ballot (the neuron could not vote) and a deliberate abstention
		// are not "unvoted": exporting them as 0 would page
		// VotebotUnvotedProposalSoon for an intended outcome.
		// Nor is a ballot of a neuron that cannot vote at all: its one
		// alert (VotebotNeuronCannotVote) stands for every ballot.
		omit := bp.Outcome == BallotNone || (!voted && bp.Decision.Skip) ||
			(!voted && bp.Blocker != nil && bp.Blocker.AllBallots)
		b.metrics.OpenBallot(bp.Proposal, bp.Neuron.ID, voted, omit)
	}
}

// updateParticipation refreshes the participation gauge from rewards/.
func (b *Bot) updateParticipation(ctx context.Context) {
	// Recompute when observations changed, and hourly as windows move.
	now := b.now()
	if b.partic == nil || (!b.obsChanged && !b.particAt.IsZero() && now.Sub(b.particAt) < time.Hour) {
		return
	}
	b.obsChanged, b.particAt = false, now
	ratios, err := b.partic(ctx)
	if err != nil {
		b.log.Error().Err(err).Msg("participation")
		return
	}
	for neuron, windows := range ratios {
		for w, r := range windows {
			b.metrics.Participation(neuron, w, r)
		}
	}
}
