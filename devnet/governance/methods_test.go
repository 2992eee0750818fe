package governance

import (
	"errors"
	"testing"

	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

func TestListProposals(t *testing.T) {
	c, _ := newCanister(t, rewards.RegimeCurrent, nil)
	bot := user(700)
	addNeuron(t, c, 1, icp, func(s *NeuronSpec) { s.HotKeys = append(s.HotKeys, bot) }) // bot is a hotkey
	addNeuron(t, c, 2, icp, func(s *NeuronSpec) { s.Controller = bot })                 // bot controls
	addNeuron(t, c, 3, icp, nil)
	addNeuron(t, c, 9, 1000*icp, nil)
	for range 120 {
		submit(t, c, motion(9))
	}
	submit(t, c, onTopic(9, nns.TopicExchangeRate)) // 121

	list := func(caller principal.Principal, req nns.ListProposalInfoRequest) []nns.ProposalInfo {
		var resp nns.ListProposalInfoResponse
		call(t, c, "list_proposals", caller, req, &resp)
		return resp.ProposalInfo
	}
	got := list(bot, nns.ListProposalInfoRequest{Limit: 0})
	if len(got) != 100 || got[0].Id.Id != 121 || got[99].Id.Id != 22 {
		t.Fatalf("limit 0: %d proposals from %d, want 100 newest first from 121", len(got), got[0].Id.Id)
	}
	if len(got[1].Ballots) != 2 || got[1].Ballots[0].NeuronId != 1 || got[1].Ballots[1].NeuronId != 2 {
		t.Errorf("bot sees ballots %+v, want neurons 1 (hotkey) and 2 (controller) only", got[1].Ballots)
	}
	if got := list(principal.AnonymousID, nns.ListProposalInfoRequest{Limit: 5}); len(got) != 5 || len(got[0].Ballots) != 0 {
		t.Errorf("anonymous: %d proposals, ballots %v; want 5, none", len(got), got[0].Ballots)
	}
	if got := list(bot, nns.ListProposalInfoRequest{Limit: 500, BeforeProposal: &nns.ProposalId{Id: 3}}); len(got) != 2 || got[0].Id.Id != 2 {
		t.Errorf("before 3: %d proposals, want 2 (2 and 1)", len(got))
	}
	if got := list(bot, nns.ListProposalInfoRequest{Limit: 10, ExcludeTopic: []int32{int32(nns.TopicGovernance)}}); len(got) != 1 || got[0].Topic != int32(nns.TopicExchangeRate) {
		t.Errorf("exclude Governance: %d proposals", len(got))
	}
	// 9 holds the majority: its proposals are adopted at once.
	if got := list(bot, nns.ListProposalInfoRequest{Limit: 10, IncludeStatus: []int32{int32(nns.ProposalStatusExecuted)}}); len(got) != 10 {
		t.Errorf("include Executed: %d proposals, want 10", len(got))
	}
	if got := list(bot, nns.ListProposalInfoRequest{Limit: 10, IncludeStatus: []int32{int32(nns.ProposalStatusRejected)}}); len(got) != 0 {
		t.Errorf("include Rejected: %d proposals, want 0", len(got))
	}
	if got := list(bot, nns.ListProposalInfoRequest{Limit: 7, IncludeRewardStatus: []int32{int32(nns.RewardStatusAcceptVotes)}}); len(got) != 7 {
		t.Errorf("include AcceptVotes: %d proposals, want 7", len(got))
	}
}

func TestQueriesAndBadInput(t *testing.T) {
	c, _ := newCanister(t, rewards.RegimeCurrent, nil)
	addNeuron(t, c, 1, icp, func(s *NeuronSpec) { s.KnownName = "Alpha" })
	addNeuron(t, c, 2, icp, nil)

	var pi *nns.ProposalInfo
	call(t, c, "get_proposal_info", user(1), uint64(42), &pi)
	if pi != nil {
		t.Errorf("unknown proposal: got %+v, want none", pi)
	}
	var nr nns.NeuronInfoResult
	call(t, c, "get_neuron_info", user(1), uint64(42), &nr)
	if nr.Err == nil || nr.Err.ErrorType != int32(nns.ErrorTypeNotFound) {
		t.Errorf("unknown neuron: %+v", nr)
	}
	var fr nns.FullNeuronResult
	call(t, c, "get_full_neuron", user(1), uint64(2), &fr)
	if fr.Err == nil || fr.Err.ErrorType != int32(nns.ErrorTypeNotAuthorized) {
		t.Errorf("full neuron of another controller: %+v", fr)
	}
	call(t, c, "get_full_neuron", user(2), uint64(2), &fr)
	if fr.Ok == nil || fr.Ok.Id.Id != 2 {
		t.Errorf("own full neuron: %+v", fr)
	}
	var kn nns.ListKnownNeuronsResponse
	call(t, c, "list_known_neurons", user(9), nil, &kn)
	if len(kn.KnownNeurons) != 1 || kn.KnownNeurons[0].KnownNeuronData.Name != "Alpha" {
		t.Errorf("known neurons = %+v", kn)
	}
	var ln nns.ListNeuronsResponse
	call(t, c, "list_neurons", user(2), nns.ListNeurons{NeuronIds: []uint64{1, 99}, IncludeNeuronsReadableByCaller: true, PageSize: ptr(uint64(1))}, &ln)
	if len(ln.NeuronInfos) != 1 || ln.NeuronInfos[0].NeuronId != 1 || *ln.TotalPagesAvailable != 2 || len(ln.FullNeurons) != 0 {
		t.Errorf("list_neurons page 0 = %+v", ln)
	}
	call(t, c, "list_neurons", user(2), nns.ListNeurons{IncludeNeuronsReadableByCaller: true, PageSize: ptr(uint64(1)), PageNumber: ptr(uint64(0))}, &ln)
	if len(ln.FullNeurons) != 1 || ln.FullNeurons[0].Id.Id != 2 {
		t.Errorf("list_neurons readable = %+v", ln)
	}
	var ne nns.NetworkEconomics
	call(t, c, "get_network_economics_parameters", user(1), nil, &ne)
	if ve := ne.VotingPowerEconomics; ve == nil || *ve.NeuronMinimumDissolveDelayToVoteSeconds != 14*86400 {
		t.Errorf("voting power economics = %+v", ve)
	}
	var ev nns.RewardEvent
	call(t, c, "get_latest_reward_event", user(1), nil, &ev)

	for _, tc := range []struct {
		method string
		arg    []byte
	}{
		{"list_proposals", []byte("not candid")},
		{"manage_neuron", []byte("DIDL\x00\x01\x71\x03abc")}, // a text, not a ManageNeuronRequest
		{"get_proposal_info", nil},
		{"get_neuron_info", []byte("DIDL")},
	} {
		_, err := callRaw(c, tc.method, user(1), tc.arg)
		var ce *devnet.CandidError
		if !errors.As(err, &ce) {
			t.Errorf("%s with a malformed argument: err = %v, want a CandidError (trap)", tc.method, err)
		}
	}
	if c.Counters().Calls["list_proposals"] != 1 {
		t.Errorf("calls = %v", c.Counters().Calls)
	}
}

func TestMakeProposalCommand(t *testing.T) {
	c, _ := newCanister(t, rewards.RegimeCurrent, nil)
	addNeuron(t, c, 1, 10*icp, func(s *NeuronSpec) { s.DissolveDelay = 14 * day }) // can vote, cannot propose
	addNeuron(t, c, 2, 10*icp, nil)
	mk := func(a *nns.ProposalActionRequest) nns.ManageNeuronCommandRequest {
		return nns.ManageNeuronCommandRequest{MakeProposal: &nns.MakeProposalRequest{Title: ptr("t"), Summary: "s", Action: a}}
	}
	got := manage(t, c, user(2), 2, mk(&nns.ProposalActionRequest{ExecuteNnsFunction: &nns.ExecuteNnsFunction{NnsFunction: 10}}))
	if got.MakeProposal == nil || got.MakeProposal.ProposalId.Id != 1 {
		t.Fatalf("MakeProposal: %+v", got.Error)
	}
	if pi := info(t, c, 1); pi.Topic != int32(nns.TopicExchangeRate) || *pi.DeadlineTimestampSeconds-pi.ProposalTimestampSeconds != 12*3600 {
		t.Errorf("ExchangeRate proposal: topic %d, period %d s", pi.Topic, *pi.DeadlineTimestampSeconds-pi.ProposalTimestampSeconds)
	}
	wantGovError(t, manage(t, c, user(1), 1, mk(&nns.ProposalActionRequest{Motion: &nns.Motion{MotionText: "m"}})),
		nns.ErrorTypeInsufficientFunds, "")
	wantGovError(t, manage(t, c, user(2), 2, mk(&nns.ProposalActionRequest{ExecuteNnsFunction: &nns.ExecuteNnsFunction{NnsFunction: 9999}})),
		nns.ErrorTypeInvalidProposal, "Invalid NnsFunction id: 9999")
	wantGovError(t, manage(t, c, user(2), 2, mk(&nns.ProposalActionRequest{InstallCode: &nns.InstallCodeRequest{}})),
		nns.ErrorTypeInvalidProposal, "")
}
