package nnslocal_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	agent "github.com/aviate-labs/agent-go"
	"github.com/aviate-labs/agent-go/identity"
	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/nnslocal"
	"github.com/votebot/votebot/nns"
)

type fakeClock struct{ t time.Time }

func (f *fakeClock) Now() time.Time { return f.t }

// TestEndToEnd drives the local NNS over the real IC HTTP interface with
// agent-go: a hotkey lists proposals with its ballots and votes.
func TestEndToEnd(t *testing.T) {
	bot, err := identity.NewRandomEd25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	scenario, err := governance.ParseScenario([]byte(`
economics: {voting_period: 1h, genesis: start}
neurons:
  - {id: 27, controller: aaaaa-aa, stake_e8s: 10000000000000, dissolve_delay: 1y, known_name: Big}
  - {id: 42, controller: 2vxsx-fae, hotkeys: [`+bot.Sender().String()+`], stake_e8s: 100000000000, dissolve_delay: 1y}
proposals:
  - {at: 0s, proposer: 27, topic: Governance, title: Hello}
`), "")
	if err != nil {
		t.Fatal(err)
	}
	clk := &fakeClock{t: time.Now()}
	n, err := nnslocal.Start(context.Background(), nnslocal.Options{Scenario: scenario, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if !strings.HasPrefix(n.ReadyLine(), "devnet ready url=http://127.0.0.1:") || len(n.RootKey) != 133 {
		t.Fatalf("ready line %q, root key %d bytes", n.ReadyLine(), len(n.RootKey))
	}
	u, _ := url.Parse(n.URL)
	a, err := agent.New(agent.Config{Identity: bot, FetchRootKey: true,
		ClientConfig: []agent.ClientOption{agent.WithHostURL(u)}, PollDelay: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	gov := principal.MustDecode(nns.GovernanceCanisterID)

	var list nns.ListProposalInfoResponse
	if err := a.Query(gov, "list_proposals", []any{nns.ListProposalInfoRequest{Limit: 10}}, []any{&list}); err != nil {
		t.Fatalf("list_proposals: %v", err)
	}
	if len(list.ProposalInfo) != 1 || len(list.ProposalInfo[0].Ballots) != 1 || list.ProposalInfo[0].Ballots[0].NeuronId != 42 {
		t.Fatalf("list_proposals = %+v, want proposal 1 with the bot's ballot", list.ProposalInfo)
	}
	var resp nns.ManageNeuronResponse
	req := nns.ManageNeuronRequest{
		NeuronIdOrSubaccount: &nns.NeuronIdOrSubaccount{NeuronId: &nns.NeuronId{Id: 42}},
		Command:              &nns.ManageNeuronCommandRequest{RegisterVote: &nns.RegisterVote{Vote: 1, Proposal: &nns.ProposalId{Id: 1}}},
	}
	if err := a.Call(gov, "manage_neuron", []any{req}, []any{&resp}); err != nil {
		t.Fatalf("manage_neuron: %v", err)
	}
	if resp.Command == nil || resp.Command.RegisterVote == nil {
		t.Fatalf("RegisterVote: %+v", resp.Command)
	}
	if err := a.Call(gov, "manage_neuron", []any{req}, []any{&resp}); err != nil {
		t.Fatalf("manage_neuron: %v", err)
	}
	if resp.Command.Error == nil || resp.Command.Error.ErrorType != int32(nns.ErrorTypeNeuronAlreadyVoted) {
		t.Fatalf("second vote: %+v, want NeuronAlreadyVoted", resp.Command)
	}
	// A malformed argument is a canister trap (reject), not a crash.
	if err := a.Query(gov, "get_neuron_info", []any{"not a nat64"}, []any{new(nns.NeuronInfoResult)}); err == nil {
		t.Fatal("get_neuron_info with a text argument succeeded")
	}
	var did string
	md, err := a.GetCanisterMetadata(gov, "candid:service")
	if err != nil {
		t.Fatalf("candid:service: %v", err)
	}
	did = string(md)
	if !strings.Contains(did, "list_proposals : (ListProposalInfoRequest)") {
		t.Errorf("candid:service = %.80q...", did)
	}
	// Admin API on the same port.
	hr, err := http.Get(n.URL + "/_/devnet/state")
	if err != nil {
		t.Fatal(err)
	}
	defer hr.Body.Close()
	var state governance.Summary
	if err := json.NewDecoder(hr.Body).Decode(&state); err != nil {
		t.Fatal(err)
	}
	if state.Neurons != 2 || state.Counters.DirectVotes != 1 || state.Counters.Calls["manage_neuron"] != 2 {
		t.Errorf("state = %+v", state)
	}
	if err := n.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

func TestStartErrors(t *testing.T) {
	if _, err := nnslocal.Start(context.Background(), nnslocal.Options{ScenarioFile: "does-not-exist.yaml"}); err == nil {
		t.Error("missing scenario file: no error")
	}
	n, err := nnslocal.Start(context.Background(), nnslocal.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	addr := strings.TrimPrefix(n.URL, "http://")
	if _, err := nnslocal.Start(context.Background(), nnslocal.Options{Listen: addr}); err == nil || !strings.Contains(err.Error(), "listen") {
		t.Errorf("port in use: %v", err)
	}
}

func TestAdvance(t *testing.T) {
	scenario, err := governance.ParseScenario([]byte(`
economics: {voting_period: 1h, reward_period: 1d, genesis: start}
neurons:
  - {id: 1, controller: aaaaa-aa, stake_e8s: 100000000000, dissolve_delay: 1y}
proposals:
  - {at: 2h, proposer: 1, title: Later}
`), "")
	if err != nil {
		t.Fatal(err)
	}
	n, err := nnslocal.Start(context.Background(), nnslocal.Options{Scenario: scenario, Now: (&fakeClock{t: time.Now()}).Now})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	post := func(body string) int {
		resp, err := http.Post(n.URL+"/_/devnet/advance", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(`{"by": "-1h"}`); code != http.StatusBadRequest {
		t.Errorf("negative advance: status %d", code)
	}
	if code := post(`{"by": "3h"}`); code != http.StatusOK {
		t.Fatalf("advance: status %d", code)
	}
	if _, ok := n.Governance.ProposalInfo(1); !ok {
		t.Fatal("the proposal scheduled at 2h was not made after advancing 3h")
	}
	if code := post(`{"by": "1d"}`); code != http.StatusOK {
		t.Fatalf("advance: status %d", code)
	}
	if ev := n.Governance.LatestRewardEvent(); ev.DayAfterGenesis != 1 || len(ev.SettledProposals) != 1 {
		t.Errorf("after a day: reward event %+v, want day 1 settling proposal 1", ev)
	}
}
