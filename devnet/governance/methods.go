package governance

import (
	"context"
	"fmt"
	"math/big"
	"reflect"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/candid/idl"
	"github.com/aviate-labs/agent-go/leb128"
	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/nns"
)

// ID is the governance canister's principal.
func (c *Canister) ID() principal.Principal { return c.id }

// CandidService is the project's governance.did.
func (c *Canister) CandidService() string { return nns.GovernanceDID }

var _ devnet.Canister = (*Canister)(nil)

// Methods is the method table of the governance interface votebot uses.
func (c *Canister) Methods() map[string]devnet.Method {
	c.methodsOnce.Do(func() {
		q := func(name string, h func(principal.Principal, []byte) (any, error)) devnet.Method {
			return devnet.Method{Kind: devnet.Query, Handle: c.wrap(name, h)}
		}
		c.methods = map[string]devnet.Method{
			"list_proposals":                   q("list_proposals", c.listProposals),
			"get_proposal_info":                q("get_proposal_info", c.getProposalInfo),
			"get_pending_proposals":            q("get_pending_proposals", c.getPendingProposals),
			"get_neuron_info":                  q("get_neuron_info", c.getNeuronInfo),
			"get_full_neuron":                  q("get_full_neuron", c.getFullNeuron),
			"list_neurons":                     q("list_neurons", c.listNeurons),
			"list_known_neurons":               q("list_known_neurons", c.listKnownNeurons),
			"get_latest_reward_event":          q("get_latest_reward_event", c.getLatestRewardEvent),
			"get_network_economics_parameters": q("get_network_economics_parameters", c.getNetworkEconomics),
			"manage_neuron":                    {Kind: devnet.Update, Handle: c.wrap("manage_neuron", c.manageNeuron)},
		}
	})
	return c.methods
}

type methodTable struct {
	methodsOnce sync.Once
	methods     map[string]devnet.Method
	callsMu     sync.Mutex
	calls       map[string]uint64
	replyTypes  sync.Map // reflect.Type → replyType
	futures     atomic.Pointer[futureSet]
	manageArgs  argHeader // of nns.ManageNeuronRequest
}

// encodeReply is candid.Marshal with the Candid type of each reply type
// derived once, and the message header (magic, type table, argument types)
// built once: deriving ProposalInfo's type by reflection costs more than
// encoding a hundred proposals, and the type table of ManageNeuronResponse
// costs more than the rest of a vote.
//
// Once a proposal has a future action, every reply's Action variant has
// the future tags (withFutureActions), as a newer canister's would.
func (c *Canister) encodeReply(reply any) ([]byte, error) {
	rt := reflect.TypeOf(reply)
	futures := c.futures.Load()
	r, ok := c.replyTypes.Load(rt)
	if !ok || r.(replyType).futures != futures {
		t, err := idl.TypeOf(reply)
		if err != nil {
			return nil, err
		}
		if t, err = withFutureActions(t, futures); err != nil {
			return nil, err
		}
		header, err := candidHeader(t)
		if err != nil {
			return nil, err
		}
		r = replyType{t, header, futures}
		c.replyTypes.Store(rt, r)
	}
	rtype := r.(replyType)
	v, err := rtype.t.EncodeValue(reply)
	if err != nil {
		return nil, err
	}
	return append(slices.Clip(rtype.header), v...), nil
}

// replyType is a reply's Candid type and the message header for it.
type replyType struct {
	t       idl.Type
	header  []byte
	futures *futureSet // the future tags t was built with
}

// candidHeader is the start of a Candid message with one value of type t,
// as candid.Encode writes it: "DIDL", the type table, the argument types.
func candidHeader(t idl.Type) ([]byte, error) {
	tdt := &idl.TypeDefinitionTable{Indexes: map[string]int{}}
	if err := t.AddTypeDefinition(tdt); err != nil {
		return nil, err
	}
	n, err := leb128.EncodeUnsigned(big.NewInt(int64(len(tdt.Types))))
	if err != nil {
		return nil, err
	}
	header := append([]byte("DIDL"), n...)
	for _, def := range tdt.Types {
		header = append(header, def...)
	}
	header = append(header, 1) // one argument
	ref, err := t.EncodeType(tdt)
	if err != nil {
		return nil, err
	}
	return append(header, ref...), nil
}

