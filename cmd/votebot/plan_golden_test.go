package main

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

var update = flag.Bool("update", false, "rewrite the golden files of cmd/votebot/testdata")

// goldenPlans has one ballot of each kind: a vote now, a delayed vote, a
// wait for followees with a fallback, an ask with a fallback, an ask with
// none, a filled ballot and a neuron without one.
func goldenPlans(now time.Time) []bot.BallotPlan {
	gov := &policy.Proposal{ID: 140001, Topic: nns.TopicGovernance, Title: "Motion: fund\tthe\x1b[31m thing",
		Deadline: now.Add(70 * time.Hour), Tally: policy.Tally{Yes: 12_345_678 * 1e8, No: 901 * 1e8, Total: 40_000_000 * 1e8}}
	subnet := &policy.Proposal{ID: 140002, Topic: nns.TopicSubnetManagement, Title: "Add nodes to subnet pzp6e",
		Deadline: now.Add(3 * time.Hour), Tally: policy.Tally{Yes: 250_000 * 1e8, Total: 40_000_000 * 1e8}}
	xr := &policy.Proposal{ID: 140003, Topic: nns.TopicExchangeRate, Title: "Update ICP/XDR rate",
		Deadline: now.Add(40 * time.Minute)}
	main := bot.NeuronConfig{ID: 1001, Alias: "main"}
	spare := bot.NeuronConfig{ID: 1003}
	return []bot.BallotPlan{
		{Proposal: gov, Neuron: main, Outcome: bot.BallotEmpty, Decision: policy.Decision{Action: policy.ActionWait,
			NeedsHuman: true, Vote: nns.VoteNo, At: now.Add(46 * time.Hour), Rule: "ask-governance",
			Reason: `rule "ask-governance": topic Governance: asking a person; fallback No`}},
		{Proposal: gov, Neuron: spare, Outcome: bot.BallotFollowing, Vote: nns.VoteYes},
		{Proposal: subnet, Neuron: main, Outcome: bot.BallotEmpty, Decision: policy.Decision{Action: policy.ActionVoteAt,
			Vote: nns.VoteYes, At: now.Add(25 * time.Minute), Rule: "infra", Reason: `rule "infra": topic SubnetManagement`}},
		{Proposal: subnet, Neuron: spare, Outcome: bot.BallotEmpty, Decision: policy.Decision{Action: policy.ActionWait,
			At: now.Add(90 * time.Minute), Reason: "default: follow; fallback with the majority at 2026-12-02T16:30:00Z, 90 minutes before the deadline, unless the followees vote first"}},
		{Proposal: xr, Neuron: main, Outcome: bot.BallotEmpty, Decision: policy.Decision{Action: policy.ActionWait,
			NeedsHuman: true, NoFallback: true, Rule: "xr-ask", Reason: `rule "xr-ask": asking a person; no fallback`}},
		{Proposal: xr, Neuron: spare, Outcome: bot.BallotEmpty, Decision: policy.Decision{Action: policy.ActionVoteNow,
			Vote: nns.VoteNo, Override: true, Reason: "override by votebot vote"}},
		{Proposal: xr, Neuron: bot.NeuronConfig{ID: 1004}, Outcome: bot.BallotNone},
	}
}

func TestPlanGolden(t *testing.T) {
	now := time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC)
	for _, tt := range []struct {
		file string
		view planView
		json bool
	}{
		{"plan_open.golden", planView{}, false},
		{"plan_all.golden", planView{all: true}, false},
		{"plan_all_wide.golden", planView{all: true, wide: true}, false},
		{"plan_open.json.golden", planView{}, true},
	} {
		t.Run(tt.file, func(t *testing.T) {
			var buf bytes.Buffer
			var err error
			if tt.json {
				err = writePlanJSON(&buf, goldenPlans(now), tt.view.all)
			} else {
				err = writePlanTable(&buf, goldenPlans(now), now, tt.view)
			}
			if err != nil {
				t.Fatal(err)
			}
			golden(t, tt.file, buf.Bytes())
		})
	}
}

func TestPlanNothingOpen(t *testing.T) {
	now := time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	plans := goldenPlans(now)[1:2] // the filled ballot only
	if err := writePlanTable(&buf, plans, now, planView{}); err != nil {
		t.Fatal(err)
	}
	if want := "Nothing to do: all 1 ballot is filled or not eligible (--all lists them).\n"; buf.String() != want {
		t.Errorf("got %q, want %q", buf.String(), want)
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/votebot -run %s -update writes it)", err, t.Name())
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
