package snsgov

import (
	"context"
	"fmt"
	"slices"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/sns"
)

var _ devnet.Canister = (*Canister)(nil)

// ID is the governance canister's principal.
func (c *Canister) ID() principal.Principal { return c.id }

// CandidService is the SNS governance interface (sns/governance.did).
func (c *Canister) CandidService() string { return sns.GovernanceDID }

// Methods is the method table of the SNS governance interface votebot uses.
func (c *Canister) Methods() map[string]devnet.Method {
	q := func(h func(principal.Principal, []byte) (any, error)) devnet.Method {
		return devnet.Method{Kind: devnet.Query, Handle: c.wrap(h)}
	}
	return map[string]devnet.Method{
		"list_proposals":                q(c.listProposals),
		"get_proposal":                  q(c.getProposal),
		"list_neurons":                  q(c.listNeurons),
		"list_topics":                   q(c.listTopics),
		"get_nervous_system_parameters": q(c.getParameters),
		"get_latest_reward_event":       q(c.getLatestRewardEvent),
		"get_metadata":                  q(c.getMetadata),
		"list_nervous_system_functions": q(c.listFunctions),
		"manage_neuron":                 {Kind: devnet.Update, Handle: c.wrap(c.manageNeuron)},
	}
}

func (c *Canister) wrap(h func(principal.Principal, []byte) (any, error)) func(context.Context, devnet.Call) ([]byte, error) {
	return func(_ context.Context, call devnet.Call) ([]byte, error) {
		c.Tick()
		reply, err := h(call.Caller, call.Arg)
		if err != nil {
			return nil, err
		}
		out, err := candid.Marshal([]any{reply})
		if err != nil {
			return nil, fmt.Errorf("encode reply: %w", err)
		}
		return out, nil
	}
}

// decodeArg decodes the single argument into v; a malformed one traps, as in the canister.
func decodeArg(arg []byte, v any) error {
	if err := candid.Unmarshal(arg, []any{v}); err != nil {
		return &devnet.CandidError{Err: err}
	}
	return nil
}

// decodeAny checks that arg is a well-formed Candid message (null, record {} or nothing).
func decodeAny(arg []byte) error {
	if _, _, err := candid.Decode(arg); err != nil {
		return &devnet.CandidError{Err: err}
	}
	return nil
}

// maxListLimit caps list_proposals and list_neurons pages, as upstream.
const maxListLimit = 100

