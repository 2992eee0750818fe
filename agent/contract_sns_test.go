package agent

import (
	"bytes"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/agent/internal/candidfast"
	"github.com/votebot/votebot/sns"
)

// The SNS contract fixtures are replies encoded with the Candid interfaces
// of @icp-sdk/canisters 3.6.0 (SNS governance, SNS-W, root, ICRC ledger; see
// testdata/contract-sns/README.md), decoded here through the agent's real
// decode path (decodeReply, the opt rule): today's shapes and what a newer
// SNS would send.

const contractSNSDir = "testdata/contract-sns/replies"

var (
	snsProposalsType = reflect.TypeFor[sns.ListProposalsResponse]()
	snsProposalType  = reflect.TypeFor[sns.GetProposalResponse]()
	snsNeuronsType   = reflect.TypeFor[sns.ListNeuronsResponse]()
	snsManageType    = reflect.TypeFor[sns.ManageNeuronResponse]()
)

func contractSNSCaseFor(name string) (contractCase, bool) {
	if tag, ok := strings.CutPrefix(name, "action_"); ok {
		return contractCase{"sns.list_proposals", snsProposalsType, func(t *testing.T, out any, drops []candidfast.Drop) {
			ps := out.(*sns.ListProposalsResponse).Proposals
			wantDrops(t, drops)
			if len(ps) != 1 || ps[0].Proposal == nil || ps[0].Proposal.Action.Name() != tag || ps[0].Topic.ID() != sns.TopicGovernance {
				t.Fatalf("got %d proposals; want 1 with action %s", len(ps), tag)
			}
			if set := setCases(ps[0].Proposal.Action); !slices.Equal(set, []string{tag}) {
				t.Errorf("Action cases set: %v, want [%s]", set, tag)
			}
		}}, true
	}
	if tag, ok := strings.CutPrefix(name, "topic_"); ok {
		return contractCase{"sns.get_proposal", snsProposalType, func(t *testing.T, out any, drops []candidfast.Drop) {
			wantDrops(t, drops)
			r := out.(*sns.GetProposalResponse).Result
			if r == nil || r.Proposal == nil || r.Proposal.Topic.ID().String() != tag {
				t.Errorf("topic not %s: %+v", tag, r)
			}
		}}, true
	}
	if tag, ok := strings.CutPrefix(name, "command_"); ok {
		tag, _, _ = strings.Cut(tag, "_already_voted")
		return contractCase{"sns.manage_neuron", snsManageType, func(t *testing.T, out any, drops []candidfast.Drop) {
			wantDrops(t, drops)
			if set := setCases(out.(*sns.ManageNeuronResponse).Command); !slices.Equal(set, []string{tag}) {
				t.Errorf("Command_1 cases set: %v, want [%s]", set, tag)
			}
		}}, true
	}
	c, ok := contractSNSCases[name]
	return c, ok
}

func snsNeuronID(b byte) []byte { return bytes.Repeat([]byte{b}, sns.NeuronIDLen) }

