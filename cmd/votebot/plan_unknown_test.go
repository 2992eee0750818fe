package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// A neuron the bot can no longer read (its hotkey removed) has no ballot
// it can see: plan lists it as unknown and says why, never "all ballots
// filled or not eligible".
func TestPlanShowsANeuronItCannotRead(t *testing.T) {
	now := time.Date(2026, 12, 2, 15, 0, 0, 0, time.UTC)
	p := policy.Proposal{ID: 7, Topic: nns.TopicGovernance, Title: "Motion", Deadline: now.Add(4 * 24 * time.Hour)}
	// As bot.PlanOnce plans it when the neuron cannot be read (bot/plan.go).
	plans := []bot.BallotPlan{
		{Proposal: &p, Neuron: bot.NeuronConfig{ID: 1001}, Outcome: bot.BallotFollowing, Vote: nns.VoteYes},
		{Proposal: &p, Neuron: bot.NeuronConfig{ID: 9001}, Outcome: bot.BallotUnknown, Decision: policy.Decision{
			Reason: "neuron 9001 cannot be read with the bot identity (hotkey removed, or the read failed): " +
				"whether it has a ballot is unknown"}},
	}
	var buf bytes.Buffer
	if err := writePlanTable(&buf, plans, now, planView{}); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	t.Log("\n" + out)
	if strings.Contains(out, "Nothing to do") || !strings.Contains(out, "9001") ||
		!strings.Contains(out, "unknown") || !strings.Contains(out, "hotkey removed") {
		t.Errorf("plan does not list neuron 9001 as unknown:\n%s", out)
	}
}
