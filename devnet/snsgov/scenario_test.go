package snsgov

import (
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/devnet/internal/yamlnode"
	"github.com/votebot/votebot/sns"
	"gopkg.in/yaml.v3"
)

func parse(t *testing.T, text string) ([]Scenario, error) {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(text), &doc); err != nil {
		t.Fatal(err)
	}
	return ParseScenario(yamlnode.Node{N: doc.Content[0]}, t.TempDir())
}

const botPrincipal = "2vxsx-fae"

const good = `- name: Alpha
  symbol: ALP
  voting_period: 1d
  critical_voting_period: 2d
  critical_wait_for_quiet: 12h
  round: 1d
  reward_rate_basis_points: 1000
  functions: [{id: 1000, name: Mint badge, topic: ApplicationBusinessLogic}]
  neurons:
    - {seed: 1}
    - seed: 2
      permissions: [{principal: "2vxsx-fae", types: [Vote, SubmitProposal]}]
      followees: {Governance: [1]}
  proposals:
    - {at: 1h, proposer: 1, title: Motion}
    - {at: 2h, proposer: 1, function: Mint badge, votes: [{neuron: 2, vote: no, at: 1m}]}
    - {at: 3h, proposer: 1, function: TransferSnsTreasuryFunds}
- name: Beta
  critical_topics: []
`

func TestParseScenario(t *testing.T) {
	got, err := parse(t, good)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].Config.Name != "Alpha" || got[1].Config.Critical == nil || len(got[1].Config.Critical) != 0 {
		t.Fatalf("parsed %+v", got)
	}
	a := got[0]
	if a.Config.InitialVotingPeriod != 24*time.Hour || a.Config.CriticalVotingPeriod != 48*time.Hour || a.Config.CriticalWaitForQuiet != 12*time.Hour || a.Config.RewardRateBasisPoints != 1000 || len(a.Config.Functions) != 1 {
		t.Errorf("config %+v", a.Config)
	}
	if ps := a.Proposals; len(ps) != 3 || ps[1].Spec.Function != 1000 || ps[2].Spec.Function != sns.FunctionTransferSnsTreasuryFunds || ps[1].Votes[0].Vote != sns.VoteNo {
		t.Errorf("proposals %+v", ps)
	}
	if f := a.Neurons[1].Followees[sns.TopicGovernance]; len(f) != 1 || f[0] != "1" {
		t.Errorf("followees %+v", a.Neurons[1].Followees)
	}
}

func TestParseScenarioErrors(t *testing.T) {
	tests := map[string]string{
		"- {symbol: X}":                                                   "[0] (line 1): name is required",
		"- {name: A, colour: red}":                                        `[0].colour (line 1): unknown key "colour"`,
		"- {name: A}\n- {name: A}":                                        `[1] (line 2): an SNS named "A" is defined twice`,
		"- name: A\n  neurons: [{seed: 1, id: ab}]":                       "a neuron has a seed (its id is derived) or an id (64 hex digits), exactly one",
		"- name: A\n  neurons: [{id: abcd}]":                              "[0].neurons[0].id (line 2): neuron id: 2 bytes, want 32",
		"- name: A\n  neurons: [{seed: 1, followees: {Governence: [1]}}]": `unknown SNS topic "Governence"`,
		"- name: A\n  neurons: [{seed: 1, followees: {Governance: [7]}}]": "neuron 7 is not defined",
		"- name: A\n  neurons: [{seed: 1, permissions: [{principal: " + botPrincipal + ", types: [Fly]}]}]":  `unknown permission "Fly"`,
		"- name: A\n  neurons: [{seed: 1, permissions: [{types: [Vote]}]}]":                                  "by principal or key (a PEM file), exactly one",
		"- name: A\n  neurons: [{seed: 1}]\n  proposals: [{proposer: 2}]":                                    "[0].proposals[0].proposer (line 3): neuron 2 is not defined",
		"- name: A\n  neurons: [{seed: 1}]\n  proposals: [{proposer: 1, function: 1001}]":                    "function 1001 is neither native nor one of this SNS's functions",
		"- name: A\n  neurons: [{seed: 1}]\n  proposals: [{proposer: 1, votes: [{neuron: 1, vote: maybe}]}]": `want yes or no, got "maybe"`,
		"- name: A\n  functions: [{id: 7, name: x, topic: Governance}]":                                      "custom function ids start at 1000",
		"- name: A\n  neurons: [{seed: 1, dissolving_for: 0s}]":                                              "must be positive: a dissolving_for of 0s is not honoured",
		"- name: A\n  neurons: [{seed: 1, dissolving_for: 1d, age: 1y}]":                                     "a dissolving neuron does not age",
		"- name: A\n  voting_period: -1d":                                                                    "must not be negative",
	}
	for text, want := range tests {
		_, err := parse(t, text)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q:\n got %v\nwant …%s…", text, err, want)
		}
	}
}

// TestScenarioRunner: a started scenario makes its proposals at their times, following set in
// the file votes, and scheduled votes are cast.
func TestScenarioRunner(t *testing.T) {
	got, err := parse(t, good)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	now := start
	r, err := got[0].Start(IDs(0).Governance, start, func() time.Time { return now })
	if err != nil {
		t.Fatal(err)
	}
	now = start.Add(2*time.Hour + time.Minute)
	if errs := r.Step(now); len(errs) != 0 {
		t.Fatal(errs)
	}
	motion, ok1 := r.ProposalID(0)
	mint, ok2 := r.ProposalID(1)
	if _, made := r.ProposalID(2); !ok1 || !ok2 || made {
		t.Fatalf("proposals made: %v %v %v", ok1, ok2, made)
	}
	follower, _ := r.NeuronID("2")
	c := r.Canister()
	c.mu.RLock()
	defer c.mu.RUnlock()
	h := sns.NeuronIDHex(follower)
	if v := c.proposal(motion).ballots[h].Vote; v != sns.VoteYes {
		t.Errorf("follower's ballot on the motion = %d, want Yes by following", v)
	}
	if v := c.proposal(mint).ballots[h].Vote; v != sns.VoteNo {
		t.Errorf("follower's scheduled vote = %d, want No", v)
	}
	if tp := c.proposal(mint).topic; tp != sns.TopicApplicationBusinessLogic {
		t.Errorf("custom function's topic %s", tp)
	}
}
