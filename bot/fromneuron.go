package bot

import (
	"time"

	"github.com/votebot/votebot/nns"
)

// FromNeuron maps a full neuron as of now; Authorized says whether me is
// its controller or a hotkey.
func FromNeuron(fn nns.Neuron, me string, now time.Time) Neuron {
	n := Neuron{Followees: map[nns.Topic][]uint64{}, RecentBallots: map[uint64]nns.Vote{},
		State: nns.NeuronStateNotDissolving}
	if fn.Id != nil {
		n.ID = fn.Id.Id
	}
	if fn.Controller != nil {
		n.Controller = fn.Controller.String()
	}
	n.Authorized = n.Controller == me
	for _, hk := range fn.HotKeys {
		s := hk.String()
		n.HotKeys = append(n.HotKeys, s)
		if s == me {
			n.Authorized = true
		}
	}
	if fn.DissolveState == nil {
		// Every neuron has a dissolve state: none means the decoder dropped
		// one newer than votebot (the Candid opt rule). Unknown, not "not
		// dissolving": the dissolve checks are skipped, not misjudged.
		n.DissolveUnknown = true
	}
	if ds := fn.DissolveState; ds != nil {
		switch {
		case ds.DissolveDelaySeconds != nil:
			n.DissolveDelay = time.Duration(*ds.DissolveDelaySeconds) * time.Second
		case ds.WhenDissolvedTimestampSeconds != nil:
			n.State, n.DissolvesAt = nns.NeuronStateDissolving, unixTime(*ds.WhenDissolvedTimestampSeconds)
			left := n.DissolvesAt.Sub(now)
			if left <= 0 {
				left, n.State = 0, nns.NeuronStateDissolved
			}
			n.DissolveDelay = left
		}
	}
	for _, f := range fn.Followees {
		ids := make([]uint64, len(f.Followees.Followees))
		for i, id := range f.Followees.Followees {
			ids[i] = id.Id
		}
		n.Followees[nns.Topic(f.Topic)] = ids
	}
	for _, b := range fn.RecentBallots {
		if b.ProposalId != nil {
			n.RecentBallots[b.ProposalId.Id] = nns.Vote(b.Vote)
		}
	}
	if fn.VotingPowerRefreshedTimestampSeconds != nil {
		n.VotingPowerRefreshed = unixTime(*fn.VotingPowerRefreshedTimestampSeconds)
	}
	if fn.DecidingVotingPower != nil {
		n.DecidingVotingPower = *fn.DecidingVotingPower
	}
	if fn.PotentialVotingPower != nil {
		n.PotentialVotingPower = *fn.PotentialVotingPower
	}
	n.Maturity.MaturityE8s = fn.MaturityE8sEquivalent
	if fn.StakedMaturityE8sEquivalent != nil {
		n.Maturity.StakedMaturityE8s = *fn.StakedMaturityE8sEquivalent
	}
	return n
}

func unixTime(s uint64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(int64(s), 0)
}
