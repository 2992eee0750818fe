package bot

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sync"
	"time"

	"github.com/votebot/votebot/agent"
	"github.com/votebot/votebot/nns"
)

// AgentGov adapts the agent/ governance client to the loop's Governance,
// and classifies its errors.
type AgentGov struct {
	C *agent.Governance
	// Anon, when set, is an unsigned client for the newest-id check (its
	// answers carry no ballots).
	Anon *agent.Governance
	// Parallel bounds concurrent neuron reads (default 16).
	Parallel int
	// Now is the clock a dissolving neuron's remaining delay is measured
	// with (default time.Now).
	Now func() time.Time
}

var (
	_ Governance      = AgentGov{}
	_ ErrorClassifier = AgentGov{}
)

// OpenProposals implements Governance: list_proposals filtered to reward
// status AcceptVotes (decided proposals still pay until their deadline),
// signed by the bot identity so the ballots of its neurons come back.
func (a AgentGov) OpenProposals(ctx context.Context) ([]Proposal, error) {
	omit := true
	infos, err := a.C.ListProposals(ctx, nns.ListProposalInfoRequest{
		IncludeRewardStatus: []int32{int32(nns.RewardStatusAcceptVotes)},
		OmitLargeFields:     &omit,
		Limit:               100,
	})
	if err != nil {
		return nil, err
	}
	out := make([]Proposal, 0, len(infos))
	for _, pi := range infos {
		if pi.Id == nil {
			continue
		}
		out = append(out, FromProposalInfo(pi))
	}
	return out, nil
}

// Proposal implements Governance.
func (a AgentGov) Proposal(ctx context.Context, id uint64) (*Proposal, error) {
	pi, err := a.C.GetProposalInfo(ctx, id)
	if errors.Is(err, agent.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	p := FromProposalInfo(pi)
	return &p, nil
}

// FromProposalInfo maps the Candid record to the loop's Proposal.
func FromProposalInfo(pi nns.ProposalInfo) Proposal {
	p := Proposal{Topic: nns.Topic(pi.Topic), Status: nns.ProposalStatus(pi.Status),
		RewardStatus: nns.RewardStatus(pi.RewardStatus), Created: unix(pi.ProposalTimestampSeconds)}
	if pi.Id != nil {
		p.ID = pi.Id.Id
	}
	if pi.DeadlineTimestampSeconds != nil {
		p.Deadline = unix(*pi.DeadlineTimestampSeconds)
	}
	if pi.Proposer != nil {
		p.Proposer = pi.Proposer.Id
	}
	if pi.LatestTally != nil {
		p.Tally = Tally{Yes: pi.LatestTally.Yes, No: pi.LatestTally.No, Total: pi.LatestTally.Total}
	}
	if pi.TotalPotentialVotingPower != nil {
		p.TotalPotentialVP = *pi.TotalPotentialVotingPower
	}
	if pr := pi.Proposal; pr != nil {
		p.URL, p.Summary = pr.Url, pr.Summary
		if pr.Title != nil {
			p.Title = *pr.Title
		}
		if pr.Action != nil {
			p.Action = actionName(pr.Action)
			if pr.Action.ExecuteNnsFunction != nil {
				p.NNSFunction = pr.Action.ExecuteNnsFunction.NnsFunction
			}
		}
	}
	list := make([]NeuronBallot, len(pi.Ballots))
	for i, b := range pi.Ballots {
		list[i] = NeuronBallot{Neuron: b.NeuronId, Ballot: Ballot{Vote: nns.Vote(b.Ballot.Vote), VotingPower: b.Ballot.VotingPower}}
	}
	p.Ballots = NewBallots(list)
	return p
}

// actionName is the name of the Action variant that is set.
func actionName(a *nns.Action) string {
	v := reflect.ValueOf(a).Elem()
	for i := 0; i < v.NumField(); i++ {
		if f := v.Field(i); f.Kind() == reflect.Pointer && !f.IsNil() {
			return v.Type().Field(i).Name
		}
	}
	return ""
}

func unix(s uint64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(int64(s), 0)
}

// Neurons implements Governance: one list_neurons call for all ids; any
// id missing from the answer is read alone with get_full_neuron, so a
// neuron the identity may no longer read is told apart from a lost reply.
func (a AgentGov) Neurons(ctx context.Context, ids []uint64) (map[uint64]Neuron, error) {
	resp, err := a.C.ListNeurons(ctx, nns.ListNeurons{NeuronIds: ids})
	if err != nil {
		return nil, err
	}
	me := a.Principal()
	out := make(map[uint64]Neuron, len(ids))
	for _, fn := range resp.FullNeurons {
		n := FromNeuron(fn, me, a.now())
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
	sem := make(chan struct{}, max(a.Parallel, 16))
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
			case errors.As(err, &ge):
				// NotAuthorized / NotFound: not readable by this identity.
			case err != nil:
				if firstErr == nil {
					firstErr = fmt.Errorf("read neuron %d: %w", id, err)
				}
			default:
				out[id] = FromNeuron(fn, me, a.now())
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
	if ds := fn.DissolveState; ds != nil {
		switch {
		case ds.DissolveDelaySeconds != nil:
			n.DissolveDelay = time.Duration(*ds.DissolveDelaySeconds) * time.Second
		case ds.WhenDissolvedTimestampSeconds != nil:
			n.State, n.DissolvesAt = nns.NeuronStateDissolving, unix(*ds.WhenDissolvedTimestampSeconds)
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
		n.VotingPowerRefreshed = unix(*fn.VotingPowerRefreshedTimestampSeconds)
	}
	if fn.DecidingVotingPower != nil {
		n.DecidingVotingPower = *fn.DecidingVotingPower
	}
	if fn.PotentialVotingPower != nil {
		n.PotentialVotingPower = *fn.PotentialVotingPower
	}
	return n
}

// Economics implements Governance.
func (a AgentGov) Economics(ctx context.Context) (Economics, error) {
	ne, err := a.C.GetNetworkEconomicsParameters(ctx)
	if err != nil {
		return Economics{}, err
	}
	var e Economics
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