func (c *Canister) listProposals(caller principal.Principal, arg []byte) (any, error) {
	var req sns.ListProposals
	if err := decodeArg(arg, &req); err != nil {
		return nil, err
	}
	limit := min(int(req.Limit), maxListLimit)
	if limit == 0 {
		limit = maxListLimit
	}
	var topics []sns.TopicID
	if req.IncludeTopics != nil {
		for _, s := range *req.IncludeTopics {
			topics = append(topics, s.Topic.ID())
		}
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	now := c.nowS()
	mine := c.neuronsOf(caller)
	out := sns.ListProposalsResponse{IncludeBallotsByCaller: ptr(true), IncludeTopicFiltering: ptr(true)}
	for i := len(c.proposals) - 1; i >= 0 && len(out.Proposals) < limit; i-- {
		p := c.proposals[i]
		switch {
		case req.BeforeProposal != nil && p.id >= req.BeforeProposal.Id:
		case len(req.IncludeRewardStatus) > 0 && !slices.Contains(req.IncludeRewardStatus, p.rewardStatus(now)):
		case len(req.IncludeStatus) > 0 && !slices.Contains(req.IncludeStatus, p.decisionStatus()):
		case slices.Contains(req.ExcludeType, p.function):
		case req.IncludeTopics != nil && len(topics) > 0 && !slices.Contains(topics, p.topic):
		default:
			out.Proposals = append(out.Proposals, c.proposalData(p, mine))
		}
	}
	return out, nil
}

func (c *Canister) getProposal(caller principal.Principal, arg []byte) (any, error) {
	var req sns.GetProposal
	if err := decodeArg(arg, &req); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	var p *proposal
	if req.ProposalId != nil {
		p = c.proposal(req.ProposalId.Id)
	}
	if p == nil {
		return sns.GetProposalResponse{Result: &sns.GetProposalResult{Error: &sns.GovernanceError{
			ErrorType: errNotFound, ErrorMessage: "No proposal for given ProposalId."}}}, nil
	}
	data := c.proposalData(p, c.neuronsOf(caller))
	return sns.GetProposalResponse{Result: &sns.GetProposalResult{Proposal: &data}}, nil
}

// neuronsOf is the set of neurons caller holds any permission on: the ballots it is shown.
func (c *Canister) neuronsOf(caller principal.Principal) map[string]bool {
	out := map[string]bool{}
	for h, n := range c.neurons {
		if n.hasAny(caller) {
			out[h] = true
		}
	}
	return out
}

func (c *Canister) proposalData(p *proposal, shown map[string]bool) sns.ProposalData {
	d := sns.ProposalData{
		Id: &sns.ProposalId{Id: p.id}, Action: p.function, Topic: sns.TopicOf(p.topic),
		Proposal:                         &sns.Proposal{Title: p.title, Summary: p.summary, Url: p.url, Action: p.action},
		Proposer:                         &sns.NeuronId{Id: c.neurons[p.proposer].id},
		ProposalCreationTimestampSeconds: p.createdS, InitialVotingPeriodSeconds: p.periodS,
		WaitForQuietDeadlineIncreaseSeconds: p.wfqS,
		WaitForQuietState:                   &sns.WaitForQuietState{CurrentDeadlineTimestampSeconds: p.deadlineS},
		LatestTally:                         &sns.Tally{Yes: p.yes, No: p.no, Total: p.total, TimestampSeconds: c.nowS()},
		DecidedTimestampSeconds:             p.decidedS, ExecutedTimestampSeconds: p.executedS, FailedTimestampSeconds: p.failedS,
		RewardEventRound: p.round, IsEligibleForRewards: p.rewardable,
		Ballots: []sns.BallotEntry{},
	}
	ofTotal, ofExercised := p.thresholds()
	d.MinimumYesProportionOfTotal = &sns.Percentage{BasisPoints: ptr(uint64(ofTotal))}
	d.MinimumYesProportionOfExercised = &sns.Percentage{BasisPoints: ptr(uint64(ofExercised))}
	if p.settledS != 0 {
		d.RewardEventEndTimestampSeconds = ptr(p.settledS)
	}
	for _, h := range c.order {
		if b, ok := p.ballots[h]; ok && shown[h] {
			d.Ballots = append(d.Ballots, sns.BallotEntry{NeuronId: h, Ballot: *b})
		}
	}
	return d
}

// decisionStatus is ProposalDecisionStatus: 1 Open, 2 Rejected, 3 Adopted, 4 Executed.
func (p *proposal) decisionStatus() int32 {
	switch {
	case p.decidedS == 0:
		return 1
	case !p.adopted:
		return 2
	case p.executedS != 0:
		return 4
	}
	return 3
}

func (c *Canister) listNeurons(_ principal.Principal, arg []byte) (any, error) {
	var req sns.ListNeurons
	if err := decodeArg(arg, &req); err != nil {
		return nil, err
	}
	limit := min(int(req.Limit), maxListLimit)
	if limit == 0 {
		limit = maxListLimit
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	start := 0
	if req.StartPageAt != nil {
		// The page starts after the named neuron, so a client pages with the last id it got.
		i, found := slices.BinarySearch(c.order, sns.NeuronIDHex(req.StartPageAt.Id))
		start = i
		if found {
			start++
		}
	}
	out := sns.ListNeuronsResponse{Neurons: []sns.Neuron{}}
	for _, h := range c.order[start:] {
		if len(out.Neurons) == limit {
			break
		}
		n := c.neurons[h]
		if req.OfPrincipal != nil && !n.hasAny(*req.OfPrincipal) {
			continue
		}
		out.Neurons = append(out.Neurons, c.neuronData(n))
	}
	return out, nil
}

func (c *Canister) neuronData(n *neuron) sns.Neuron {
	d := sns.Neuron{Id: &sns.NeuronId{Id: n.id}, Permissions: slices.Clone(n.perms), MaturityE8sEquivalent: n.maturityE8s,
		CachedNeuronStakeE8s: n.stakeE8s, CreatedTimestampSeconds: n.createdS, AgingSinceTimestampSeconds: n.agingSinceS,
		VotingPowerPercentageMultiplier: 100, DisburseMaturityInProgress: []struct{}{}, Followees: []sns.FunctionFollowees{},
		StakedMaturityE8sEquivalent: ptr(uint64(0))}
	if n.dissolving {
		d.DissolveState = &sns.DissolveState{WhenDissolvedTimestampSeconds: ptr(n.whenDissolvedS)}
		d.AgingSinceTimestampSeconds = ^uint64(0)
	} else {
		d.DissolveState = &sns.DissolveState{DissolveDelaySeconds: ptr(n.dissolveDelayS)}
	}
	for _, f := range sortedKeys(n.legacy) {
		d.Followees = append(d.Followees, sns.FunctionFollowees{FunctionId: f, Followees: sns.Followees{Followees: ids(n.legacy[f])}})
	}
	tf := &sns.TopicFollowees{TopicIdToFollowees: []sns.TopicFolloweesEntry{}}
	for _, t := range sns.Topics() {
		if f := n.topicFollowees[t]; len(f) > 0 {
			var fs []sns.Followee
			for _, id := range ids(f) {
				fs = append(fs, sns.Followee{NeuronId: &id})
			}
			tf.TopicIdToFollowees = append(tf.TopicIdToFollowees, sns.TopicFolloweesEntry{TopicId: int32(t),
				Followees: sns.FolloweesForTopic{Topic: sns.TopicOf(t), Followees: fs}})
		}
	}
	d.TopicFollowees = tf
	return d
}

func ids(hexes []string) []sns.NeuronId {
	out := make([]sns.NeuronId, 0, len(hexes))
	for _, h := range hexes {
		id, _ := sns.ParseNeuronID(h) // written by the canister: always 64 hex digits
		out = append(out, sns.NeuronId{Id: id})
	}
	return out
}

func sortedKeys[V any](m map[uint64]V) []uint64 {
	keys := make([]uint64, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func ptr[T any](v T) *T { return &v }
