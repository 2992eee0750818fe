package agent

import (
	"context"
	"fmt"
	"sort"
	"sync"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/nns"
)

// fakeGov is a small governance canister for the client's tests: enough
// state to check paging, ballots by caller, manage_neuron commands and
// governance errors, plus hooks to inject failures.
type fakeGov struct {
	mu        sync.Mutex
	proposals []nns.ProposalInfo // ascending id
	neurons   map[uint64]*fakeNeuron
	known     []nns.KnownNeuron
	calls     map[string]int
	commands  []string
	// override replaces a method's handler (to inject rejects or bad replies).
	override map[string]func(devnet.Call) ([]byte, error)
}

type fakeNeuron struct {
	id         uint64
	controller principal.Principal
	hotkeys    []principal.Principal
	followees  map[int32][]uint64
	refreshed  int
}

func newFakeGov() *fakeGov {
	return &fakeGov{neurons: map[uint64]*fakeNeuron{}, calls: map[string]int{}, override: map[string]func(devnet.Call) ([]byte, error){}}
}

// addProposals adds n open proposals with ids from first; each neuron gets
// an empty ballot.
func (f *fakeGov) addProposals(first uint64, n int, topic nns.Topic) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range n {
		id := first + uint64(i)
		deadline := uint64(1_800_000_000)
		p := nns.ProposalInfo{Id: &nns.ProposalId{Id: id}, Status: int32(nns.ProposalStatusOpen), Topic: int32(topic),
			RewardStatus: int32(nns.RewardStatusAcceptVotes), DeadlineTimestampSeconds: &deadline,
			Proposal: &nns.Proposal{Url: "https://example.org", Summary: fmt.Sprintf("proposal %d", id)}}
		for nid := range f.neurons {
			p.Ballots = append(p.Ballots, nns.BallotEntry{NeuronId: nid, Ballot: nns.Ballot{VotingPower: 100}})
		}
		f.proposals = append(f.proposals, p)
	}
	sort.Slice(f.proposals, func(i, j int) bool { return f.proposals[i].Id.Id < f.proposals[j].Id.Id })
}

func (f *fakeGov) addNeurons(first uint64, n int, hotkey principal.Principal) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for i := range n {
		id := first + uint64(i)
		f.neurons[id] = &fakeNeuron{id: id, controller: principal.MustDecode("aaaaa-aa"), hotkeys: []principal.Principal{hotkey}, followees: map[int32][]uint64{}}
	}
}

func (f *fakeGov) ID() principal.Principal { return principal.MustDecode(nns.GovernanceCanisterID) }
func (f *fakeGov) CandidService() string   { return nns.GovernanceDID }
func (f *fakeGov) count(method string) int { f.mu.Lock(); defer f.mu.Unlock(); return f.calls[method] }
func (f *fakeGov) setOverride(method string, h func(devnet.Call) ([]byte, error)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.override[method] = h
}

func (f *fakeGov) Methods() map[string]devnet.Method {
	q := func(name string, h func(devnet.Call) ([]byte, error)) devnet.Method {
		return devnet.Method{Kind: devnet.Query, Handle: f.wrap(name, h)}
	}
	return map[string]devnet.Method{
		"list_proposals":                   q("list_proposals", f.listProposals),
		"get_proposal_info":                q("get_proposal_info", f.getProposalInfo),
		"get_pending_proposals":            q("get_pending_proposals", f.getPending),
		"get_neuron_info":                  q("get_neuron_info", f.getNeuronInfo),
		"get_full_neuron":                  q("get_full_neuron", f.getFullNeuron),
		"list_neurons":                     q("list_neurons", f.listNeurons),
		"list_known_neurons":               q("list_known_neurons", f.listKnown),
		"get_latest_reward_event":          q("get_latest_reward_event", f.rewardEvent),
		"get_network_economics_parameters": q("get_network_economics_parameters", f.economics),
		"manage_neuron":                    {Kind: devnet.Update, Handle: f.wrap("manage_neuron", f.manageNeuron)},
	}
}