// wrap counts the call, applies due time transitions and encodes the reply.
func (c *Canister) wrap(name string, h func(principal.Principal, []byte) (any, error)) func(context.Context, devnet.Call) ([]byte, error) {
	return func(_ context.Context, call devnet.Call) ([]byte, error) {
		c.callsMu.Lock()
		c.calls[name]++
		c.callsMu.Unlock()
		c.Tick()
		reply, err := h(call.Caller, call.Arg)
		if err != nil {
			return nil, err
		}
		out, err := c.encodeReply(reply)
		if err != nil {
			return nil, fmt.Errorf("%s: encode reply: %w", name, err)
		}
		return out, nil
	}
}

// decodeArg decodes the single Candid argument into v; failures become
// traps, as in the real canister.
func decodeArg(arg []byte, v any) error {
	if err := candid.Unmarshal(arg, []any{v}); err != nil {
		return &devnet.CandidError{Err: err}
	}
	return nil
}

// decodeNoArgs checks that arg is a well-formed Candid message; extra
// arguments are ignored as Candid allows.
func decodeNoArgs(arg []byte) error {
	if _, _, err := candid.Decode(arg); err != nil {
		return &devnet.CandidError{Err: err}
	}
	return nil
}

func (c *Canister) listProposals(caller principal.Principal, arg []byte) (any, error) {
	var req nns.ListProposalInfoRequest
	if err := decodeArg(arg, &req); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	return c.listProposalsLocked(caller, &req, c.nowS()), nil
}

func (c *Canister) listProposalsLocked(caller principal.Principal, req *nns.ListProposalInfoRequest, now uint64) nns.ListProposalInfoResponse {
	limit := int(req.Limit)
	if limit == 0 || limit > maxListLimit {
		limit = maxListLimit
	}
	start := len(c.proposals)
	if req.BeforeProposal != nil && req.BeforeProposal.Id <= uint64(start) {
		start = int(req.BeforeProposal.Id) - 1
	}
	callerIdx := c.byPrincipal[string(caller.Raw)]
	omit := req.OmitLargeFields != nil && *req.OmitLargeFields
	out := nns.ListProposalInfoResponse{ProposalInfo: []nns.ProposalInfo{}}
	for i := start - 1; i >= 0 && len(out.ProposalInfo) < limit; i-- {
		p := c.proposals[i]
		if slices.Contains(req.ExcludeTopic, int32(p.topic)) ||
			(len(req.IncludeStatus) > 0 && !slices.Contains(req.IncludeStatus, int32(p.status))) ||
			(len(req.IncludeRewardStatus) > 0 && !slices.Contains(req.IncludeRewardStatus, int32(p.rewardStatus(now)))) {
			continue
		}
		out.ProposalInfo = append(out.ProposalInfo, c.proposalInfo(p, now, callerIdx, omit))
	}
	return out
}

func (c *Canister) getProposalInfo(caller principal.Principal, arg []byte) (any, error) {
	var id uint64
	if err := decodeArg(arg, &id); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	p := c.proposal(id)
	if p == nil {
		return (*nns.ProposalInfo)(nil), nil
	}
	info := c.proposalInfo(p, c.nowS(), c.byPrincipal[string(caller.Raw)], false)
	return &info, nil
}

// getPendingProposals returns only Open proposals, as on mainnet: decided
// proposals that still accept votes are not pending.
func (c *Canister) getPendingProposals(caller principal.Principal, arg []byte) (any, error) {
	if err := decodeNoArgs(arg); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	now := c.nowS()
	callerIdx := c.byPrincipal[string(caller.Raw)]
	out := []nns.ProposalInfo{}
	for _, p := range c.proposals {
		if p.status == nns.ProposalStatusOpen {
			out = append(out, c.proposalInfo(p, now, callerIdx, false))
		}
	}
	return out, nil
}

func (c *Canister) getNeuronInfo(_ principal.Principal, arg []byte) (any, error) {
	var id uint64
	if err := decodeArg(arg, &id); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	n, gerr := c.lookupNeuron(id)
	if gerr != nil {
		return nns.NeuronInfoResult{Err: gerr}, nil
	}
	info := c.neuronInfo(n, c.nowS())
	return nns.NeuronInfoResult{Ok: &info}, nil
}

func (c *Canister) getFullNeuron(caller principal.Principal, arg []byte) (any, error) {
	var id uint64
	if err := decodeArg(arg, &id); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	n, gerr := c.lookupNeuron(id)
	if gerr != nil {
		return nns.FullNeuronResult{Err: gerr}, nil
	}
	if !n.isAuthorized(caller) {
		return nns.FullNeuronResult{Err: nns.NewGovernanceError(nns.ErrorTypeNotAuthorized,
			"Caller '%s' is not authorized to read neuron %d.", caller, id)}, nil
	}
	full := c.fullNeuron(n, c.nowS())
	return nns.FullNeuronResult{Ok: &full}, nil
}

