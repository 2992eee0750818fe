package bot

import (
	"context"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

// What `votebot report` needs besides ballots comes from the loop's own
// reads: each neuron's voting power, dissolve delay and decay date at
// every fresh read of the neurons, and the ICP ledger's total supply about
// once a day (the reward pool is a fraction of it).

// SupplyInterval is how often the ledger's total supply is read: it moves
// by a fraction of a percent a day.
const SupplyInterval = 24 * time.Hour

// SupplyReader is implemented by a Governance that can read the ICP
// ledger (daemon.AgentGov). Without it no supply is recorded.
type SupplyReader interface {
	LedgerSupply(ctx context.Context) (nns.LedgerSupply, error)
}

// StatusStore is implemented by a Store that keeps the neurons' figures
// and the supply (*store.Store). Without it nothing is recorded.
type StatusStore interface {
	RecordNeuronStatus(ctx context.Context, neurons []rewards.NeuronStatus) error
	RecordSupply(ctx context.Context, supply nns.LedgerSupply, at time.Time) error
}

// recordReads runs after each fresh read of the neurons (readNeurons).
func (b *Bot) recordReads(ctx context.Context, opts Options, state map[uint64]Neuron, now time.Time) {
	st, ok := b.store.(StatusStore)
	if !ok {
		return
	}
	statuses := neuronStatuses(opts.Neurons, state, b.economics(ctx), now)
	if err := st.RecordNeuronStatus(ctx, statuses); err != nil {
		b.log.Error().Err(err).Msg("record the neurons' voting power")
	}
	b.recordSupply(ctx, st, now)
}

// neuronStatuses are the figures of the neurons the identity could read in
// full; the decay date needs the network's parameter (econ, nil: unknown).
func neuronStatuses(neurons []NeuronConfig, state map[uint64]Neuron, econ *Economics, now time.Time) []rewards.NeuronStatus {
	var out []rewards.NeuronStatus
	for _, nc := range neurons {
		n, ok := state[nc.ID]
		if !ok || !n.Authorized {
			continue
		}
		s := rewards.NeuronStatus{ID: nc.ID, PotentialVP: n.PotentialVotingPower, DecidingVP: n.DecidingVotingPower,
			RefreshedAt: n.VotingPowerRefreshed, ReadAt: now}
		if !n.DissolveUnknown {
			s.DissolveDelaySeconds = uint64(n.DissolveDelay / time.Second)
		}
		if _, decay := refreshDue(n, econ, 0, now); !decay.IsZero() {
			s.DecayStarts, s.FollowingClearedAt = decay, decay.Add(econ.ClearFollowingAfter)
		}
		out = append(out, s)
	}
	return out
}

// recordSupply reads the ledger's supply when SupplyInterval has passed
// since the last successful read (at start: now); a failure is retried at
// the next neuron read.
func (b *Bot) recordSupply(ctx context.Context, st StatusStore, now time.Time) {
	ledger, ok := b.gov.(SupplyReader)
	if !ok || (!b.supplyAt.IsZero() && now.Sub(b.supplyAt) < SupplyInterval) {
		return
	}
	s, err := ledger.LedgerSupply(ctx)
	if err != nil {
		b.log.Warn().Err(err).Msg("read the ICP ledger's total supply; retried at the next neuron read")
		return
	}
	if err := st.RecordSupply(ctx, s, now); err != nil {
		b.log.Error().Err(err).Msg("record the ICP total supply")
		return
	}
	b.supplyAt = now
}

// economics are the network parameters, read once (nil while they cannot
// be read).
func (b *Bot) economics(ctx context.Context) *Economics {
	if b.econ == nil {
		if e, err := b.gov.Economics(ctx); err != nil {
			b.log.Error().Err(err).Msg("read network economics")
		} else {
			b.econ = &e
		}
	}
	return b.econ
}