func (f *fakeGov) wrap(name string, h func(devnet.Call) ([]byte, error)) func(context.Context, devnet.Call) ([]byte, error) {
	return func(_ context.Context, c devnet.Call) ([]byte, error) {
		f.mu.Lock()
		f.calls[name]++
		o := f.override[name]
		f.mu.Unlock()
		if o != nil {
			return o(c)
		}
		f.mu.Lock()
		defer f.mu.Unlock()
		return h(c)
	}
}

func reply(v any) ([]byte, error) { return candid.Marshal([]any{v}) }

func decodeArg(c devnet.Call, v any) error {
	if err := candid.Unmarshal(c.Arg, []any{v}); err != nil {
		return &devnet.CandidError{Err: err}
	}
	return nil
}

func (f *fakeGov) readable(n *fakeNeuron, caller principal.Principal) bool {
	if n.controller.Equal(caller) {
		return true
	}
	for _, h := range n.hotkeys {
		if h.Equal(caller) {
			return true
		}
	}
	return false
}

// view filters ballots to the caller's neurons, as the canister does.
func (f *fakeGov) view(p nns.ProposalInfo, caller principal.Principal) nns.ProposalInfo {
	out := p
	out.Ballots = nil
	for _, b := range p.Ballots {
		if n := f.neurons[b.NeuronId]; n != nil && f.readable(n, caller) {
			out.Ballots = append(out.Ballots, b)
		}
	}
	return out
}

func (f *fakeGov) listProposals(c devnet.Call) ([]byte, error) {
	var req nns.ListProposalInfoRequest
	if err := decodeArg(c, &req); err != nil {
		return nil, err
	}
	limit := int(req.Limit)
	if limit == 0 || limit > 100 {
		limit = 100
	}
	var resp nns.ListProposalInfoResponse
	for i := len(f.proposals) - 1; i >= 0 && len(resp.ProposalInfo) < limit; i-- {
		p := f.proposals[i]
		if req.BeforeProposal != nil && p.Id.Id >= req.BeforeProposal.Id {
			continue
		}
		if len(req.IncludeRewardStatus) > 0 && !contains(req.IncludeRewardStatus, p.RewardStatus) {
			continue
		}
		if contains(req.ExcludeTopic, p.Topic) {
			continue
		}
		resp.ProposalInfo = append(resp.ProposalInfo, f.view(p, c.Caller))
	}
	return reply(resp)
}

func contains(s []int32, v int32) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func (f *fakeGov) getProposalInfo(c devnet.Call) ([]byte, error) {
	var id uint64
	if err := decodeArg(c, &id); err != nil {
		return nil, err
	}
	for _, p := range f.proposals {
		if p.Id.Id == id {
			v := f.view(p, c.Caller)
			return reply(&v)
		}
	}
	return reply((*nns.ProposalInfo)(nil))
}

func (f *fakeGov) getPending(c devnet.Call) ([]byte, error) {
	var req *nns.GetPendingProposalsRequest
	if err := decodeArg(c, &req); err != nil {
		return nil, err
	}
	out := []nns.ProposalInfo{}
	for _, p := range f.proposals {
		if p.Status == int32(nns.ProposalStatusOpen) {
			out = append(out, f.view(p, c.Caller))
		}
	}
	return reply(out)
}

func (f *fakeGov) neuronInfo(n *fakeNeuron) nns.NeuronInfo {
	return nns.NeuronInfo{Id: &nns.NeuronId{Id: n.id}, State: int32(nns.NeuronStateNotDissolving), StakeE8s: 100_000_000 * n.id,
		DissolveDelaySeconds: 15_778_800, VotingPower: 100, RecentBallots: []nns.BallotInfo{}}
}

func (f *fakeGov) getNeuronInfo(c devnet.Call) ([]byte, error) {
	var id uint64
	if err := decodeArg(c, &id); err != nil {
		return nil, err
	}
	n := f.neurons[id]
	if n == nil {
		return reply(nns.NeuronInfoResult{Err: nns.NewGovernanceError(nns.ErrorTypeNotFound, "neuron %d not found", id)})
	}
	info := f.neuronInfo(n)
	return reply(nns.NeuronInfoResult{Ok: &info})
}