var contractSNSCases = map[string]contractCase{
	"list_proposals_3": {"sns.list_proposals", snsProposalsType, func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		r := out.(*sns.ListProposalsResponse)
		if len(r.Proposals) != 3 || r.Proposals[1].Proposal.Action.ExecuteGenericNervousSystemFunction.FunctionId != 1001 ||
			r.IncludeBallotsByCaller == nil || !*r.IncludeBallotsByCaller {
			t.Fatalf("got %+v", r)
		}
		p := r.Proposals[0]
		if p.Id.Id != 3 || p.Proposal.Title != "proposal 3" || !bytes.Equal(p.Proposer.Id, snsNeuronID(1)) || len(p.Ballots) != 1 ||
			p.Ballots[0].NeuronId != sns.NeuronIDHex(snsNeuronID(7)) || p.Ballots[0].Ballot.Vote != sns.VoteYes || p.Ballots[0].Ballot.VotingPower != 1003 ||
			p.WaitForQuietState == nil || p.LatestTally == nil || p.RewardEventEndTimestampSeconds == nil || !p.IsEligibleForRewards {
			t.Errorf("proposal 3: %+v", p)
		}
	}},
	"list_proposals_no_action": {"sns.list_proposals", snsProposalsType, func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		ps := out.(*sns.ListProposalsResponse).Proposals
		if len(ps) != 1 || ps[0].Proposal.Action != nil || ps[0].Topic != nil {
			t.Errorf("got %+v", ps)
		}
	}},
	"get_proposal": {"sns.get_proposal", snsProposalType, func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		r := out.(*sns.GetProposalResponse).Result
		if r == nil || r.Proposal == nil || r.Proposal.Id.Id != 9 || r.Proposal.Proposal.Action.Motion.MotionText != "nine" {
			t.Errorf("got %+v", r)
		}
	}},
	"get_proposal_error": {"sns.get_proposal", snsProposalType, func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		r := out.(*sns.GetProposalResponse).Result
		if r == nil || r.Error == nil || r.Error.ErrorType != snsErrorNotFound {
			t.Errorf("got %+v", r)
		}
	}},
	"list_neurons": {"sns.list_neurons", snsNeuronsType, func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		ns := out.(*sns.ListNeuronsResponse).Neurons
		if len(ns) != 2 || ns[0].DissolveState.DissolveDelaySeconds == nil || ns[1].DissolveState.WhenDissolvedTimestampSeconds == nil {
			t.Fatalf("got %+v", ns)
		}
		n := ns[0]
		if !bytes.Equal(n.Id.Id, snsNeuronID(11)) || n.CachedNeuronStakeE8s != 500_000_011 || !slices.Equal(n.PermissionsOf(fixturePrincipal), []sns.Permission{sns.PermissionSubmitProposal, sns.PermissionVote}) {
			t.Errorf("neuron 11: %+v", n)
		}
		if f := n.TopicFollowees.TopicIdToFollowees; len(f) != 1 || f[0].TopicId != 5 || f[0].Followees.Topic.ID() != sns.TopicGovernance ||
			!bytes.Equal(f[0].Followees.Followees[0].NeuronId.Id, snsNeuronID(9)) || *f[0].Followees.Followees[0].Alias != "nine" {
			t.Errorf("topic followees: %+v", f)
		}
		if field := everyFieldSet(n); field != "" {
			t.Errorf("neuron field %s not decoded", field)
		}
	}},
	"list_topics": {"sns.list_topics", reflect.TypeFor[sns.ListTopicsResponse](), func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		r := out.(*sns.ListTopicsResponse)
		if r.Topics == nil || len(*r.Topics) != 1 || (*r.Topics)[0].IsCritical == nil || (*r.Topics)[0].NativeFunctions == nil {
			t.Errorf("got %+v", r)
		}
	}},
	"get_nervous_system_parameters": {"sns.get_nervous_system_parameters", reflect.TypeFor[sns.NervousSystemParameters](), func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		if field := everyFieldSet(*out.(*sns.NervousSystemParameters)); field != "" {
			t.Errorf("field %s not decoded", field)
		}
	}},
	"get_latest_reward_event": {"sns.get_latest_reward_event", reflect.TypeFor[sns.RewardEvent](), func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		if field := everyFieldSet(*out.(*sns.RewardEvent)); field != "" {
			t.Errorf("field %s not decoded", field)
		}
	}},
	"get_metadata": {"sns.get_metadata", reflect.TypeFor[sns.GetMetadataResponse](), func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		if field := everyFieldSet(*out.(*sns.GetMetadataResponse)); field != "" {
			t.Errorf("field %s not decoded", field)
		}
	}},
	"list_nervous_system_functions": {"sns.list_nervous_system_functions", reflect.TypeFor[sns.ListNervousSystemFunctionsResponse](), func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		r := out.(*sns.ListNervousSystemFunctionsResponse)
		if len(r.Functions) != 1 || r.Functions[0].FunctionType == nil || len(r.ReservedIds) != 1 {
			t.Errorf("got %+v", r)
		}
	}},
	"list_deployed_snses": {"snsw.list_deployed_snses", reflect.TypeFor[sns.ListDeployedSnsesResponse](), func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		r := out.(*sns.ListDeployedSnsesResponse)
		if len(r.Instances) != 1 || everyFieldSet(r.Instances[0]) != "" || !r.Instances[0].RootCanisterId.Equal(fixturePrincipal) {
			t.Errorf("got %+v", r)
		}
	}},
	"list_sns_canisters": {"sns_root.list_sns_canisters", reflect.TypeFor[sns.ListSnsCanistersResponse](), func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		r := out.(*sns.ListSnsCanistersResponse)
		if r.Governance == nil || r.Ledger == nil || !r.Governance.Equal(fixturePrincipal) {
			t.Errorf("got %+v", r)
		}
	}},
	"icrc1_symbol": {"ledger.icrc1_symbol", reflect.TypeFor[string](), func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops)
		if s := *out.(*string); s != "CHAT" {
			t.Errorf("symbol %q", s)
		}
	}},
	// A newer Action tag: only that proposal's action reads as absent.
	"future_action": {"sns.list_proposals", snsProposalsType, func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops, candidfast.Drop{GoType: "sns.Action", Tag: futureTag("SomeFutureAction")})
		ps := out.(*sns.ListProposalsResponse).Proposals
		if len(ps) != 3 || ps[1].Proposal.Action != nil || ps[1].Proposal.Title != "proposal 2" || ps[0].Proposal.Action.Motion == nil || ps[2].Proposal.Action.Motion == nil {
			t.Errorf("got %+v", ps)
		}
	}},
	// A newer Topic: the proposal's topic reads as absent, the rest stays.
	"future_topic": {"sns.list_proposals", snsProposalsType, func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops, candidfast.Drop{GoType: "sns.Topic", Tag: futureTag("SomeFutureTopic")})
		ps := out.(*sns.ListProposalsResponse).Proposals
		if len(ps) != 3 || ps[1].Topic != nil || ps[1].Proposal.Action.Motion == nil || ps[0].Topic.ID() != sns.TopicGovernance {
			t.Errorf("got %+v", ps)
		}
	}},
	"future_topic_in_neuron": {"sns.list_neurons", snsNeuronsType, func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops, candidfast.Drop{GoType: "sns.Topic", Tag: futureTag("SomeFutureTopic")})
		ns := out.(*sns.ListNeuronsResponse).Neurons
		if len(ns) != 2 {
			t.Fatalf("%d neurons", len(ns))
		}
		f := ns[0].TopicFollowees.TopicIdToFollowees
		if len(f) != 2 || f[0].TopicId != 8 || f[0].Followees.Topic != nil || len(f[0].Followees.Followees) != 1 || f[1].Followees.Topic.ID() != sns.TopicGovernance {
			t.Errorf("topic followees: %+v", f)
		}
	}},
	"future_dissolve_state": {"sns.list_neurons", snsNeuronsType, func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops, candidfast.Drop{GoType: "sns.DissolveState", Tag: futureTag("SomeFutureDissolveState")})
		ns := out.(*sns.ListNeuronsResponse).Neurons
		if len(ns) != 2 || ns[0].DissolveState == nil || ns[1].DissolveState != nil || ns[1].CachedNeuronStakeE8s != 500_000_012 {
			t.Errorf("got %+v", ns)
		}
	}},
	// A newer Command_1 case: the command reads as absent, which the client
	// reports as a DecodeError rather than a success (SNSGovernance.manage).
	"future_command": {"sns.manage_neuron", snsManageType, func(t *testing.T, out any, drops []candidfast.Drop) {
		wantDrops(t, drops, candidfast.Drop{GoType: "sns.CommandResponse", Tag: futureTag("SomeFutureCommand")})
		if c := out.(*sns.ManageNeuronResponse).Command; c != nil {
			t.Errorf("command %+v, want absent", c)
		}
	}},
}

