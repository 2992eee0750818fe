package daemon

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/votebot/votebot/agent"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// AgentGov adapts the agent/ governance client to the loop's Governance,
// and classifies its errors.
type AgentGov struct {
	C *agent.Governance
	// Anon, when set, is an unsigned client for the newest-id check (its
	// answers carry no ballots).
	Anon *agent.Governance
	// Now is the clock a dissolving neuron's remaining delay is measured
	// with (default time.Now).
	Now func() time.Time
}

// neuronReadParallelism bounds the get_full_neuron calls for the neurons
// list_neurons left out: a hotkey removed from many neurons must not open
// one call per neuron at once.
const neuronReadParallelism = 16

var (
	_ bot.Governance      = AgentGov{}
	_ bot.ErrorClassifier = AgentGov{}
)

// OpenProposals implements Governance: list_proposals filtered to reward
// status AcceptVotes (decided proposals still pay until their deadline),
// signed by the bot identity so the ballots of its neurons come back.
func (a AgentGov) OpenProposals(ctx context.Context) ([]policy.Proposal, error) {
	omit := true
	infos, err := a.C.ListProposals(ctx, nns.ListProposalInfoRequest{
		IncludeRewardStatus: []int32{int32(nns.RewardStatusAcceptVotes)},
		OmitLargeFields:     &omit,
		Limit:               100,
	})
	if err != nil {
		return nil, err
	}
	out := make([]policy.Proposal, 0, len(infos))
	for _, pi := range infos {
		if pi.Id == nil {
			continue
		}
		out = append(out, policy.FromProposalInfo(pi))
	}
	return out, nil
}

// Proposal implements Governance.
func (a AgentGov) Proposal(ctx context.Context, id uint64) (*policy.Proposal, error) {
	pi, err := a.C.GetProposalInfo(ctx, id)
	if errors.Is(err, agent.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p := policy.FromProposalInfo(pi)
	return &p, nil
}

// Neurons implements Governance: one list_neurons call for all ids; any
// id missing from the answer is read alone with get_full_neuron, so a
// neuron the identity may no longer read (NotAuthorized: left out) is told
// apart from one that does not exist (NotFound) and from a lost reply.
func (a AgentGov) Neurons(ctx context.Context, ids []uint64) (map[uint64]bot.Neuron, error) {
	resp, err := a.C.ListNeurons(ctx, nns.ListNeurons{NeuronIds: ids})
	if err != nil {
		return nil, err
	}
	me := a.Principal()
	out := make(map[uint64]bot.Neuron, len(ids))
	for _, fn := range resp.FullNeurons {
		n := bot.FromNeuron(fn, me, a.now())
		out[n.ID] = n
	}
	var missing []uint64
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			missing = append(missing, id)
		}
	}
	var mu sync.Mutex
	var firstErr error
	var wg sync.WaitGroup
	sem := make(chan struct{}, neuronReadParallelism)
	for _, id := range missing {
		wg.Add(1)
		sem <- struct{}{}
		go func(id uint64) {
			defer func() { <-sem; wg.Done() }()
			fn, err := a.C.GetFullNeuron(ctx, id)
			mu.Lock()
			defer mu.Unlock()
			var ge *agent.GovernanceError
			switch {
			case errors.As(err, &ge) && ge.Type == nns.ErrorTypeNotFound:
				// No neuron has this id: told apart from a missing hotkey
				// (neuron_not_found, not hotkey_missing).
				out[id] = bot.Neuron{ID: id, NotFound: true}
			case errors.As(err, &ge):
				// NotAuthorized: not readable by this identity.
			case err != nil:
				if firstErr == nil {
					firstErr = fmt.Errorf("read neuron %d: %w", id, err)
				}
			default:
				out[id] = bot.FromNeuron(fn, me, a.now())
			}
		}(id)
	}
	wg.Wait()
	// A neuron that could not be read for a reason other than a governance
	// answer is not known to be unreadable: report the error with what was
	// read, so the caller draws no conclusion about hotkeys.
	return out, firstErr
}

func (a AgentGov) now() time.Time {
	if a.Now == nil {
		return time.Now()
	}
	return a.Now()
}

// Economics implements Governance.
func (a AgentGov) Economics(ctx context.Context) (bot.Economics, error) {
	ne, err := a.C.GetNetworkEconomicsParameters(ctx)
	if err != nil {
		return bot.Economics{}, err
	}
	var e bot.Economics
	if vp := ne.VotingPowerEconomics; vp != nil {
		sec := func(p *uint64) time.Duration {
			if p == nil {
				return 0
			}
			return time.Duration(*p) * time.Second
		}
		e.StartReducingVotingPowerAfter = sec(vp.StartReducingVotingPowerAfterSeconds)
		e.ClearFollowingAfter = sec(vp.ClearFollowingAfterSeconds)
		e.MinimumDissolveDelayToVote = sec(vp.NeuronMinimumDissolveDelayToVoteSeconds)
	}
	return e, nil
}

// KnownNeurons implements Governance.
func (a AgentGov) KnownNeurons(ctx context.Context) (map[string]uint64, error) {
	ks, err := a.C.ListKnownNeurons(ctx)
	if err != nil {
		return nil, err
	}
	out := make(map[string]uint64, len(ks))
	for _, k := range ks {
		if k.Id != nil && k.KnownNeuronData != nil {
			out[k.KnownNeuronData.Name] = k.Id.Id
		}
	}
	return out, nil
}

// RegisterVote implements Governance.
func (a AgentGov) RegisterVote(ctx context.Context, neuron, proposal uint64, v nns.Vote) error {
	return a.C.RegisterVote(ctx, neuron, proposal, v)
}

// SetFollowing implements Governance.
func (a AgentGov) SetFollowing(ctx context.Context, neuron uint64, f map[nns.Topic][]uint64) error {
	return a.C.SetFollowing(ctx, neuron, f)
}

// RefreshVotingPower implements Governance.
func (a AgentGov) RefreshVotingPower(ctx context.Context, neuron uint64) error {
	return a.C.RefreshVotingPower(ctx, neuron)
}

// RecentBallots implements Governance with get_neuron_info.
func (a AgentGov) RecentBallots(ctx context.Context, neuron uint64) (map[uint64]nns.Vote, error) {
	ni, err := a.C.GetNeuronInfo(ctx, neuron)
	if err != nil {
		return nil, err
	}
	out := make(map[uint64]nns.Vote, len(ni.RecentBallots))
	for _, b := range ni.RecentBallots {
		if b.ProposalId != nil {
			out[b.ProposalId.Id] = nns.Vote(b.Vote)
		}
	}
	return out, nil
}

// ClockSkew implements bot.Governance: IC time − local time, once measured.
func (a AgentGov) ClockSkew() (time.Duration, bool) {
	skew, _, ok := a.C.ClockSkew()
	return skew, ok
}

// Principal implements Governance.
func (a AgentGov) Principal() string { return a.C.Sender().String() }

// AlreadyVoted implements ErrorClassifier.
func (AgentGov) AlreadyVoted(err error) bool { return agent.IsAlreadyVoted(err) }

// Refused implements ErrorClassifier: a governance error, or a rejection
// that retrying will not change.
func (AgentGov) Refused(err error) bool {
	var ge *agent.GovernanceError
	if errors.As(err, &ge) {
		return !agent.IsAlreadyVoted(err)
	}
	var re *agent.RejectError
	return errors.As(err, &re) && !re.Transient()
}

// AllEndpointsDown implements ErrorClassifier.
func (AgentGov) AllEndpointsDown(err error) bool { return errors.Is(err, agent.ErrAllEndpointsDown) }
