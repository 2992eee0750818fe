package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/config"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/store"
)

func backtestConfig(t *testing.T, dir, name, vote string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	yaml := "identity:\n  pem_file: " + filepath.Join(dir, "hotkey.pem") + "\nstore:\n  path: " + filepath.Join(dir, "votebot.db") +
		"\nneurons:\n  - {id: 1001, policy: p}\npolicies:\n  p:\n    rules:\n      - name: motions\n        match: {actions: [Motion]}\n        vote: " +
		vote + "\n      - name: never\n        match: {proposers: [77]}\n        vote: no\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// The daemon's decisions as it records them, by the config in use.
func recordDecisions(t *testing.T, cfgPath string) {
	t.Helper()
	ctx := context.Background()
	cfg, err := config.Load(cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(ctx, cfg.Store.Path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	now := time.Now()
	for i, action := range []policy.ActionKind{policy.ActionMotion, policy.ActionMotion, policy.ActionExecuteNnsFunction} {
		p := policy.Proposal{ID: uint64(10 + i), Topic: nns.TopicGovernance, Title: "p", Action: action,
			Created: now.Add(-time.Hour), Deadline: now.Add(72 * time.Hour)}
		p.Ballots = policy.NewBallots([]policy.NeuronBallot{{Neuron: 1001}})
		if err := st.SaveProposal(ctx, p); err != nil {
			t.Fatal(err)
		}
		in := policy.Input{Proposal: p, Policy: cfg.Policies["p"], Now: now,
			Neuron: policy.Neuron{ID: 1001, HasBallot: true}}
		d := policy.Decide(in)
		in.Policy = nil
		if err := st.RecordDecisions(ctx, []bot.DecisionRecord{{Neuron: 1001, Proposal: p.ID, Decision: d, At: now, Input: &in}}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestBacktestCommand(t *testing.T) {
	dir := t.TempDir()
	inUse := backtestConfig(t, dir, "votebot.yaml", "yes")
	changed := backtestConfig(t, dir, "new.yaml", "no")
	if code, _, errs := runCLI(t, "backtest", "-c", inUse); code == 0 || !strings.Contains(errs, "no state database at") {
		t.Errorf("without a database: exit %d, %q; want a clear error", code, errs)
	}
	recordDecisions(t, inUse)

	code, out, errs := runCLI(t, "backtest", "-c", inUse)
	if code != 0 || !strings.Contains(out, "3 ballots replayed, 0 change.") {
		t.Errorf("identity: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = runCLI(t, "backtest", "-c", changed)
	if code != 0 || !strings.Contains(out, "3 ballots replayed, 2 change.") || strings.Count(out, "≠ vote No (rule)") != 2 ||
		strings.Contains(out, "fallback") {
		t.Errorf("changed: exit %d\n%s%s", code, out, errs)
	}
	code, out, _ = runCLI(t, "backtest", "-c", changed, "--json")
	if code != 0 || !strings.Contains(out, `"differs": true`) || !strings.Contains(out, `"vote": "No"`) || !strings.Contains(out, `"topic": "Governance"`) {
		t.Errorf("--json: exit %d\n%s", code, out)
	}
	if code, _, errs := runCLI(t, "backtest", "-c", inUse, "--since", "soon"); code == 0 || !strings.Contains(errs, "--since") {
		t.Errorf("--since soon: exit %d, %q", code, errs)
	}
	// config validate names the rule no stored proposal matched.
	copyKey(t, testdataK256, filepath.Join(dir, "hotkey.pem"), 0o600)
	_, _, errs = runCLI(t, "config", "validate", "-c", inUse)
	if !strings.Contains(errs, `history: rule "never" of policy p never matched any of the 3 stored proposals`) ||
		strings.Contains(errs, `rule "motions"`) {
		t.Errorf("config validate:\n%s", errs)
	}
}