func (f *fakeGov) fullNeuron(n *fakeNeuron) nns.Neuron {
	out := nns.Neuron{Id: &nns.NeuronId{Id: n.id}, Controller: &n.controller, HotKeys: n.hotkeys, Account: make([]byte, 32),
		CachedNeuronStakeE8s: 100_000_000 * n.id, RecentBallots: []nns.BallotInfo{}}
	topics := make([]int32, 0, len(n.followees))
	for t := range n.followees {
		topics = append(topics, t)
	}
	sort.Slice(topics, func(i, j int) bool { return topics[i] < topics[j] })
	for _, t := range topics {
		out.Followees = append(out.Followees, nns.FolloweesEntry{Topic: t, Followees: nns.Followees{Followees: neuronIDs(n.followees[t])}})
	}
	return out
}

func (f *fakeGov) getFullNeuron(c devnet.Call) ([]byte, error) {
	var id uint64
	if err := decodeArg(c, &id); err != nil {
		return nil, err
	}
	n := f.neurons[id]
	switch {
	case n == nil:
		return reply(nns.FullNeuronResult{Err: nns.NewGovernanceError(nns.ErrorTypeNotFound, "neuron %d not found", id)})
	case !f.readable(n, c.Caller):
		return reply(nns.FullNeuronResult{Err: nns.NewGovernanceError(nns.ErrorTypeNotAuthorized, "caller is not authorized")})
	}
	full := f.fullNeuron(n)
	return reply(nns.FullNeuronResult{Ok: &full})
}

func (f *fakeGov) listNeurons(c devnet.Call) ([]byte, error) {
	var req nns.ListNeurons
	if err := decodeArg(c, &req); err != nil {
		return nil, err
	}
	var ids []uint64
	for id, n := range f.neurons {
		if req.IncludeNeuronsReadableByCaller && f.readable(n, c.Caller) || contains64(req.NeuronIds, id) {
			ids = append(ids, id)
		}
	}
	sort.Slice(ids, func(i, j int) bool { return ids[i] < ids[j] })
	size, page := uint64(500), uint64(0)
	if req.PageSize != nil {
		size = min(*req.PageSize, 500)
	}
	if req.PageNumber != nil {
		page = *req.PageNumber
	}
	total := (uint64(len(ids)) + size - 1) / size
	resp := nns.ListNeuronsResponse{TotalPagesAvailable: &total, NeuronInfos: []nns.NeuronInfoEntry{}, FullNeurons: []nns.Neuron{}}
	for i := page * size; i < min((page+1)*size, uint64(len(ids))); i++ {
		n := f.neurons[ids[i]]
		resp.NeuronInfos = append(resp.NeuronInfos, nns.NeuronInfoEntry{NeuronId: n.id, Info: f.neuronInfo(n)})
		if f.readable(n, c.Caller) {
			resp.FullNeurons = append(resp.FullNeurons, f.fullNeuron(n))
		}
	}
	return reply(resp)
}

func contains64(s []uint64, v uint64) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

func (f *fakeGov) listKnown(devnet.Call) ([]byte, error) {
	return reply(nns.ListKnownNeuronsResponse{KnownNeurons: append([]nns.KnownNeuron{}, f.known...)})
}

func (f *fakeGov) rewardEvent(devnet.Call) ([]byte, error) {
	return reply(nns.RewardEvent{DayAfterGenesis: 2021, ActualTimestampSeconds: 1_795_000_000, DistributedE8sEquivalent: 42,
		SettledProposals: []nns.ProposalId{{Id: 7}}})
}

