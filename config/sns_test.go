package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/sns"
)

const (
	snsA = "1a2b3c4d5e6f70811111111111111111111111111111111111111111111111"
	snsB = "ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100"
	snsC = "00000000000000000000000000000000000000000000000000000000000000c1"
)

// An SNS-only configuration: no NNS neuron, one policy mixing NNS and SNS rules, one DAO with
// its own policy and one on sns.policy.
var snsInput = `
identity: {pem_file: hotkey.pem}
policies:
  mixed:
    rules:
      - {name: nns-gov, match: {topics: [Governance]}, vote: manual}
      - {name: treasury, match: {sns_topics: [TreasuryAssetManagement], functions: [9, 1001]}, vote: manual}
      - {name: motions, match: {sns_actions: [motion], sns_proposers: [` + strings.ToUpper(snsB + "00")[:64] + `]}, vote: "no"}
  sns:
    default: follow
sns:
  discover: true
  policy: sns
  daos:
    - root: rrkah-fqaaa-aaaaa-aaaaq-cai
      name: OpenChat
      policy: mixed
      neurons:
        - {id: ` + snsA + `0a, alias: chat-main}
        - {id: "` + snsC + `"}
      following:
        DappCanisterManagement: [` + snsB + `]
        All: [` + snsB + `, ` + snsC + `]
    - root: ryjl3-tyaaa-aaaaa-aaaba-cai
`

func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "votebot.yaml")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func mustHex(t *testing.T, s string) []byte {
	t.Helper()
	id, err := sns.ParseNeuronID(s)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func TestSNSSection(t *testing.T) {
	cfg, err := Load(writeConfig(t, snsInput))
	if err != nil {
		t.Fatal(err)
	}
	want := SNS{Discover: true, Policy: "sns", DAOs: []DAO{
		{Root: "rrkah-fqaaa-aaaaa-aaaaq-cai", Name: "OpenChat", Policy: "mixed",
			Neurons: []SNSNeuron{{ID: mustHex(t, snsA+"0a"), Alias: "chat-main"}, {ID: mustHex(t, snsC)}},
			Following: map[sns.TopicID][][]byte{
				sns.TopicDappCanisterManagement: {mustHex(t, snsB)},
				sns.TopicUnspecified:            {mustHex(t, snsB), mustHex(t, snsC)}}},
		{Root: "ryjl3-tyaaa-aaaaa-aaaba-cai", Policy: "sns", Neurons: []SNSNeuron{}},
	}}
	if !reflect.DeepEqual(cfg.SNS, want) {
		t.Errorf("SNS =\n%+v\nwant\n%+v", cfg.SNS, want)
	}
	mixed := cfg.Policies["mixed"]
	treasury := policy.Proposal{ID: 5, SNS: &policy.SNSProposal{Topic: sns.TopicTreasuryAssetManagement, FunctionID: 1001}}
	motion := policy.Proposal{ID: 6, SNS: &policy.SNSProposal{Topic: sns.TopicGovernance, FunctionID: 1, ActionName: "Motion", Proposer: snsB}}
	for _, tt := range []struct {
		p    policy.Proposal
		rule string
	}{{treasury, "treasury"}, {motion, "motions"}} {
		if d := policy.Decide(policy.Input{Proposal: tt.p, Neuron: policy.Neuron{ID: 1, HasBallot: true}, Policy: mixed}); d.Rule != tt.rule {
			t.Errorf("proposal %d decided by %q (%s), want rule %q", tt.p.ID, d.Rule, d.Reason, tt.rule)
		}
	}
}

// config show prints the sns section, and what it prints loads again to the same.
func TestSNSShowRoundTrip(t *testing.T) {
	cfg, err := Load(writeConfig(t, snsInput))
	if err != nil {
		t.Fatal(err)
	}
	out, err := cfg.YAML()
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"sns:", "discover: true", "root: rrkah-fqaaa-aaaaa-aaaaq-cai", "alias: chat-main",
		"id: " + snsA + "0a", "all:", "DappCanisterManagement:", "sns_topics:", "sns_proposers:", "policy: sns"} {
		if !strings.Contains(out, want) {
			t.Errorf("config show lacks %q:\n%s", want, out)
		}
	}
	cfg2, err := Load(writeConfig(t, out))
	if err != nil {
		t.Fatalf("config show's output does not load: %v\n%s", err, out)
	}
	if !reflect.DeepEqual(cfg2.SNS, cfg.SNS) {
		t.Errorf("read back, sns differs:\n%+v\nwant\n%+v", cfg2.SNS, cfg.SNS)
	}
	if out2, _ := cfg2.YAML(); out2 != out {
		t.Errorf("read back, config show differs:\n--- first\n%s\n--- second\n%s", out, out2)
	}
}

