package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/nnslocal"
)

// SNS neuron ids of the devnet scenario below.
const (
	snsVote     = "a100000000000000000000000000000000000000000000000000000000000001" // hotkey: Vote
	snsDisburse = "a200000000000000000000000000000000000000000000000000000000000002" // hotkey: Vote, Disburse
	snsOther    = "a300000000000000000000000000000000000000000000000000000000000003" // hotkey: none
	snsSubmit   = "a400000000000000000000000000000000000000000000000000000000000004" // hotkey: SubmitProposal only
	snsAbsent   = "a500000000000000000000000000000000000000000000000000000000000005" // no such neuron
)

// startSNSDevnet serves one SNS, Alpha, whose neurons grant the hotkey at keyPath the
// permissions named above, with the DAO's own function 1001 and a voting period of 2 days.
func startSNSDevnet(t *testing.T, keyPath string) *nnslocal.Network {
	t.Helper()
	scenario, err := governance.ParseScenario([]byte(fmt.Sprintf(`
snses:
  - name: Alpha
    voting_period: 2d
    functions: [{id: 1001, name: upgrade_index, topic: ApplicationBusinessLogic}]
    neurons:
      - {id: %[1]s, permissions: [{key: %[5]s, types: [Vote]}]}
      - {id: %[2]s, permissions: [{key: %[5]s, types: [Vote, Disburse]}]}
      - {id: %[3]s}
      - {id: %[4]s, permissions: [{key: %[5]s, types: [SubmitProposal]}]}
`, snsVote, snsDisburse, snsOther, snsSubmit, keyPath)), "")
	if err != nil {
		t.Fatal(err)
	}
	n, err := nnslocal.Start(context.Background(), nnslocal.Options{Scenario: scenario})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// config validate asks each configured DAO, as the hotkey: a neuron it may not vote with, a
// function or root the network does not know are errors naming key path and line; a hotkey
// that may move funds is a warning.
func TestValidateSNSAgainstDevnet(t *testing.T) {
	dir := t.TempDir()
	key, err := identity.WriteNew(filepath.Join(dir, "hotkey.pem"), identity.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	n := startSNSDevnet(t, key.Path)
	alpha := n.SNSes[0].IDs.Root.String()
	header := fmt.Sprintf("network: {urls: [%s], root_key: %s}\nidentity: {pem_file: %s}\n", n.URL, n.RootKeyHex(), key.Path)
	tests := []struct {
		name   string
		body   string
		code   int
		want   []string // lines of stderr, each a substring
		absent []string
	}{
		{name: "clean", code: 0, body: `policies:
  alpha: {rules: [{name: own, match: {functions: [1001, 9]}, vote: "yes"}]}
sns:
  daos:
    - root: ` + alpha + `
      name: Alpha
      policy: alpha
      neurons: [{id: ` + snsVote + `}]
      following: {Governance: [` + snsOther + `], all: [` + snsOther + `]}
`, want: []string{"ok: ", "1 SNS DAO (1 neuron)"}, absent: []string{"warning", "problem"}},
		{name: "mistakes", code: 1, body: `policies:
  alpha: {rules: [{name: own, match: {functions: [1001, 1002]}, vote: "yes"}]}
sns:
  daos:
    - root: ` + alpha + `
      name: Alpha
      policy: alpha
      neurons:
        - {id: ` + snsVote + `}
        - {id: ` + snsDisburse + `}
        - {id: ` + snsOther + `}
        - {id: ` + snsSubmit + `}
        - {id: ` + snsAbsent + `}
    - root: qoctq-giaaa-aaaaa-aaaea-cai
      name: Nowhere
      neurons: [{id: ` + snsVote + `}]
`, want: []string{
			":12: sns.daos[0].neurons[1].id: the hotkey " + key.Principal() + " also holds Disburse on this neuron in Alpha (" + alpha + "): a leaked key could move funds",
			":4: policies.alpha.rules[0].match.functions[1]: Alpha (" + alpha + ") has no function 1002 (list_nervous_system_functions): the rule can never match",
			":13: sns.daos[0].neurons[2].id: the hotkey " + key.Principal() + " holds no permission on this neuron in Alpha",
			":14: sns.daos[0].neurons[3].id: the hotkey " + key.Principal() + " holds SubmitProposal on this neuron in Alpha (" + alpha + ") but not Vote",
			":15: sns.daos[0].neurons[4].id: the hotkey " + key.Principal() + " holds no permission on this neuron in Alpha",
			":16: sns.daos[1].root: Nowhere: sns root qoctq-giaaa-aaaaa-aaaea-cai: ",
			": 5 problems",
		}, absent: []string{"neurons[0]", "functions[0]", "ok: "}},
		{name: "discover", code: 0, body: `sns: {discover: true}
`, want: []string{
			"note: sns.discover adds SNS " + alpha + ": 2 neurons the hotkey may vote with (policy default)",
			":3: sns.discover: the hotkey " + key.Principal() + " also holds Disburse on neuron " + snsDisburse + " of SNS " + alpha + " (discovered)",
			"SNS DAOs by discovery", "ok: ",
		}, absent: []string{snsVote, snsSubmit}},
		{name: "margin over the voting period", code: 0, body: `policies:
  slow: {deadline_margin: 2d, rules: [{name: treasury, match: {sns_topics: [TreasuryAssetManagement]}, vote: manual, deadline_margin: 50h}, {name: nns, match: {topics: [Governance]}, vote: manual, deadline_margin: 3d}]}
alerts: {channels: {hook: {type: webhook, url: "https://example.org/hook"}}}
sns:
  daos: [{root: ` + alpha + `, name: Alpha, policy: slow, neurons: [{id: ` + snsVote + `}]}]
`, want: []string{
			":4: policies.slow.deadline_margin: is 2d, not shorter than the 2d voting period of Alpha (" + alpha + ") that the default (follow) covers",
			":4: policies.slow.rules[0].deadline_margin: is 50h0m0s, not shorter than the 2d voting period of Alpha (" + alpha + ") that rule 0 (\"treasury\") covers",
			`:4: policies.slow.rules[1]: rule "nns" matches NNS proposals only, and only SNS DAOs use this policy: it never matches`,
		}, absent: []string{"rules[1].deadline_margin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := filepath.Join(t.TempDir(), "votebot.yaml")
			if err := os.WriteFile(cfg, []byte(header+tt.body), 0o600); err != nil {
				t.Fatal(err)
			}
			code, out, errs := runCmd(t, "config", "validate", "--config", cfg)
			all := out + errs
			if code != tt.code {
				t.Errorf("exit %d, want %d:\n%s", code, tt.code, all)
			}
			for _, w := range tt.want {
				if !strings.Contains(all, w) {
					t.Errorf("output lacks %q:\n%s", w, all)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(all, a) {
					t.Errorf("output has %q:\n%s", a, all)
				}
			}
		})
	}
}
