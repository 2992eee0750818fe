package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// A neuron that cannot vote is listed once, first, with why and the fix;
// its unvoted ballots are not repeated below it (issue 25: plan said
// "Nothing to do: all 63 ballots are filled or not eligible").
func TestPlanListsNeuronsThatCannotVoteFirst(t *testing.T) {
	now := time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC)
	var props []policy.Proposal
	for id := uint64(1); id <= 12; id++ {
		props = append(props, policy.Proposal{ID: id, Topic: nns.TopicGovernance, Title: "Motion", Deadline: now.Add(time.Hour)})
	}
	ghost := &bot.Blocker{Neuron: bot.NeuronConfig{ID: 9999, Alias: "typo"}, Kind: alert.KindNeuronNotFound, AllBallots: true,
		Cause: "Neuron typo (9999) does not exist", Fix: "check the id in the config's neurons list",
		Proposals: []uint64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}}
	var plans []bot.BallotPlan
	for i := range props {
		plans = append(plans,
			bot.BallotPlan{Proposal: &props[i], Neuron: bot.NeuronConfig{ID: 1001}, Outcome: bot.BallotFollowing, Vote: nns.VoteYes},
			bot.BallotPlan{Proposal: &props[i], Neuron: ghost.Neuron, Outcome: bot.BallotUnknown, Blocker: ghost,
				Decision: policy.Decision{Action: policy.ActionNothing, Reason: ghost.Cause}})
	}
	var buf bytes.Buffer
	if err := writeBlocked(&buf, []*bot.Blocker{ghost}); err != nil {
		t.Fatal(err)
	}
	if err := writePlanTable(&buf, plans, now, planView{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	t.Log("\n" + out)
	for _, want := range []string{
		"1 neuron cannot vote:\n  typo (9999)  Neuron not found: Neuron typo (9999) does not exist\n",
		"    12 open proposals unvoted: 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 and 2 more\n",
		"    fix: check the id in the config's neurons list\n",
		"Nothing else to do: the other 12 ballots are filled or not eligible",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("plan lacks %q", want)
		}
	}
	lines := 0
	for _, l := range strings.Split(out, "\n") {
		if strings.Contains(l, "9999") {
			lines++
		}
	}
	if lines != 1 {
		t.Errorf("neuron 9999 on %d lines, want one (at the top)", lines)
	}
	buf.Reset()
	if err := writePlanTable(&buf, plans, now, planView{all: true}); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(buf.String(), "does not exist"); got != 12 {
		t.Errorf("--all shows the cause on %d of neuron 9999's 12 ballots:\n%s", got, buf.String())
	}
}

// Against the devnet: a configured id no neuron has is listed first by
// plan, as neuron_not_found with the fix, and once counts it (exit 2)
// instead of a ballot at risk per proposal.
func TestPlanAndOnceWithANeuronThatDoesNotExist(t *testing.T) {
	cfg, _ := devnetConfig(t)
	raw, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatal(err)
	}
	raw = bytes.Replace(raw, []byte("neurons: [{id: 1001, alias: main}]"),
		[]byte("neurons: [{id: 1001, alias: main}, {id: 9999, alias: typo}]"), 1)
	if err := os.WriteFile(cfg, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	code, out, errs := runCmd(t, "plan", "--config", cfg)
	if code != 0 {
		t.Fatalf("plan exit %d: %s", code, errs)
	}
	t.Log("\n" + out)
	if !strings.HasPrefix(out, "1 neuron cannot vote:\n  typo (9999)  Neuron not found: ") ||
		!strings.Contains(out, "3 open proposals unvoted: 1, 2, 3") || !strings.Contains(out, "fix: check the id in the config") {
		t.Errorf("plan does not list neuron 9999 first as not found, with the fix:\n%s", out)
	}
	code, out, errs = runCmd(t, "once", "--dry-run", "--config", cfg)
	if code != onceAtRisk {
		t.Errorf("once --dry-run exit %d, want %d: %s %s", code, onceAtRisk, out, errs)
	}
	if !strings.Contains(out, "1 neuron cannot vote") || strings.Contains(errs, "proposal_at_risk/9999") {
		t.Errorf("once --dry-run: %q (stderr has 9999's at-risk alerts: %v)", out, strings.Contains(errs, "proposal_at_risk/9999"))
	}
	if !strings.Contains(errs, "neuron_not_found/9999/0") || strings.Contains(errs, "hotkey_missing/9999") {
		t.Errorf("once --dry-run did not raise neuron_not_found (and only it) for 9999:\n%s", errs)
	}
}
