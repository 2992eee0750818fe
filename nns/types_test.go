package nns

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/candid/did"
	"github.com/aviate-labs/agent-go/candid/idl"
	"github.com/aviate-labs/agent-go/principal"
)

func ptr[T any](v T) *T { return &v }

// roundTrip encodes in with agent-go's candid and decodes into a new T.
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

func TestCandidRoundTrip(t *testing.T) {
	anon := principal.AnonymousID
	hot := principal.MustDecode("rrkah-fqaaa-aaaaa-aaaaq-cai")
	proposal := ProposalInfo{
		Id:     &ProposalId{Id: 42},
		Status: int32(ProposalStatusOpen),
		Topic:  int32(TopicGovernance),
		Ballots: []BallotEntry{
			{NeuronId: 7, Ballot: Ballot{Vote: int32(VoteYes), VotingPower: 123}},
			{NeuronId: 8, Ballot: Ballot{Vote: 0, VotingPower: 5}},
		},
		ProposalTimestampSeconds: 1_700_000_000,
		DeadlineTimestampSeconds: ptr(uint64(1_700_345_600)),
		LatestTally:              &Tally{Yes: 123, No: 0, Total: 128, TimestampSeconds: 1_700_000_001},
		RewardStatus:             int32(RewardStatusAcceptVotes),
		Proposal: &Proposal{
			Title:   ptr("Motion to test"),
			Summary: "summary",
			Url:     "https://example.org",
			Action:  &Action{Motion: &Motion{MotionText: "do it"}},
		},
		Proposer:                  &NeuronId{Id: 7},
		TotalPotentialVotingPower: ptr(uint64(200)),
	}
	execute := proposal
	execute.Proposal = &Proposal{Summary: "x", Action: &Action{ExecuteNnsFunction: &ExecuteNnsFunction{NnsFunction: 4, Payload: []byte{1, 2, 3}}}}
	manageAction := proposal
	manageAction.Proposal = &Proposal{Summary: "m", Action: &Action{ManageNeuron: &ManageNeuron{
		NeuronIdOrSubaccount: &NeuronIdOrSubaccount{NeuronId: &NeuronId{Id: 9}},
		Command:              &Command{Follow: &Follow{Topic: 4, Followees: []NeuronId{{Id: 1}}}},
	}}}
	neuron := Neuron{
		Id:                   &NeuronId{Id: 7},
		Controller:           &anon,
		HotKeys:              []principal.Principal{hot},
		RecentBallots:        []BallotInfo{{Vote: 1, ProposalId: &ProposalId{Id: 42}}},
		CachedNeuronStakeE8s: 100,
		Account:              make([]byte, 32),
		DissolveState:        &DissolveState{DissolveDelaySeconds: ptr(uint64(15_778_800))},
		Followees:            []FolloweesEntry{{Topic: 0, Followees: Followees{Followees: []NeuronId{{Id: 27}}}}},
		KnownNeuronData:      &KnownNeuronData{Name: "DFINITY", CommittedTopics: &[]*TopicToFollow{{Governance: &idl.Null{}}}},
		DecidingVotingPower:  ptr(uint64(99)),
	}
	tests := []struct {
		name string
		in   any
		out  func(t *testing.T, in any) any
	}{
		{"ProposalInfo Motion", proposal, func(t *testing.T, in any) any { return roundTrip(t, in.(ProposalInfo)) }},
		{"ProposalInfo ExecuteNnsFunction", execute, func(t *testing.T, in any) any { return roundTrip(t, in.(ProposalInfo)) }},
		{"ProposalInfo ManageNeuron", manageAction, func(t *testing.T, in any) any { return roundTrip(t, in.(ProposalInfo)) }},
		{"ManageNeuronRequest RegisterVote", ManageNeuronRequest{
			NeuronIdOrSubaccount: &NeuronIdOrSubaccount{NeuronId: &NeuronId{Id: 7}},
			Command:              &ManageNeuronCommandRequest{RegisterVote: &RegisterVote{Vote: 1, Proposal: &ProposalId{Id: 42}}},
		}, func(t *testing.T, in any) any { return roundTrip(t, in.(ManageNeuronRequest)) }},
		{"ManageNeuronRequest Configure", ManageNeuronRequest{
			NeuronIdOrSubaccount: &NeuronIdOrSubaccount{Subaccount: &[]byte{1, 2}},
			Command: &ManageNeuronCommandRequest{Configure: &Configure{Operation: &Operation{
				AddHotKey: &AddHotKey{NewHotKey: &hot}}}},
		}, func(t *testing.T, in any) any { return roundTrip(t, in.(ManageNeuronRequest)) }},
		{"ManageNeuronRequest MakeProposal", ManageNeuronRequest{
			Command: &ManageNeuronCommandRequest{MakeProposal: &MakeProposalRequest{
				Title: ptr("t"), Summary: "s", Action: &ProposalActionRequest{Motion: &Motion{MotionText: "m"}}}},
		}, func(t *testing.T, in any) any { return roundTrip(t, in.(ManageNeuronRequest)) }},
		{"ManageNeuronRequest SetFollowing", ManageNeuronRequest{
			Command: &ManageNeuronCommandRequest{SetFollowing: &SetFollowing{TopicFollowing: &[]FolloweesForTopic{
				{Topic: ptr(int32(4)), Followees: &[]NeuronId{{Id: 27}}}}}},
		}, func(t *testing.T, in any) any { return roundTrip(t, in.(ManageNeuronRequest)) }},
		{"ManageNeuronResponse Error", ManageNeuronResponse{Command: &Command1{Error: &GovernanceError{ErrorType: 19, ErrorMessage: "x"}}},
			func(t *testing.T, in any) any { return roundTrip(t, in.(ManageNeuronResponse)) }},
		{"ManageNeuronResponse RegisterVote", ManageNeuronResponse{Command: &Command1{RegisterVote: &EmptyRecord{}}},
			func(t *testing.T, in any) any { return roundTrip(t, in.(ManageNeuronResponse)) }},
		{"FullNeuronResult", FullNeuronResult{Ok: &neuron}, func(t *testing.T, in any) any { return roundTrip(t, in.(FullNeuronResult)) }},
		{"NeuronInfoResult Err", NeuronInfoResult{Err: &GovernanceError{ErrorType: 4, ErrorMessage: "nope"}},
			func(t *testing.T, in any) any { return roundTrip(t, in.(NeuronInfoResult)) }},
		{"ListNeuronsResponse", ListNeuronsResponse{
			NeuronInfos: []NeuronInfoEntry{{NeuronId: 7, Info: NeuronInfo{Id: &NeuronId{Id: 7}, StakeE8s: 5, RecentBallots: []BallotInfo{}}}},
			FullNeurons: []Neuron{neuron}, TotalPagesAvailable: ptr(uint64(1)),
		}, func(t *testing.T, in any) any { return roundTrip(t, in.(ListNeuronsResponse)) }},
		{"ListProposalInfoRequest", ListProposalInfoRequest{IncludeRewardStatus: []int32{1}, Limit: 100,
			BeforeProposal: &ProposalId{Id: 9}, ExcludeTopic: []int32{2}, IncludeStatus: []int32{}, OmitLargeFields: ptr(true)},
			func(t *testing.T, in any) any { return roundTrip(t, in.(ListProposalInfoRequest)) }},
		{"RewardEvent", RewardEvent{DayAfterGenesis: 3, TotalAvailableE8sEquivalent: 100, SettledProposals: []ProposalId{{Id: 1}}},
			func(t *testing.T, in any) any { return roundTrip(t, in.(RewardEvent)) }},
		{"NetworkEconomics", NetworkEconomics{NeuronMinimumStakeE8s: 100_000_000, VotingPowerEconomics: &VotingPowerEconomics{
			StartReducingVotingPowerAfterSeconds: ptr(uint64(15_778_800))}},
			func(t *testing.T, in any) any { return roundTrip(t, in.(NetworkEconomics)) }},
		{"ListKnownNeuronsResponse", ListKnownNeuronsResponse{KnownNeurons: []KnownNeuron{{Id: &NeuronId{Id: 27},
			KnownNeuronData: &KnownNeuronData{Name: "DFINITY Foundation", Description: ptr("d"), Links: &[]string{"https://dfinity.org"}}}}},
			func(t *testing.T, in any) any { return roundTrip(t, in.(ListKnownNeuronsResponse)) }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := tc.out(t, tc.in)
			if !reflect.DeepEqual(normalize(got), normalize(tc.in)) {
				t.Errorf("round trip changed the value:\n got %+v\nwant %+v", got, tc.in)
			}
		})
	}
}