func (c *Canister) listNeurons(caller principal.Principal, arg []byte) (any, error) {
	var req nns.ListNeurons
	if err := decodeArg(arg, &req); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	now := c.nowS()
	ids := map[uint64]bool{}
	for _, id := range req.NeuronIds {
		if c.byID[id] != nil {
			ids[id] = true
		}
	}
	if req.IncludeNeuronsReadableByCaller {
		for _, idx := range c.byPrincipal[string(caller.Raw)] {
			ids[c.neurons[idx].id] = true
		}
	}
	sorted := make([]uint64, 0, len(ids))
	for id := range ids {
		sorted = append(sorted, id)
	}
	slices.Sort(sorted)
	size := uint64(maxPageSize)
	if req.PageSize != nil && *req.PageSize > 0 && *req.PageSize < size {
		size = *req.PageSize
	}
	var page uint64
	if req.PageNumber != nil {
		page = *req.PageNumber
	}
	total := (uint64(len(sorted)) + size - 1) / size
	resp := nns.ListNeuronsResponse{NeuronInfos: []nns.NeuronInfoEntry{}, FullNeurons: []nns.Neuron{}, TotalPagesAvailable: ptr(total)}
	lo := min(page*size, uint64(len(sorted)))
	hi := min(lo+size, uint64(len(sorted)))
	for _, id := range sorted[lo:hi] {
		n := c.byID[id]
		resp.NeuronInfos = append(resp.NeuronInfos, nns.NeuronInfoEntry{NeuronId: id, Info: c.neuronInfo(n, now)})
		if n.isAuthorized(caller) {
			resp.FullNeurons = append(resp.FullNeurons, c.fullNeuron(n, now))
		}
	}
	return resp, nil
}

func (c *Canister) listKnownNeurons(_ principal.Principal, arg []byte) (any, error) {
	if err := decodeNoArgs(arg); err != nil {
		return nil, err
	}
	c.mu.RLock()
	defer c.mu.RUnlock()
	resp := nns.ListKnownNeuronsResponse{KnownNeurons: []nns.KnownNeuron{}}
	for _, n := range c.neurons {
		if n.known != nil {
			resp.KnownNeurons = append(resp.KnownNeurons, nns.KnownNeuron{Id: &nns.NeuronId{Id: n.id}, KnownNeuronData: n.known})
		}
	}
	return resp, nil
}

func (c *Canister) getLatestRewardEvent(_ principal.Principal, arg []byte) (any, error) {
	if err := decodeNoArgs(arg); err != nil {
		return nil, err
	}
	return c.LatestRewardEvent(), nil
}

// LatestRewardEvent is the most recent reward event.
func (c *Canister) LatestRewardEvent() nns.RewardEvent {
	c.mu.RLock()
	defer c.mu.RUnlock()
	ev := c.latestReward
	ev.SettledProposals = slices.Clone(ev.SettledProposals)
	return ev
}

func (c *Canister) getNetworkEconomics(_ principal.Principal, arg []byte) (any, error) {
	if err := decodeNoArgs(arg); err != nil {
		return nil, err
	}
	return c.NetworkEconomics(), nil
}

// NetworkEconomics is what get_network_economics_parameters returns.
func (c *Canister) NetworkEconomics() nns.NetworkEconomics {
	e := c.cfg.Economics
	return nns.NetworkEconomics{
		NeuronMinimumStakeE8s:             c.cfg.NeuronMinimumStakeE8s,
		MaxProposalsToKeepPerTopic:        100,
		NeuronManagementFeePerProposalE8s: 1_000_000,
		RejectCostE8s:                     c.cfg.RejectCostE8s,
		TransactionFeeE8s:                 10_000,
		NeuronSpawnDissolveDelaySeconds:   7 * 86_400,
		MinimumIcpXdrRate:                 100,
		MaximumNodeProviderRewardsE8s:     1_000_000 * e8,
		NeuronsFundEconomics:              &nns.NeuronsFundEconomics{},
		VotingPowerEconomics: &nns.VotingPowerEconomics{
			StartReducingVotingPowerAfterSeconds:    ptr(e.StartReducingVotingPowerAfterSeconds),
			ClearFollowingAfterSeconds:              ptr(e.ClearFollowingAfterSeconds),
			NeuronMinimumDissolveDelayToVoteSeconds: ptr(e.MinDissolveDelayToVoteSeconds),
		},
	}
}