// A policy used only by an SNS DAO is used.
func TestSNSPolicyUsed(t *testing.T) {
	cfg, err := Load(writeConfig(t, snsInput))
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range Warnings(cfg) {
		if strings.Contains(w.Msg, "no neuron uses") {
			t.Errorf("unexpected warning: %s", w)
		}
	}
}

// The example's commented sns: section loads once uncommented.
func TestExampleSNSSection(t *testing.T) {
	data, err := os.ReadFile("../configs/votebot.example.yaml")
	if err != nil {
		t.Fatal(err)
	}
	text := string(data)
	i := strings.Index(text, "\n# sns:\n")
	if i < 0 {
		t.Fatal("the example has no commented sns: section")
	}
	var section []string
	for _, line := range strings.Split(text[i+1:], "\n") {
		if !strings.HasPrefix(line, "#") {
			break
		}
		section = append(section, strings.TrimPrefix(strings.TrimPrefix(line, "#"), " "))
	}
	cfg, err := Parse("votebot.example.yaml", []byte(text[:i+1]+strings.Join(section, "\n")+"\n"), nil)
	if err != nil {
		t.Fatalf("the example's sns: section does not load: %v\n%s", err, strings.Join(section, "\n"))
	}
	if len(cfg.SNS.DAOs) != 1 || cfg.SNS.DAOs[0].Name != "OpenChat" || len(cfg.SNS.DAOs[0].Following) != 2 || !cfg.SNS.Discover {
		t.Errorf("sns = %+v", cfg.SNS)
	}
	// Its ids are placeholders, and validate says so.
	var got []string
	for _, w := range Warnings(cfg) {
		if strings.HasPrefix(w.Path, "sns.") {
			got = append(got, w.Path+": "+w.Msg)
		}
	}
	want := []string{
		"sns.daos[0].neurons[0].id: is the example's placeholder: put the id of your SNS neuron",
		"sns.daos[0].following.DappCanisterManagement: 5a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9 is the example's placeholder followee",
		"sns.daos[0].following.all: 5a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9 is the example's placeholder followee",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("warnings\n%q\nwant\n%q", got, want)
	}
}