// normalize maps nil and empty slices to the same value so DeepEqual
// compares content: Candid does not distinguish them.
func normalize(v any) any {
	return normalizeValue(reflect.ValueOf(v)).Interface()
}

func normalizeValue(v reflect.Value) reflect.Value {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return v
		}
		out := reflect.New(v.Type().Elem())
		out.Elem().Set(normalizeValue(v.Elem()))
		return out
	case reflect.Struct:
		out := reflect.New(v.Type()).Elem()
		for i := range v.NumField() {
			if out.Field(i).CanSet() {
				out.Field(i).Set(normalizeValue(v.Field(i)))
			} else {
				return v
			}
		}
		return out
	case reflect.Slice:
		if v.Len() == 0 {
			return reflect.Zero(v.Type())
		}
		out := reflect.MakeSlice(v.Type(), v.Len(), v.Len())
		for i := range v.Len() {
			out.Index(i).Set(normalizeValue(v.Index(i)))
		}
		return out
	}
	return v
}

// A newer canister adds fields; decoding must skip them.
func TestDecodeSkipsUnknownFields(t *testing.T) {
	type futureTally struct {
		No               uint64  `ic:"no"`
		Yes              uint64  `ic:"yes"`
		Total            uint64  `ic:"total"`
		TimestampSeconds uint64  `ic:"timestamp_seconds"`
		Abstain          *uint64 `ic:"abstain,omitempty"`
	}
	type futureBallot struct {
		Vote        int32  `ic:"vote"`
		VotingPower uint64 `ic:"voting_power"`
		Reason      string `ic:"reason"`
	}
	type futureBallotEntry struct {
		NeuronId uint64       `ic:"0,tuple"`
		Ballot   futureBallot `ic:"1,tuple"`
	}
	type futureProposalInfo struct {
		Id          *ProposalId         `ic:"id,omitempty"`
		Status      int32               `ic:"status"`
		Topic       int32               `ic:"topic"`
		Ballots     []futureBallotEntry `ic:"ballots"`
		LatestTally *futureTally        `ic:"latest_tally,omitempty"`
		NewField    string              `ic:"brand_new_field"`
		NewRecord   struct {
			A uint64 `ic:"a"`
		} `ic:"another_new_field"`
	}
	in := futureProposalInfo{
		Id: &ProposalId{Id: 5}, Status: 1, Topic: 4,
		Ballots:     []futureBallotEntry{{NeuronId: 3, Ballot: futureBallot{Vote: 2, VotingPower: 9, Reason: "because"}}},
		LatestTally: &futureTally{Yes: 1, No: 2, Total: 3, Abstain: ptr(uint64(4))},
		NewField:    "hello",
	}
	raw, err := candid.Marshal([]any{in})
	if err != nil {
		t.Fatal(err)
	}
	var out ProposalInfo
	if err := candid.Unmarshal(raw, []any{&out}); err != nil {
		t.Fatalf("decoding a reply with unknown fields: %v", err)
	}
	if out.Id == nil || out.Id.Id != 5 || out.Topic != 4 || out.Status != 1 {
		t.Errorf("known fields lost: %+v", out)
	}
	if len(out.Ballots) != 1 || out.Ballots[0].NeuronId != 3 || out.Ballots[0].Ballot.VotingPower != 9 {
		t.Errorf("ballots = %+v", out.Ballots)
	}
	if out.LatestTally == nil || out.LatestTally.Total != 3 {
		t.Errorf("tally = %+v", out.LatestTally)
	}
}

