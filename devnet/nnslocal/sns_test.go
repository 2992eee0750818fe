package nnslocal_test

import (
	"context"
	"net/url"
	"strings"
	"testing"
	"time"

	agent "github.com/aviate-labs/agent-go"
	"github.com/aviate-labs/agent-go/identity"
	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/nnslocal"
	"github.com/votebot/votebot/sns"
)

// TestSNSes: a scenario's snses: section is served beside the NNS: SNS-W lists every SNS, each
// root names its governance, and the scenario's proposals appear there with the bot's ballots,
// on the compressed timeline.
func TestSNSes(t *testing.T) {
	bot, err := identity.NewRandomEd25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	me := bot.Sender().String()
	scenario, err := governance.ParseScenario([]byte(`
economics: {voting_period: 1h, genesis: start}
snses:
  - name: Alpha
    voting_period: 4d
    neurons:
      - {seed: 1}
      - {seed: 2, permissions: [{principal: `+me+`, types: [Vote]}]}
    proposals:
      - {at: 2d, proposer: 1, title: Later}
      - {at: 0s, proposer: 1, title: First}
  - name: Beta
    reward_rate_basis_points: 0
    neurons: [{seed: 1, permissions: [{principal: `+me+`, types: [Vote, Disburse]}]}]
`), "")
	if err != nil {
		t.Fatal(err)
	}
	clk := &fakeClock{t: time.Now()}
	n, err := nnslocal.Start(context.Background(), nnslocal.Options{Scenario: scenario, Now: clk.Now, TimeScale: 1.0 / 24})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	u, _ := url.Parse(n.URL)
	a, err := agent.New(agent.Config{Identity: bot, FetchRootKey: true,
		ClientConfig: []agent.ClientOption{agent.WithHostURL(u)}, PollDelay: 10 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var deployed sns.ListDeployedSnsesResponse
	if err := a.Query(principal.MustDecode(sns.WasmCanisterID), "list_deployed_snses", []any{sns.Empty{}}, []any{&deployed}); err != nil {
		t.Fatal(err)
	}
	if len(deployed.Instances) != 2 || len(n.SNSes) != 2 {
		t.Fatalf("%d SNSes listed, %d started; want 2", len(deployed.Instances), len(n.SNSes))
	}
	alpha := *deployed.Instances[0].GovernanceCanisterId
	open := func() []sns.ProposalData {
		t.Helper()
		var resp sns.ListProposalsResponse
		req := sns.ListProposals{IncludeRewardStatus: []int32{sns.RewardStatusAcceptVotes}, Limit: 10}
		if err := a.Query(alpha, "list_proposals", []any{req}, []any{&resp}); err != nil {
			t.Fatal(err)
		}
		return resp.Proposals
	}
	if ps := open(); len(ps) != 1 || ps[0].Proposal.Title != "First" || len(ps[0].Ballots) != 1 {
		t.Fatalf("at start: %+v", ps)
	} else if d := ps[0].WaitForQuietState.CurrentDeadlineTimestampSeconds - ps[0].ProposalCreationTimestampSeconds; d != 4*3600 {
		t.Errorf("voting period %ds, want 4d scaled by 1/24 = 4h", d)
	}
	clk.t = clk.t.Add(2 * time.Hour) // 2d scaled
	n.Step(clk.t)
	titles := []string{}
	for _, p := range open() {
		titles = append(titles, p.Proposal.Title)
	}
	if strings.Join(titles, ",") != "Later,First" {
		t.Errorf("open after 2 scaled days: %v", titles)
	}
}