// What the network says of a DAO turns into errors and warnings at the key that is wrong.
func TestSNSNetworkProblems(t *testing.T) {
	body := `
identity: {pem_file: hotkey.pem}
policies:
  own: {rules: [{name: r, match: {functions: [1001]}, vote: "yes"}]}
sns:
  daos:
    - root: rrkah-fqaaa-aaaaa-aaaaq-cai
      name: A
      policy: own
      neurons: [{id: ` + snsB + `}]
      following: {Governance: [` + snsC + `], all: [` + snsC + `]}
`
	dao2 := `    - root: ryjl3-tyaaa-aaaaa-aaaba-cai
      policy: own
      neurons: [{id: ` + snsC + `}]
`
	vote := map[string][]sns.Permission{snsB: {sns.PermissionVote}, snsC: {sns.PermissionVote, sns.PermissionSubmitProposal}}
	ok := DAOFacts{Held: vote, Functions: []uint64{1, 1001}, Topics: sns.Topics()}
	tests := []struct {
		name        string
		twoDAOs     bool
		facts       []DAOFacts
		errs, warns []string
	}{
		{"all well", false, []DAOFacts{ok}, nil, nil},
		{"topic unknown to the DAO", false, []DAOFacts{{Held: vote, Functions: []uint64{1001}, Topics: []sns.TopicID{sns.TopicDappCanisterManagement}}},
			[]string{"sns.daos[0].following.Governance: A (rrkah-fqaaa-aaaaa-aaaaq-cai) has no topic Governance (list_topics)"}, nil},
		{"no topic following", false, []DAOFacts{{Held: vote, Functions: []uint64{1001}, TopicsErr: errors.New("no method")}},
			[]string{"sns.daos[0].following: A (rrkah-fqaaa-aaaaa-aaaaq-cai) cannot be followed by topic (list_topics: no method)"}, nil},
		{"functions not listed", false, []DAOFacts{{Held: vote, FunctionsErr: errors.New("timeout"), Topics: sns.Topics()}},
			nil, []string{"policies.own: function ids not checked against A (rrkah-fqaaa-aaaaa-aaaaq-cai): list_nervous_system_functions: timeout"}},
		{"shared policy: another DAO's function", true, []DAOFacts{ok, {Held: vote, Functions: []uint64{1}}},
			nil, []string{"policies.own.rules[0].match.functions[0]: SNS ryjl3-tyaaa-aaaaa-aaaba-cai has no function 1001 (list_nervous_system_functions): the rule never matches its proposals"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text := body
			if tt.twoDAOs {
				text += dao2
			}
			cfg, err := Parse("f.yml", []byte(text), nil)
			if err != nil {
				t.Fatal(err)
			}
			errs, warns := SNSNetworkProblems(cfg, "hotkey", tt.facts)
			msgs := func(ps []Problem) []string {
				var out []string
				for _, p := range ps {
					out = append(out, p.Path+": "+p.Msg)
				}
				return out
			}
			if got := msgs(errs); !reflect.DeepEqual(got, tt.errs) {
				t.Errorf("errors\n%q\nwant\n%q", got, tt.errs)
			}
			if got := msgs(warns); !reflect.DeepEqual(got, tt.warns) {
				t.Errorf("warnings\n%q\nwant\n%q", got, tt.warns)
			}
		})
	}
}

// An SNS rule never takes an NNS proposal: its margin is not held against NNS voting periods.
func TestSNSRuleNoNNSMarginWarning(t *testing.T) {
	cfg, err := Parse("f.yml", []byte(`
identity: {pem_file: hotkey.pem}
neurons: [{id: 1}]
policies:
  default:
    rules:
      - {name: sns-gov, match: {sns_topics: [Governance]}, vote: follow, deadline_margin: 13h}
`), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range Warnings(cfg) {
		if strings.Contains(w.Msg, "ExchangeRate") {
			t.Errorf("unexpected warning: %s", w)
		}
	}
}

// A rule for a governance none of the policy's users is in never matches: validate says so.
func TestOtherGovernanceWarnings(t *testing.T) {
	dao := "sns: {daos: [{root: rrkah-fqaaa-aaaaa-aaaaq-cai, policy: p, neurons: [{id: " + snsB + "}]}]}\n"
	tests := []struct {
		name, users string
		want        []string
	}{
		{"only a DAO uses it", dao, []string{
			`policies.p.following: is NNS following, and only SNS DAOs use this policy: an SNS DAO's following is set in sns.daos[].following`,
			`policies.p.rules[0]: rule "nns" matches NNS proposals only, and only SNS DAOs use this policy: it never matches`}},
		{"only an NNS neuron uses it", "neurons: [{id: 1, policy: p}]\n", []string{
			`policies.p.rules[1]: rule "sns" matches SNS proposals only, and no SNS DAO uses this policy: it never matches`}},
		{"both use it", "neurons: [{id: 1, policy: p}]\n" + dao, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := Parse("f.yml", []byte(`
identity: {pem_file: hotkey.pem}
policies:
  p:
    following: {Governance: [27]}
    rules:
      - {name: nns, match: {topics: [Governance]}, vote: "yes"}
      - {name: sns, match: {sns_topics: [Governance]}, vote: "yes"}
      - {name: both, match: {title: x}, vote: "yes"}
`+tt.users), nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, w := range Warnings(cfg) {
				if strings.Contains(w.Msg, "only") {
					got = append(got, w.Path+": "+w.Msg)
				}
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("warnings\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}