func (f *fakeGov) economics(devnet.Call) ([]byte, error) {
	start, clear := uint64(15_778_800), uint64(2_629_800)
	return reply(nns.NetworkEconomics{RejectCostE8s: 2_500_000_000, NeuronMinimumStakeE8s: 100_000_000,
		VotingPowerEconomics: &nns.VotingPowerEconomics{StartReducingVotingPowerAfterSeconds: &start, ClearFollowingAfterSeconds: &clear}})
}

func (f *fakeGov) manageNeuron(c devnet.Call) ([]byte, error) {
	var req nns.ManageNeuronRequest
	if err := decodeArg(c, &req); err != nil {
		return nil, err
	}
	fail := func(t nns.ErrorType, format string, args ...any) ([]byte, error) {
		return reply(nns.ManageNeuronResponse{Command: &nns.Command1{Error: nns.NewGovernanceError(t, format, args...)}})
	}
	if req.NeuronIdOrSubaccount == nil || req.NeuronIdOrSubaccount.NeuronId == nil || req.Command == nil {
		return fail(nns.ErrorTypeInvalidCommand, "neuron id and command required")
	}
	n := f.neurons[req.NeuronIdOrSubaccount.NeuronId.Id]
	if n == nil {
		return fail(nns.ErrorTypeNotFound, "neuron not found")
	}
	if !f.readable(n, c.Caller) {
		return fail(nns.ErrorTypeNotAuthorized, "caller is neither controller nor hotkey")
	}
	cmd := req.Command
	switch {
	case cmd.RegisterVote != nil:
		f.commands = append(f.commands, "RegisterVote")
		return f.registerVote(n, cmd.RegisterVote)
	case cmd.Follow != nil:
		f.commands = append(f.commands, "Follow")
		n.followees[cmd.Follow.Topic] = idsOf(cmd.Follow.Followees)
		return reply(nns.ManageNeuronResponse{Command: &nns.Command1{Follow: &nns.EmptyRecord{}}})
	case cmd.SetFollowing != nil:
		f.commands = append(f.commands, "SetFollowing")
		for _, ft := range *cmd.SetFollowing.TopicFollowing {
			n.followees[*ft.Topic] = idsOf(*ft.Followees)
		}
		return reply(nns.ManageNeuronResponse{Command: &nns.Command1{SetFollowing: &nns.EmptyRecord{}}})
	case cmd.RefreshVotingPower != nil:
		f.commands = append(f.commands, "RefreshVotingPower")
		n.refreshed++
		return reply(nns.ManageNeuronResponse{Command: &nns.Command1{RefreshVotingPower: &nns.RefreshVotingPowerResponse{}}})
	}
	return fail(nns.ErrorTypeInvalidCommand, "unsupported command")
}

func idsOf(ns []nns.NeuronId) []uint64 {
	out := make([]uint64, len(ns))
	for i, n := range ns {
		out[i] = n.Id
	}
	return out
}

func (f *fakeGov) registerVote(n *fakeNeuron, rv *nns.RegisterVote) ([]byte, error) {
	fail := func(t nns.ErrorType, msg string) ([]byte, error) {
		return reply(nns.ManageNeuronResponse{Command: &nns.Command1{Error: nns.NewGovernanceError(t, "%s", msg)}})
	}
	if rv.Proposal == nil {
		return fail(nns.ErrorTypeInvalidCommand, "no proposal")
	}
	for i := range f.proposals {
		p := &f.proposals[i]
		if p.Id.Id != rv.Proposal.Id {
			continue
		}
		for j := range p.Ballots {
			b := &p.Ballots[j]
			if b.NeuronId != n.id {
				continue
			}
			if b.Ballot.Vote != int32(nns.VoteUnspecified) {
				return fail(nns.ErrorTypeNeuronAlreadyVoted, "Neuron already voted on proposal.")
			}
			b.Ballot.Vote = rv.Vote
			return reply(nns.ManageNeuronResponse{Command: &nns.Command1{RegisterVote: &nns.EmptyRecord{}}})
		}
		return fail(nns.ErrorTypeNotAuthorized, "Neuron not authorized to vote on proposal.")
	}
	return fail(nns.ErrorTypeNotFound, "Can't find proposal.")
}
