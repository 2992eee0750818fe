package sns

import (
	"bytes"
	"reflect"
	"strings"
	"testing"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/candid/did"
	"github.com/aviate-labs/agent-go/principal"
)

func ptr[T any](v T) *T { return &v }

func roundTrip[T any](t *testing.T, in T) T {
	t.Helper()
	raw, err := candid.Marshal([]any{in})
	if err != nil {
		t.Fatalf("marshal %T: %v", in, err)
	}
	var out T
	if err := candid.Unmarshal(raw, []any{&out}); err != nil {
		t.Fatalf("unmarshal %T: %v", in, err)
	}
	return out
}

func neuronID(b byte) []byte { return bytes.Repeat([]byte{b}, NeuronIDLen) }

func TestCandidRoundTrip(t *testing.T) {
	bot := principal.MustDecode("rrkah-fqaaa-aaaaa-aaaaq-cai")
	proposal := ProposalData{
		Id: &ProposalId{Id: 12}, Action: 1, Topic: TopicOf(TopicGovernance),
		Ballots:                          []BallotEntry{{NeuronId: NeuronIDHex(neuronID(7)), Ballot: Ballot{Vote: VoteYes, CastTimestampSeconds: 5, VotingPower: 100}}},
		ProposalCreationTimestampSeconds: 1_700_000_000, InitialVotingPeriodSeconds: 4 * 86400,
		LatestTally:          &Tally{Yes: 100, Total: 300, TimestampSeconds: 1_700_000_001},
		Proposal:             &Proposal{Title: "Motion", Summary: "s", Url: "https://x", Action: &Action{Motion: &Motion{MotionText: "m"}}},
		Proposer:             &NeuronId{Id: neuronID(1)},
		WaitForQuietState:    &WaitForQuietState{CurrentDeadlineTimestampSeconds: 1_700_345_600},
		IsEligibleForRewards: true,
	}
	if got := roundTrip(t, ListProposalsResponse{IncludeBallotsByCaller: ptr(true), Proposals: []ProposalData{proposal}}); !reflect.DeepEqual(got.Proposals[0], proposal) {
		t.Errorf("proposal round trip:\n got %+v\nwant %+v", got.Proposals[0], proposal)
	}
	neuron := Neuron{
		Id:                   &NeuronId{Id: neuronID(7)},
		Permissions:          []NeuronPermission{{Principal: &bot, PermissionType: []int32{int32(PermissionVote), int32(PermissionSubmitProposal)}}},
		DissolveState:        &DissolveState{DissolveDelaySeconds: ptr(uint64(86400 * 30))},
		CachedNeuronStakeE8s: 5e8, VotingPowerPercentageMultiplier: 100,
		Followees: []FunctionFollowees{{FunctionId: 0, Followees: Followees{Followees: []NeuronId{{Id: neuronID(2)}}}}},
		TopicFollowees: &TopicFollowees{TopicIdToFollowees: []TopicFolloweesEntry{{TopicId: int32(TopicGovernance),
			Followees: FolloweesForTopic{Topic: TopicOf(TopicGovernance), Followees: []Followee{{NeuronId: &NeuronId{Id: neuronID(3)}, Alias: ptr("gov")}}}}}},
		DisburseMaturityInProgress: []struct{}{},
	}
	if got := roundTrip(t, ListNeuronsResponse{Neurons: []Neuron{neuron}}); !reflect.DeepEqual(got.Neurons[0], neuron) {
		t.Errorf("neuron round trip:\n got %+v\nwant %+v", got.Neurons[0], neuron)
	}
	vote := ManageNeuron{Subaccount: neuronID(7), Command: &Command{RegisterVote: &RegisterVote{Vote: VoteNo, Proposal: &ProposalId{Id: 12}}}}
	if got := roundTrip(t, vote); !reflect.DeepEqual(got, vote) {
		t.Errorf("manage_neuron round trip: %+v", got)
	}
	refused := ManageNeuronResponse{Command: &CommandResponse{Error: &GovernanceError{ErrorType: 15, ErrorMessage: "Neuron already voted on proposal."}}}
	if got := roundTrip(t, refused); got.Command == nil || got.Command.Error == nil || got.Command.Error.ErrorMessage != refused.Command.Error.ErrorMessage {
		t.Errorf("refusal round trip: %+v", got)
	}
	found := ListDeployedSnsesResponse{Instances: []DeployedSns{{RootCanisterId: &bot, GovernanceCanisterId: &bot}}}
	if got := roundTrip(t, found); !reflect.DeepEqual(got, found) {
		t.Errorf("list_deployed_snses round trip: %+v", got)
	}
}

