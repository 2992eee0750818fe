package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/store"
)

// overrides shows each decision's time and status, and leaves out (or, with --all, marks)
// those on closed proposals.
func TestOverridesStatus(t *testing.T) {
	cfg, _ := devnetConfig(t)
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(filepath.Dir(cfg), "votebot.db"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	open := policy.Proposal{ID: 501, Topic: nns.TopicGovernance, Title: "Open motion", Deadline: now.Add(48 * time.Hour)}
	voted := policy.Proposal{ID: 502, Topic: nns.TopicGovernance, Title: "Voted motion", Deadline: now.Add(24 * time.Hour)}
	closed := policy.Proposal{ID: 503, Topic: nns.TopicGovernance, Title: "Closed motion", Deadline: now.Add(-time.Hour)}
	for _, p := range []policy.Proposal{open, voted, closed} {
		must(t, st.SaveProposal(ctx, p))
		must(t, st.SetOverride(ctx, p.ID, 1001, nns.VoteYes, "votebot vote (console)"))
	}
	must(t, st.MarkSettled(ctx, closed))
	must(t, st.SetOverride(ctx, 504, 0, nns.VoteNo, "votebot vote"))
	a, err := st.BeginVote(ctx, bot.VoteIntent{Proposal: 502, Neuron: 1001, Vote: nns.VoteYes, Source: "override", Reason: "manual override"})
	must(t, err)
	must(t, st.FinishVote(ctx, a, bot.VoteSucceeded, ""))
	st.Close()

	code, out, errs := runCmd(t, "overrides", "--config", cfg)
	if code != 0 {
		t.Fatalf("overrides: exit %d: %s", code, errs)
	}
	t.Logf("\n%s", out)
	for _, want := range []string{"SET AT", "STATUS", "501       Open motion   main          Yes   pending", "502       Voted motion  main          Yes   voted",
		"504                     every neuron  No    unseen", "(1 decision on closed proposals not shown: --all lists them)"} {
		if !strings.Contains(out, want) {
			t.Errorf("overrides lacks %q", want)
		}
	}
	if strings.Contains(out, "Closed motion") {
		t.Error("overrides lists a decision on a closed proposal")
	}
	_, out, _ = runCmd(t, "overrides", "--config", cfg, "--all", "-o", "json")
	var rows []overrideRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("overrides -o json: %v\n%s", err, out)
	}
	got := map[uint64]string{}
	for _, r := range rows {
		got[r.Proposal] = r.Status
		if r.SetAt.IsZero() {
			t.Errorf("decision on %d has no set_at", r.Proposal)
		}
	}
	if want := map[uint64]string{501: "pending", 502: "voted", 503: "closed", 504: "unseen"}; len(got) != 4 ||
		got[501] != want[501] || got[502] != want[502] || got[503] != want[503] || got[504] != want[504] {
		t.Errorf("overrides --all -o json statuses %v, want %v", got, want)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
