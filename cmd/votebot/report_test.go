package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
	"github.com/votebot/votebot/store"
)

const reportHistory = "../../rewards/testdata/observations.json"

func runReportCmd(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = Run(context.Background(), append([]string{"report"}, args...), Streams{In: strings.NewReader(""), Out: &out, Err: &errb})
	return code, out.String(), errb.String()
}

func TestReportCommandText(t *testing.T) {
	code, out, errs := runReportCmd(t, "--observations", reportHistory, "--at", "2026-11-21T12:00:00Z", "--window", "30d")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"window 30d", "alpha", "MISSED proposal 140001", "95.8% (5/6)", "DECAYING"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func TestReportCommandJSON(t *testing.T) {
	code, out, errs := runReportCmd(t, "--observations", reportHistory, "--at", "2026-11-21T12:00:00Z", "--json", "--regime", "legacy")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	var r rewards.Report
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if r.Regime != rewards.RegimeLegacy || r.Window.Name != "7d" || len(r.Neurons) != 2 {
		t.Fatalf("got regime %q window %q neurons %d", r.Regime, r.Window.Name, len(r.Neurons))
	}
}

// --neuron keeps one neuron's report, by alias or id.
func TestReportNeuron(t *testing.T) {
	for _, pick := range []string{"alpha", "1001"} {
		code, out, errs := runReportCmd(t, "--observations", reportHistory, "--at", "2026-11-21T12:00:00Z", "--json", "--neuron", pick)
		if code != 0 {
			t.Fatalf("--neuron %s: exit %d: %s", pick, code, errs)
		}
		var r rewards.Report
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		var ids []uint64
		for _, n := range r.Neurons {
			ids = append(ids, n.Neuron)
		}
		if len(ids) != 1 || ids[0] != 1001 {
			t.Errorf("--neuron %s: neurons %v, want only 1001", pick, ids)
		}
	}
}

func TestReportCommandErrors(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no source: the default config is read", []string{"-c", filepath.Join(dir, "absent.yaml")}, "name the file with --config/-c"},
		{"two sources", []string{"--observations", reportHistory, "--store", "x.db"}, "not both"},
		{"missing file", []string{"--observations", filepath.Join(dir, "nope.json")}, "no such file"},
		{"missing store is not created", []string{"--store-path", filepath.Join(dir, "nope.db")}, "no such file"},
		{"bad window", []string{"--observations", reportHistory, "--window", "fortnight"}, "window"},
		{"bad regime", []string{"--observations", reportHistory, "--regime", "mission70"}, "regime"},
		{"bad time", []string{"--observations", reportHistory, "--at", "yesterday"}, "--at"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, _, errs := runReportCmd(t, tc.args...)
			if code != 1 || !strings.Contains(errs, tc.want) {
				t.Fatalf("exit %d, stderr %q, want 1 and %q", code, errs, tc.want)
			}
		})
	}
}

func TestReportCommandFromStore(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "votebot.db")
	st, err := store.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Date(2026, 11, 20, 10, 0, 0, 0, time.UTC)
	if err := st.RecordObservations(ctx, []rewards.Observation{
		{ProposalID: 5, Neuron: 77, Topic: nns.TopicGovernance, RewardStatus: nns.RewardStatusSettled, Ballot: rewards.BallotEmpty,
			BallotVP: 100, ProposalTime: deadline.Add(-96 * time.Hour), Deadline: deadline},
		{ProposalID: 6, Neuron: 77, Topic: nns.TopicNodeAdmin, RewardStatus: nns.RewardStatusSettled, Ballot: rewards.BallotVotedFollowing,
			BallotVP: 100, Vote: nns.VoteYes, ProposalTime: deadline.Add(-96 * time.Hour), Deadline: deadline},
	}); err != nil {
		t.Fatal(err)
	}
	ev := rewards.RewardEventRef{DayAfterGenesis: 2000, At: deadline.Add(24 * time.Hour)}
	if err := st.RecordAudits(ctx, []rewards.MaturityAudit{
		rewards.AuditMaturity(77, ev, 2_000_000, rewards.Maturity{}, rewards.Maturity{MaturityE8s: 1_000_000}),
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runReportCmd(t, "--store-path", path, "--at", "2026-11-21T12:00:00Z")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// Missed Governance (20) and voted NodeAdmin (1): 1/21 = 4.8%.
	if !strings.Contains(out, "4.8% (1/2)") || !strings.Contains(out, "MISSED proposal 5  Governance") {
		t.Fatalf("store report:\n%s", out)
	}
	// The audit the daemon recorded: half the expected maturity is flagged.
	for _, want := range []string{"reward audit", "50.0%", "LOW", rewards.LowRewardMessage} {
		if !strings.Contains(out, want) {
			t.Errorf("store report lacks %q:\n%s", want, out)
		}
	}
}

func TestReportCommandWithConfig(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "votebot.yaml")
	yaml := "identity:\n  pem_file: " + filepath.Join(dir, "hotkey.pem") + "\nneurons:\n  - id: 1001\n    alias: main\n  - id: 1003\n    alias: spare\n"
	if err := os.WriteFile(cfg, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runReportCmd(t, "--config", cfg, "--observations", reportHistory, "--at", "2026-11-21T12:00:00Z")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	// The file names 1001 alpha (kept); the configured 1003 appears with no history.
	if !strings.Contains(out, "neuron 1001 (alpha)") || !strings.Contains(out, "neuron 1003 (spare)") {
		t.Fatalf("config neurons missing:\n%s", out)
	}
}
