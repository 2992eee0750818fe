package candidfast

import (
	"context"
	"errors"
	"io"
	"reflect"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
)

// devnetReply is one reply of the devnet's governance canister and the Go
// type the agent decodes it into.
type devnetReply struct {
	name  string
	reply []byte
	into  reflect.Type
}

// devnetReplies calls the devnet governance canister's methods directly
// (no HTTP) as the agent would, on a state with known, dissolving and
// following neurons, voted and unvoted proposals, and collects the replies,
// manage_neuron successes and refusals included.
func devnetReplies(t testing.TB) []devnetReply {
	t.Helper()
	gov, err := governance.New(governance.Config{})
	if err != nil {
		t.Fatal(err)
	}
	hot := principal.Principal{Raw: []byte{0x42, 0x01}}
	controller := principal.Principal{Raw: []byte{0xAB, 0xCD, 0x01}}
	add := func(spec governance.NeuronSpec) uint64 {
		spec.Controller, spec.StakeE8s = controller, 10*100_000_000
		if spec.DissolveDelay == 0 && spec.DissolvingFor == 0 {
			spec.DissolveDelay = 365 * 24 * time.Hour
		}
		id, err := gov.AddNeuron(spec)
		if err != nil {
			t.Fatal(err)
		}
		return id
	}
	proposer := add(governance.NeuronSpec{KnownName: "proposer", KnownDesc: "makes motions"})
	var mine []uint64
	for i := range 12 {
		spec := governance.NeuronSpec{HotKeys: []principal.Principal{hot}, MaturityE8s: uint64(i) * 1e6}
		switch i % 3 {
		case 1:
			spec.DissolvingFor = time.Duration(200+i) * 24 * time.Hour
		case 2:
			spec.Followees = map[nns.Topic][]uint64{nns.TopicGovernance: {proposer}}
		}
		mine = append(mine, add(spec))
	}
	var props []uint64
	for i := range 6 {
		id, err := gov.SubmitProposal(governance.ProposalSpec{Proposer: proposer, Title: "motion",
			Summary: "s", URL: "https://example.org", Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}})
		if err != nil {
			t.Fatal(err)
		}
		props = append(props, id)
		for _, n := range mine[:i*2] {
			// Followers of the proposer have voted already.
			if err := gov.CastVote(n, id, nns.VoteNo); err != nil && !alreadyVoted(err) {
				t.Fatal(err)
			}
		}
	}
	call := func(name, method string, into reflect.Type, args ...any) devnetReply {
		arg, err := candid.Marshal(args)
		if err != nil {
			t.Fatal(err)
		}
		reply, err := gov.Methods()[method].Handle(context.Background(), devnet.Call{Caller: hot, Arg: arg})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		return devnetReply{name, reply, into}
	}
	manage := func(name string, neuron uint64, cmd nns.ManageNeuronCommandRequest) devnetReply {
		return call(name, "manage_neuron", reflect.TypeFor[nns.ManageNeuronResponse](), nns.ManageNeuronRequest{
			NeuronIdOrSubaccount: &nns.NeuronIdOrSubaccount{NeuronId: &nns.NeuronId{Id: neuron}},
			Command:              &cmd,
		})
	}
	vote := nns.ManageNeuronCommandRequest{RegisterVote: &nns.RegisterVote{Vote: int32(nns.VoteYes), Proposal: &nns.ProposalId{Id: props[0]}}}
	return []devnetReply{
		call("list_neurons by id", "list_neurons", reflect.TypeFor[nns.ListNeuronsResponse](), nns.ListNeurons{NeuronIds: append(mine, proposer)}),
		call("list_neurons readable", "list_neurons", reflect.TypeFor[nns.ListNeuronsResponse](), nns.ListNeurons{IncludeNeuronsReadableByCaller: true}),
		call("list_proposals", "list_proposals", reflect.TypeFor[nns.ListProposalInfoResponse](), nns.ListProposalInfoRequest{Limit: 100}),
		call("list_proposals accept votes", "list_proposals", reflect.TypeFor[nns.ListProposalInfoResponse](),
			nns.ListProposalInfoRequest{IncludeRewardStatus: []int32{int32(nns.RewardStatusAcceptVotes)}, Limit: 3}),
		call("get_proposal_info", "get_proposal_info", reflect.TypeFor[*nns.ProposalInfo](), props[3]),
		call("get_proposal_info unknown", "get_proposal_info", reflect.TypeFor[*nns.ProposalInfo](), uint64(1<<40)),
		call("get_pending_proposals", "get_pending_proposals", reflect.TypeFor[[]nns.ProposalInfo](), (*nns.GetPendingProposalsRequest)(nil)),
		call("get_neuron_info", "get_neuron_info", reflect.TypeFor[nns.NeuronInfoResult](), mine[1]),
		call("get_neuron_info unknown", "get_neuron_info", reflect.TypeFor[nns.NeuronInfoResult](), uint64(1<<40)),
		call("get_full_neuron", "get_full_neuron", reflect.TypeFor[nns.FullNeuronResult](), mine[2]),
		call("get_full_neuron not ours", "get_full_neuron", reflect.TypeFor[nns.FullNeuronResult](), proposer),
		call("list_known_neurons", "list_known_neurons", reflect.TypeFor[nns.ListKnownNeuronsResponse]()),
		call("get_latest_reward_event", "get_latest_reward_event", reflect.TypeFor[nns.RewardEvent]()),
		call("get_network_economics_parameters", "get_network_economics_parameters", reflect.TypeFor[nns.NetworkEconomics]()),
		manage("register_vote", mine[11], vote),
		manage("register_vote again", mine[11], vote),
		manage("follow", mine[5], nns.ManageNeuronCommandRequest{Follow: &nns.Follow{Topic: int32(nns.TopicGovernance), Followees: []nns.NeuronId{{Id: proposer}}}}),
		manage("refresh_voting_power", mine[6], nns.ManageNeuronCommandRequest{RefreshVotingPower: &nns.RefreshVotingPower{}}),
		manage("not a hotkey", proposer, vote),
	}
}