func TestGovernanceErrorIsError(t *testing.T) {
	var err error = NewGovernanceError(ErrorTypeNeuronAlreadyVoted, "Neuron already voted on proposal.")
	var ge *GovernanceError
	if !errors.As(err, &ge) || ge.Type() != ErrorTypeNeuronAlreadyVoted {
		t.Fatalf("errors.As failed: %v", err)
	}
	if !strings.Contains(err.Error(), "NeuronAlreadyVoted (19)") {
		t.Errorf("Error() = %q", err.Error())
	}
}

func TestGovernanceDIDParses(t *testing.T) {
	if _, err := did.ParseDID([]rune(GovernanceDID)); err != nil {
		t.Fatalf("governance.did does not parse: %v", err)
	}
	for _, method := range []string{"list_proposals", "get_proposal_info", "get_pending_proposals", "manage_neuron",
		"get_neuron_info", "get_full_neuron", "list_neurons", "list_known_neurons", "get_latest_reward_event",
		"get_network_economics_parameters"} {
		if !strings.Contains(GovernanceDID, method+" :") {
			t.Errorf("governance.did lacks %s", method)
		}
	}
	if _, err := principal.Decode(GovernanceCanisterID); err != nil {
		t.Errorf("GovernanceCanisterID: %v", err)
	}
}

// Action payloads declared as empty structs still decode: every field of
// the real record is skipped.
func TestDecodeUnmodelledActionPayload(t *testing.T) {
	type csns struct {
		Name        *string `ic:"name,omitempty"`
		Description *string `ic:"description,omitempty"`
	}
	type futureAction struct {
		CreateServiceNervousSystem *csns   `ic:"CreateServiceNervousSystem,variant"`
		Motion                     *Motion `ic:"Motion,variant"`
	}
	type futureProposal struct {
		Summary string        `ic:"summary"`
		Action  *futureAction `ic:"action,omitempty"`
	}
	name := "Example SNS"
	raw, err := candid.Marshal([]any{futureProposal{Summary: "s", Action: &futureAction{CreateServiceNervousSystem: &csns{Name: &name}}}})
	if err != nil {
		t.Fatal(err)
	}
	var out Proposal
	if err := candid.Unmarshal(raw, []any{&out}); err != nil {
		t.Fatalf("decode: %v", err)
	}
	if out.Action == nil || out.Action.CreateServiceNervousSystem == nil || out.Summary != "s" {
		t.Fatalf("decoded %+v", out)
	}
}
