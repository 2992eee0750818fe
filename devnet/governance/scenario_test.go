package governance

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/identity"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

const issueScenario = `
economics:            # all optional; defaults are mainnet's
  regime: legacy
  voting_period: 40s
  short_voting_period: 12s
  wait_for_quiet_increase: 20s
  reward_period: 1m
  start_reducing_voting_power_after: 182.625d
  clear_following_after: 30.4375d
  minimum_dissolve_delay_to_vote: 14d
  total_supply_e8s: 50000000000000000
  genesis: start
neurons:
  - id: 27
    controller: aaaaa-aa
    stake_e8s: 100000000000
    dissolve_delay: 8y
    age: 4y
    known_name: "Example Known Neuron"
  - id: 28
    controller: 2vxsx-fae
    stake_e8s: 100000000000
    dissolve_delay: 2y
  - id: 1001
    controller: rrkah-fqaaa-aaaaa-aaaaq-cai
    hotkeys: [2vxsx-fae]
    stake_e8s: 1000000000
    staked_maturity_e8s: 0
    dissolve_delay: 2y
    age: 1y
    followees: {Unspecified: [27], Governance: [27], 3: [28]}
    voting_power_refreshed_ago: 0s
proposals:
  - at: 10s
    proposer: 27
    topic: Governance
    action: Motion
    title: "Raise the bar"
    summary: "..."
    votes:
      - {neuron: 28, vote: no, at: 30s}
  - at: 20s
    proposer: 28
    action: ExecuteNnsFunction
    nns_function: 10
    title: "XDR rate"
`

func TestParseScenarioAndRun(t *testing.T) {
	s, err := ParseScenario([]byte(issueScenario), "")
	if err != nil {
		t.Fatalf("ParseScenario: %v", err)
	}
	if s.Economics.RewardPeriod != time.Minute || s.Economics.StartReducingVotingPowerAfter != 182*day+15*time.Hour ||
		s.Economics.ClearFollowingAfter != 30*day+10*time.Hour+30*time.Minute || !s.Economics.GenesisAtStart {
		t.Fatalf("economics = %+v", s.Economics)
	}
	if n := s.Neurons[2]; n.ID != 1001 || len(n.HotKeys) != 1 || n.Age != year || len(n.Followees[nns.TopicNetworkEconomics]) != 1 {
		t.Fatalf("neuron 1001 = %+v", n)
	}
	clk := &fakeClock{t: testStart}
	c, err := New(s.Config(clk.Now(), clk.Now))
	if err != nil {
		t.Fatal(err)
	}
	if c.cfg.Economics.Regime != rewards.RegimeLegacy || c.cfg.Economics.MinDissolveDelayToVoteSeconds != 14*86400 {
		t.Fatalf("economics = %+v", c.cfg.Economics)
	}
	if err := s.Apply(c); err != nil {
		t.Fatal(err)
	}
	r := s.Runner(c, clk.Now())
	clk.Advance(10 * time.Second)
	if errs := r.Step(clk.Now()); len(errs) != 0 {
		t.Fatal(errs)
	}
	p, ok := r.ProposalID(0)
	if !ok {
		t.Fatal("proposal 0 not made at 10s")
	}
	if got := ballotOf(t, c, p, 1001); got != nns.VoteYes {
		t.Errorf("1001 follows 27 on Governance: ballot %s", got)
	}
	clk.Advance(30 * time.Second)
	if errs := r.Step(clk.Now()); len(errs) != 0 || !r.Done() {
		t.Fatalf("errors %v, done %v", errs, r.Done())
	}
	if got := ballotOf(t, c, p, 28); got != nns.VoteNo {
		t.Errorf("28's scheduled vote: %s", got)
	}
	if pi := info(t, c, 2); pi.Topic != int32(nns.TopicExchangeRate) {
		t.Errorf("ExecuteNnsFunction 10 topic = %d", pi.Topic)
	}
}