func TestContractSNSFixtures(t *testing.T) {
	seen := runContractFixtures(t, contractSNSDir, contractSNSCaseFor, contractSNSCases)
	for prefix, typ := range map[string]reflect.Type{"action_": reflect.TypeFor[sns.Action](), "command_": reflect.TypeFor[sns.CommandResponse](), "topic_": reflect.TypeFor[sns.Topic]()} {
		for _, tag := range caseNames(typ) {
			if !seen[prefix+tag] {
				t.Errorf("no fixture for %s case %s", typ, tag)
			}
		}
	}
}

// TestSNSAlreadyVotedFixture: the canister's already-voted refusal, as the
// real interface encodes it, is already-voted and refused for the client.
func TestSNSAlreadyVotedFixture(t *testing.T) {
	var resp sns.ManageNeuronResponse
	if _, err := decodeReply("sns.manage_neuron", readFixture(t, filepath.Join(contractSNSDir, "command_Error_already_voted.hex")), &resp); err != nil {
		t.Fatal(err)
	}
	s := (&Governance{}).SNS(principal.AnonymousID)
	err := s.govError("sns.manage_neuron.RegisterVote", resp.Command.Error)
	if !IsAlreadyVoted(err) || !IsRefused(err) {
		t.Errorf("%v: want already voted and refused", err)
	}
	other := s.govError("sns.manage_neuron.RegisterVote", &sns.GovernanceError{ErrorType: 10, ErrorMessage: "Proposal deadline has passed."})
	if IsAlreadyVoted(other) || !IsRefused(other) {
		t.Errorf("%v: want refused, not already voted", other)
	}
}
