package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/agent/identity"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/devnet/nnslocal"
	"github.com/votebot/votebot/nns"
)

// devnetConfig starts a devnet with one bot neuron and proposals on three
// topics, and writes a config for it.
func devnetConfig(t *testing.T) (cfgPath string, ids []uint64) {
	t.Helper()
	dir := t.TempDir()
	key, err := identity.WriteNew(filepath.Join(dir, "hotkey.pem"), identity.Ed25519)
	if err != nil {
		t.Fatal(err)
	}
	n, err := nnslocal.Start(context.Background(), nnslocal.Options{}) // mainnet periods and economics
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	year := 365 * 24 * time.Hour
	for _, s := range []governance.NeuronSpec{
		{ID: 27, Controller: key.Identity.Sender(), StakeE8s: 1e11, DissolveDelay: year, KnownName: "DFINITY"},
		{ID: 1001, Controller: key.Identity.Sender(), HotKeys: nil, StakeE8s: 1e9, DissolveDelay: year},
	} {
		if _, err := n.Governance.AddNeuron(s); err != nil {
			t.Fatal(err)
		}
	}
	for _, tp := range []nns.Topic{nns.TopicGovernance, nns.TopicSubnetManagement, nns.TopicExchangeRate} {
		id, err := n.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 27, Topic: tp, Title: tp.String() + " change",
			Action: nns.Action{Motion: &nns.Motion{MotionText: "m"}}})
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	cfg := fmt.Sprintf(`
network: {urls: [%s], root_key: %s}
identity: {pem_file: %s}
store: {path: %s}
neurons: [{id: 1001, alias: main}]
policies:
  default:
    vote_delay: 1h
    default: follow
    rules:
      - {name: ask-governance, match: {topics: [Governance]}, vote: manual}
      - {name: infra, match: {topics: [SubnetManagement]}, vote: yes}
      - {name: xr-ask, match: {topics: [ExchangeRate]}, vote: manual, fallback: none}
`, n.URL, n.RootKeyHex(), key.Path, filepath.Join(dir, "votebot.db"))
	cfgPath = filepath.Join(dir, "votebot.yaml")
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return cfgPath, ids
}

func runCmd(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func TestPlanAgainstDevnet(t *testing.T) {
	cfg, ids := devnetConfig(t)
	code, out, errs := runCmd(t, "plan", "--config", cfg)
	if code != 0 {
		t.Fatalf("plan exit %d: %s", code, errs)
	}
	t.Logf("\n%s", out)
	for _, want := range []string{"PROPOSAL", "VOTE", "WHEN", "FALLBACK AT", "Governance", "ask", "ask-governance", "infra", "follow"} {
		if !strings.Contains(out, want) {
			t.Errorf("plan output lacks %q", want)
		}
	}
	// An override changes the plan, and plan votes nothing.
	if code, out, errs := runCmd(t, "vote", fmt.Sprint(ids[0]), "no", "--neuron", "1001", "--config", cfg); code != 0 {
		t.Fatalf("vote exit %d: %s %s", code, out, errs)
	}
	code, out, errs = runCmd(t, "plan", "--config", cfg, "-o", "json", "--neuron", "main")
	if code != 0 {
		t.Fatalf("plan -o json --neuron main exit %d: %s", code, errs)
	}
	var rows []planRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("plan --json: %v\n%s", err, out)
	}
	for _, r := range rows {
		if r.Proposal == ids[0] && (r.Vote != "No" || r.Source != "override") {
			t.Errorf("overridden proposal planned as %+v", r)
		}
		if r.Ballot != "empty" {
			t.Errorf("plan cast a vote? ballot %q on %d", r.Ballot, r.Proposal)
		}
	}
}

// plan's -o, --json and --neuron refuse what they do not know, naming what they do.
func TestPlanFlags(t *testing.T) {
	cfg, _ := devnetConfig(t)
	tests := []struct {
		args []string
		code int
		want string // in stdout for exit 0, stderr otherwise
	}{
		{[]string{"--neuron", "nope"}, 1, "--neuron nope: not a configured neuron (configured: main)"},
		{[]string{"--neuron", "1002"}, 1, "--neuron 1002: not a configured neuron"},
		{[]string{"-o", "yaml"}, 1, "-o yaml: want table or json"},
		{[]string{"--json", "-o", "table"}, 1, "--json and -o table: give one"},
		{[]string{"--json"}, 0, `"neuron": 1001`},
		{[]string{"--neuron", "1001", "--wide"}, 0, "ask-governance"},
	}
	for _, tt := range tests {
		code, out, errs := runCmd(t, append([]string{"plan", "--config", cfg}, tt.args...)...)
		got := out
		if tt.code != 0 {
			got = errs
		}
		if code != tt.code || !strings.Contains(got, tt.want) {
			t.Errorf("plan %v: exit %d, %q; want exit %d with %q", tt.args, code, got, tt.code, tt.want)
		}
	}
}

func TestOnceExitCodes(t *testing.T) {
	cfg, _ := devnetConfig(t)
	// The ExchangeRate proposal (12 h left, under the default 24 h
	// threshold) waits for a human with no fallback: at risk, exit 2.
	code, out, errs := runCmd(t, "once", "--config", cfg)
	if code != onceAtRisk {
		t.Fatalf("once exit %d, want %d: %s %s", code, onceAtRisk, out, errs)
	}
	if !strings.Contains(out, "1 at risk") {
		t.Errorf("once output: %q", out)
	}
	if !strings.Contains(out, "3 open proposals") {
		t.Errorf("once output: %q", out)
	}
	if code, _, errs := runCmd(t, "once", "--config", filepath.Join(t.TempDir(), "missing.yaml")); code != 1 {
		t.Errorf("once with a missing config: exit %d (%s), want 1", code, errs)
	}
	if code, _, _ := runCmd(t, "vote", "1", "maybe", "--config", cfg); code != 1 {
		t.Errorf("vote maybe: exit %d, want 1", code)
	}
}
