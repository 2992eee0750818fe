package main

import (
	"bytes"
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
