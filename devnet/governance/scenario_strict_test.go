package governance

import (
	"strings"
	"testing"

	"github.com/votebot/votebot/nns"
)

// A value the devnet cannot honour as written is refused with its key path
// and line, never replaced by a default.
func TestScenarioRefusesWhatItCannotHonour(t *testing.T) {
	const neuron = "neurons:\n  - {id: 1, controller: aaaaa-aa}\n"
	tests := []struct {
		name, yaml, want string
	}{
		{"zero wait for quiet", "economics:\n  wait_for_quiet_increase: 0s\n",
			`economics.wait_for_quiet_increase (line 2): must be positive: 0s is not honoured`},
		{"zero min dissolve delay", "economics:\n  minimum_dissolve_delay_to_vote: 0s\n",
			`economics.minimum_dissolve_delay_to_vote (line 2): must be positive`},
		{"zero start reducing", "economics:\n  start_reducing_voting_power_after: 0d\n",
			`economics.start_reducing_voting_power_after (line 2): must be positive`},
		{"zero voting period", "economics:\n  voting_period: 0s\n", `economics.voting_period (line 2): must be positive`},
		{"sub-second period", "economics:\n  reward_period: 500ms\n", `economics.reward_period (line 2): must be at least 1s`},
		{"negative period", "economics:\n  voting_period: -4d\n", `economics.voting_period (line 2): invalid duration "-4d": must not be negative`},
		{"zero supply", "economics:\n  total_supply_e8s: 0\n", `economics.total_supply_e8s (line 2): must be positive`},
		{"dissolving for 0s", "neurons:\n  - id: 1\n    controller: aaaaa-aa\n    dissolving_for: 0s\n",
			`neurons[0].dissolving_for (line 4): must be positive`},
		{"age of a dissolving neuron", "neurons:\n  - id: 1\n    controller: aaaaa-aa\n    dissolving_for: 3d\n    age: 1y\n",
			`neurons[0].age (line 5): a dissolving neuron does not age`},
		{"description without name", "neurons:\n  - id: 1\n    controller: aaaaa-aa\n    known_description: d\n",
			`neurons[0].known_description (line 4): known_description without known_name`},
		{"follow an unknown topic", "neurons:\n  - id: 1\n    controller: aaaaa-aa\n    followees: {25: [1]}\n",
			`neurons[0].followees.25 (line 4): unknown topic`},
		{"topic 0", neuron + "proposals:\n  - {proposer: 1, topic: 0}\n", `proposals[0].topic (line 4): topic Unspecified (0) is not a proposal topic`},
		{"negative topic", neuron + "proposals:\n  - {proposer: 1, topic: -3}\n", `proposals[0].topic (line 4): topic -3: topics are not negative`},
		{"future without topic", neuron + "proposals:\n  - proposer: 1\n    action: {future: SomeFutureAction}\n",
			`proposals[0].action (line 5): a future action needs a topic`},
		{"future of a known tag", neuron + "proposals:\n  - proposer: 1\n    topic: 25\n    action: {future: Motion}\n",
			`proposals[0].action.future (line 6): action Motion is known to votebot`},
		{"future not a tag", neuron + "proposals:\n  - proposer: 1\n    topic: 25\n    action: {future: \"a b\"}\n",
			`proposals[0].action.future (line 6): future action "a b" is not a Candid identifier`},
		{"future with another key", neuron + "proposals:\n  - proposer: 1\n    topic: 25\n    action: {future: SomeFutureAction, x: 1}\n",
			`proposals[0].action.x (line 6): unknown key "x"`},
		{"vote after the latest deadline", neuron + "economics: {voting_period: 1h, wait_for_quiet_increase: 10m}\n" +
			"proposals:\n  - proposer: 1\n    votes:\n      - {neuron: 1, vote: no, at: 80m}\n",
			`proposals[0].votes[0] (line 7): a vote 1h20m0s after the proposal is after its latest possible deadline (1h20m0s)`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseScenario([]byte(tc.yaml), "")
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v\nwant it to contain %q", err, tc.want)
			}
		})
	}
}

// Future actions and topics parse and play: the scenario's proposal goes
// out with the unknown tag and topic, and is voted on like any other.
func TestScenarioFutureActionAndTopic(t *testing.T) {
	s, err := ParseScenario([]byte(`
neurons:
  - {id: 1, controller: aaaaa-aa, stake_e8s: 100000000}
  - {id: 2, controller: aaaaa-aa, stake_e8s: 10000000000}
proposals:
  - {proposer: 1, topic: 25, action: {future: SomeFutureAction}, title: "from the future",
     votes: [{neuron: 2, vote: yes, at: 1h}]}
  - {proposer: 1, topic: 26, title: "a motion on a new topic"}
`), "")
	if err != nil {
		t.Fatal(err)
	}
	if p := s.Proposals[0].Spec; p.FutureAction != "SomeFutureAction" || p.Topic != 25 {
		t.Fatalf("future proposal parsed as %+v", p)
	}
	c, clk := newCanister(t, "", nil)
	if err := s.Apply(c); err != nil {
		t.Fatal(err)
	}
	r := s.Runner(c, clk.Now())
	if errs := r.Step(clk.Now()); len(errs) > 0 {
		t.Fatal(errs)
	}
	clk.Advance(2 * 3600e9)
	if errs := r.Step(clk.Now()); len(errs) > 0 {
		t.Fatal(errs)
	}
	raw, err := callRaw(c, "list_proposals", user(1), nns.ListProposalInfoRequest{})
	if err != nil {
		t.Fatal(err)
	}
	got := wireActions(t, raw)
	id0, _ := r.ProposalID(0)
	id1, _ := r.ProposalID(1)
	if got[id0] != "SomeFutureAction/25" || got[id1] != "Motion/26" {
		t.Fatalf("on the wire: %v", got)
	}
	if v := ballotOf(t, c, id0, 2); v != 1 {
		t.Errorf("neuron 2's scenario vote on the future proposal: %v, want yes", v)
	}
}