func TestDIDsParse(t *testing.T) {
	for name, text := range map[string]string{"governance": GovernanceDID, "sns-w": WasmDID, "root": RootDID} {
		if _, err := did.ParseDID([]rune(text)); err != nil {
			t.Errorf("%s did does not parse: %v", name, err)
		}
	}
	for _, method := range []string{"list_proposals", "get_proposal", "list_neurons", "manage_neuron", "list_topics",
		"get_nervous_system_parameters", "get_latest_reward_event", "get_metadata", "list_nervous_system_functions"} {
		if !strings.Contains(GovernanceDID, method+" :") {
			t.Errorf("governance.did lacks %s", method)
		}
	}
	if _, err := principal.Decode(WasmCanisterID); err != nil {
		t.Errorf("WasmCanisterID: %v", err)
	}
}

func TestTopics(t *testing.T) {
	for _, id := range Topics() {
		if got := TopicOf(id).ID(); got != id {
			t.Errorf("TopicOf(%s).ID() = %s", id, got)
		}
		if p, ok := ParseTopic(strings.ToLower(id.String())); !ok || p != id {
			t.Errorf("ParseTopic(%s) = %v %v", id, p, ok)
		}
	}
	if (*Topic)(nil).ID() != TopicUnspecified || (&Topic{}).ID() != TopicUnspecified {
		t.Error("nil or unknown topic tag is not Unspecified")
	}
	if !TopicCriticalDappOperations.CriticalByDefault() || !TopicDaoCommunitySettings.CriticalByDefault() || TopicGovernance.CriticalByDefault() {
		t.Error("critical topics wrong")
	}
	if _, ok := ParseTopic("Governence"); ok {
		t.Error("misspelled topic accepted")
	}
}

func TestParseNeuronID(t *testing.T) {
	id := neuronID(0xab)
	if got, err := ParseNeuronID(" " + NeuronIDHex(id) + "\n"); err != nil || !bytes.Equal(got, id) {
		t.Errorf("ParseNeuronID = %x, %v", got, err)
	}
	for _, bad := range []string{"", "zz", NeuronIDHex(id[:31]), NeuronIDHex(id) + "00"} {
		if _, err := ParseNeuronID(bad); err == nil {
			t.Errorf("ParseNeuronID(%q) accepted", bad)
		}
	}
}

func TestPermissionBeyondVoting(t *testing.T) {
	for p := PermissionConfigureDissolveState; p <= PermissionManageVotingPermission; p++ {
		want := p != PermissionVote && p != PermissionSubmitProposal
		if p.BeyondVoting() != want {
			t.Errorf("%s.BeyondVoting() = %v", p, !want)
		}
	}
	if PermissionDisburse.String() != "Disburse" {
		t.Errorf("Disburse prints %q", PermissionDisburse.String())
	}
}

func TestNativeFunctions(t *testing.T) {
	seen := map[uint64]bool{}
	for _, f := range NativeFunctions() {
		if seen[f.ID] || !f.Topic.Known() || f.ID >= FirstCustomFunction || f.Name == "" {
			t.Errorf("bad native function %+v", f)
		}
		seen[f.ID] = true
		if g, ok := NativeFunctionByID(f.ID); !ok || g != f {
			t.Errorf("NativeFunctionByID(%d) = %+v %v", f.ID, g, ok)
		}
	}
	if f, _ := NativeFunctionByID(FunctionTransferSnsTreasuryFunds); !f.Topic.CriticalByDefault() {
		t.Error("TransferSnsTreasuryFunds is not in a critical topic")
	}
	if _, ok := NativeFunctionByID(FunctionExecuteGenericNervousSystemFunction); ok {
		t.Error("ExecuteGenericNervousSystemFunction has no topic of its own")
	}
	if (&Action{Motion: &Motion{}}).Name() != "Motion" || (*Action)(nil).Name() != "" || (&Action{}).Name() != "" {
		t.Error("Action.Name")
	}
}