func TestScenarioErrorsNameKeyPathAndLine(t *testing.T) {
	tests := []struct {
		name, yaml, want string
	}{
		{"unknown top-level key", "economy:\n  regime: legacy\n", `economy (line 1): unknown key "economy"`},
		{"unknown neuron key", "neurons:\n  - id: 1\n    controller: aaaaa-aa\n    stake: 5\n", `neurons[0].stake (line 4): unknown key "stake"`},
		{"bad duration", "economics:\n  voting_period: 4 days\n", `economics.voting_period (line 2): invalid duration "4 days": unknown unit " days"`},
		{"bad regime", "economics:\n  regime: future\n", `economics.regime (line 2): unknown reward regime`},
		{"bad genesis", "economics:\n  genesis: yesterday\n", `economics.genesis (line 2): want an RFC 3339 time`},
		{"no controller", "neurons:\n  - id: 1\n", `neurons[0] (line 2): a neuron needs a controller`},
		{"bad principal", "neurons:\n  - id: 1\n    controller: not-a-principal\n", `neurons[0].controller (line 3)`},
		{"bad topic", "neurons:\n  - id: 1\n    controller: aaaaa-aa\n    followees: {Gouvernance: [2]}\n", `neurons[0].followees.Gouvernance (line 4): unknown topic`},
		{"16 followees", "neurons:\n  - id: 1\n    controller: aaaaa-aa\n    followees: {4: [1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16]}\n", `neurons[0].followees.4 (line 4): 16 followees, at most 15`},
		{"negative stake", "neurons:\n  - id: 1\n    controller: aaaaa-aa\n    stake_e8s: -5\n", `neurons[0].stake_e8s (line 4): want a non-negative integer`},
		{"both delays", "neurons:\n  - id: 1\n    controller: aaaaa-aa\n    dissolve_delay: 1y\n    dissolving_for: 1d\n", `neurons[0].dissolving_for (line 5): a neuron has either`},
		{"duplicate id", "neurons:\n  - {id: 1, controller: aaaaa-aa}\n  - {id: 1, controller: aaaaa-aa}\n", `neurons[1] (line 3): neuron id 1 is defined twice`},
		{"unknown proposer", "neurons:\n  - {id: 1, controller: aaaaa-aa}\nproposals:\n  - {proposer: 2}\n", `proposals[0].proposer (line 4): neuron 2 is not defined`},
		{"vote of maybe", "neurons:\n  - {id: 1, controller: aaaaa-aa}\nproposals:\n  - proposer: 1\n    votes:\n      - {neuron: 1, vote: maybe}\n", `proposals[0].votes[0].vote (line 6): want yes or no`},
		{"missing nns_function", "neurons:\n  - {id: 1, controller: aaaaa-aa}\nproposals:\n  - {proposer: 1, action: ExecuteNnsFunction}\n", `proposals[0] (line 4): action ExecuteNnsFunction needs nns_function`},
		{"not a mapping", "- 1\n- 2\n", `(line 1): want a mapping`},
		{"yaml syntax", "economics: [\n", `yaml:`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseScenario([]byte(tc.yaml), "")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestScenarioControllerKey(t *testing.T) {
	id, err := identity.NewRandomEd25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	pem, _ := id.ToPEM()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "owner.pem"), pem, 0o600); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "s.yaml")
	if err := os.WriteFile(file, []byte("neurons:\n  - {id: 5, controller_key: owner.pem}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := LoadScenario(file)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Neurons[0].Controller.Equal(id.Sender()) {
		t.Errorf("controller %s, want %s", s.Neurons[0].Controller, id.Sender())
	}
	if err := os.WriteFile(file, []byte("neurons:\n  - {id: 5, controller_key: missing.pem}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadScenario(file); err == nil || !strings.Contains(err.Error(), "neurons[0].controller_key (line 2)") {
		t.Errorf("missing key file: %v", err)
	}
}

// TestParseDuration covers what governance adds to duration.Parse (whose
// table test has the syntax): negative durations are refused.
func TestParseDuration(t *testing.T) {
	if got, err := ParseDuration("182.625d"); err != nil || got != 6*month {
		t.Errorf("ParseDuration(182.625d) = %v, %v; want 6 months", got, err)
	}
	for _, bad := range []string{"-1d", "-0.5s", "4 days"} {
		if _, err := ParseDuration(bad); err == nil {
			t.Errorf("ParseDuration(%q) succeeded", bad)
		}
	}
}
