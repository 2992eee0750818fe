package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/store"
)

// TestVoteAndOverridesInADAO: `vote --dao` stores the decision in the DAO's
// own state database under the DAO's proposal number and the neuron's short
// id (the lane reads its overrides there), never in the NNS's; `overrides`
// lists it under the DAO's name and `--clear` removes it.
func TestVoteAndOverridesInADAO(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "votebot.yaml")
	nnsPath := filepath.Join(dir, "votebot.db")
	yaml := "identity:\n  pem_file: " + filepath.Join(dir, "hotkey.pem") + "\nstore:\n  path: " + nnsPath +
		"\nneurons:\n  - {id: 1001, alias: main}\nlisten: " + freeAddr(t) + "\n"
	must(t, os.WriteFile(cfg, []byte(yaml), 0o600))
	// A DAO found by discovery: its lane's store, named by its facts.
	lanePath := daemon.LaneStorePath(nnsPath, testRoot)
	st, err := store.Open(ctx, lanePath)
	must(t, err)
	must(t, st.SetSNSFacts(ctx, store.SNSFacts{Root: testRoot, Name: "OpenChat", Symbol: "CHAT"}))
	st.Close()

	tests := []struct {
		name    string
		args    []string
		code    int
		inOut   string
		inError string
	}{
		{"unknown DAO", []string{"vote", "4", "yes", "--dao", "Nope"}, 1, "", `--dao "Nope": not a known DAO (known: OpenChat)`},
		{"bad neuron", []string{"vote", "4", "yes", "--dao", "OpenChat", "--neuron", "main"}, 1, "", `--neuron "main": not a neuron of OpenChat`},
		{"stored", []string{"vote", "4", "yes", "--dao", "openchat", "--neuron", "0102030405060708"}, 0,
			"Stored: Yes on OpenChat proposal 4 for neuron 0102030405060708.", ""},
		{"every neuron by root", []string{"vote", "5", "no", "--dao", testRoot}, 0, "Stored: No on OpenChat proposal 5 for every neuron.", ""},
		{"listed", []string{"overrides"}, 0, "OpenChat  4         ", ""},
		{"cleared", []string{"vote", "5", "--clear", "--dao", "OpenChat"}, 0, "Cleared the decision on OpenChat proposal 5 for every neuron", ""},
	}
	for _, tt := range tests {
		code, out, errs := runCmd(t, append(tt.args, "--config", cfg)...)
		if code != tt.code || !strings.Contains(out, tt.inOut) || !strings.Contains(errs, tt.inError) {
			t.Errorf("%s: exit %d\nstdout: %s\nstderr: %s\nwant exit %d, %q in stdout, %q in stderr", tt.name, code, out, errs, tt.code, tt.inOut, tt.inError)
		}
	}

	st, err = store.Open(ctx, lanePath)
	must(t, err)
	got, err := st.Overrides(ctx)
	st.Close()
	must(t, err)
	if len(got) != 1 || got[0].ProposalID != 4 || got[0].NeuronID != 0x0102030405060708 || got[0].Vote != nns.VoteYes {
		t.Fatalf("the DAO's store holds %+v, want Yes on 4 for 0102030405060708", got)
	}
	if _, err := os.Stat(nnsPath); err == nil {
		nnsStore, err := store.Open(ctx, nnsPath)
		must(t, err)
		nnsOverrides, err := nnsStore.Overrides(ctx)
		nnsStore.Close()
		must(t, err)
		if len(nnsOverrides) != 0 {
			t.Errorf("the NNS store holds %+v: an SNS decision went to the NNS", nnsOverrides)
		}
	}

	_, out, _ := runCmd(t, "overrides", "--config", cfg, "--dao", testRoot, "-o", "json")
	var rows []overrideRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("overrides -o json: %v\n%s", err, out)
	}
	if len(rows) != 1 || rows[0].Governance != "OpenChat" || rows[0].SNSNeuron != "0102030405060708" || rows[0].Proposal != 4 {
		t.Errorf("overrides --dao -o json: %+v", rows)
	}
}

// TestVoteInAConfiguredDAO: a DAO of the sns: section is named by its
// configured name before its lane's store exists; its neurons by alias or
// short id, and only those configured.
func TestVoteInAConfiguredDAO(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "votebot.yaml")
	nnsPath := filepath.Join(dir, "votebot.db")
	treasurer := "0102030405060708" + strings.Repeat("ab", 24)
	yaml := "identity:\n  pem_file: " + filepath.Join(dir, "hotkey.pem") + "\nstore:\n  path: " + nnsPath +
		"\nneurons:\n  - {id: 1001, alias: main}\nlisten: " + freeAddr(t) +
		"\nsns:\n  daos:\n    - root: " + testRoot + "\n      name: Treasury DAO\n      neurons: [{id: " + treasurer + ", alias: treasurer}]\n"
	must(t, os.WriteFile(cfg, []byte(yaml), 0o600))
	tests := []struct {
		name    string
		args    []string
		code    int
		inOut   string
		inError string
	}{
		{"nothing stored", []string{"overrides"}, 0, "No decisions stored.", ""},
		{"by alias", []string{"vote", "7", "yes", "--dao", "treasury dao", "--neuron", "treasurer"}, 0,
			"Stored: Yes on Treasury DAO proposal 7 for neuron treasurer (0102030405060708).", ""},
		{"by hex id", []string{"vote", "8", "no", "--dao", testRoot, "--neuron", treasurer}, 0,
			"Stored: No on Treasury DAO proposal 8 for neuron treasurer (0102030405060708).", ""},
		{"not configured", []string{"vote", "7", "yes", "--dao", "Treasury DAO", "--neuron", "a1a2a3a4a5a6a7a8"}, 1, "",
			"neuron a1a2a3a4a5a6a7a8 is not configured in Treasury DAO"},
		{"listed", []string{"overrides"}, 0, "Treasury DAO  7         ", ""},
	}
	for _, tt := range tests {
		code, out, errs := runCmd(t, append(tt.args, "--config", cfg)...)
		if code != tt.code || !strings.Contains(out, tt.inOut) || !strings.Contains(errs, tt.inError) {
			t.Errorf("%s: exit %d\nstdout: %s\nstderr: %s\nwant exit %d, %q in stdout, %q in stderr", tt.name, code, out, errs, tt.code, tt.inOut, tt.inError)
		}
	}
}