func alreadyVoted(err error) bool {
	var g *nns.GovernanceError
	return errors.As(err, &g) && g.Type() == nns.ErrorTypeNeuronAlreadyVoted
}

func TestDecodeFastDevnetReplies(t *testing.T) {
	for _, r := range devnetReplies(t) {
		t.Run(r.name, func(t *testing.T) {
			if err := compareDecoders(t, r.reply, r.into); err != nil {
				t.Fatalf("fast path failed: %v", err)
			}
		})
	}
}

// FuzzDecodeReply feeds mutated replies (seeded with the devnet's real
// replies) to both decoders for every reply type: a fast result must be the
// old path's result, a fast error the old path's error, a reply the old
// path accepts must not be declined (so CheckBounds finds where its
// values end) but for one agent-go quirk, and decode never panics. Replies CheckBounds rejects
// go to decode only, which must fail: agent-go could crash on them.
func FuzzDecodeReply(f *testing.F) {
	for _, r := range devnetReplies(f) {
		for i, typ := range replyTypes {
			if typ == r.into {
				f.Add(uint8(i), r.reply)
			}
		}
	}
	g := newValueGen(99)
	for i, typ := range replyTypes {
		reply, err := candid.Marshal([]any{g.value(typ, 4).Interface()})
		if err != nil {
			f.Fatal(err)
		}
		f.Add(uint8(i), reply)
	}
	f.Fuzz(func(t *testing.T, which uint8, reply []byte) {
		typ := replyTypes[int(which)%len(replyTypes)]
		if _, err := CheckBounds(reply); err != nil {
			return // agent-go might crash on it
		}
		var declined *DeclinedError
		if errors.As(compareDecoders(t, reply, typ), &declined) && oldDecode(reply, reflect.New(typ).Interface()) == nil &&
			!zeroReadAtEnd(reply) {
			t.Fatalf("%v: fast path declined a reply candid.Unmarshal accepts: %x", typ, reply)
		}
	})
}

// zeroReadAtEnd reports agent-go's one known reason for candid.Decode to
// reject a reply cut where CheckBounds says its values end although
// candid.Unmarshal accepts the whole: a zero-length read (an empty func,
// service or future value) at the very end of the input is io.EOF. The
// values then do end there: one more byte is "too long".
func zeroReadAtEnd(reply []byte) bool {
	end, err := CheckBounds(reply)
	if err != nil || end >= len(reply) {
		return false
	}
	_, _, errAtEnd := candid.Decode(reply[:end])
	_, _, errPastEnd := candid.Decode(reply[:end+1])
	return errors.Is(errAtEnd, io.EOF) && errPastEnd != nil && errPastEnd.Error() == "too long"
}
