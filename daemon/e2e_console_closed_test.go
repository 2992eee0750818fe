package daemon_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/console"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
)

const closedConfig = `
instance: console-closed
poll_interval: 1s
neurons:
  - {id: 1001, alias: main}
  - {id: 1002, alias: cold}
policies:
  default:
    deadline_margin: 4s
    fallback: "no"
    default: follow
    rules:
      - {name: ask-gov, match: {topics: [Governance]}, vote: manual}
`

// TestConsoleCastByAndClosed: the ballots votebot cast say which override
// or fallback cast them, and after voting ends the proposal keeps its page
// and its title in the history, from the store.
func TestConsoleCastByAndClosed(t *testing.T) {
	skipLong(t)
	t.Parallel()
	e := newE2E(t, shortNNS(9*time.Second, time.Hour))
	e.addProposerAndBotNeurons(botNeuron{1001, 10}, botNeuron{1002, 10})
	e.loadConfig(e.configf(closedConfig))
	app := e.assemble(func(o *bot.Options) { o.PollInterval, o.RetryBackoff = 300*time.Millisecond, 300*time.Millisecond })
	defer app.Close()
	const title = "Motion to keep the history"
	pid, err := e.net.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 40, Topic: nns.TopicGovernance,
		Title: title, Action: nns.Action{Motion: &nns.Motion{MotionText: "x"}}})
	if err != nil {
		t.Fatal(err)
	}
	pi, _ := e.net.Governance.ProposalInfo(pid)
	deadline := time.Unix(int64(*pi.DeadlineTimestampSeconds), 0)
	defer runUntilStop(t, app.Bot.Run)()
	ctx := context.Background()
	for dl := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		if _, _, _, ok := app.Bot.View(); ok {
			break
		}
		if time.Now().After(dl) {
			t.Fatal("no pass in 10 s")
		}
	}
	if err := app.Decide(ctx, pid, 1001, nns.VoteYes, "console"); err != nil {
		t.Fatal(err)
	}
	waitBallot(t, e, pid, 1001, nns.VoteYes, 5*time.Second)
	waitBallot(t, e, pid, 1002, nns.VoteNo, time.Until(deadline)) // the fallback at deadline - 4s

	src := app.ConsoleSource()
	want := map[uint64]string{1001: "votebot voted Yes by override", 1002: "votebot voted No by fallback"}
	// The chain shows the ballot a moment before the loop has recorded its vote (the vote log
	// castBy reads): wait for the console to say it, briefly.
	castBy := func(p console.Proposal) (wrong string) {
		for _, b := range p.Ballots {
			if !strings.HasPrefix(b.Reason, want[b.Neuron]) {
				return fmt.Sprintf("neuron %d's ballot reads %q, want %q…", b.Neuron, b.Reason, want[b.Neuron])
			}
		}
		return ""
	}
	for dl := time.Now().Add(5 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		p, err := src.Proposal(ctx, "", pid)
		if err != nil {
			t.Fatal(err)
		}
		wrong := castBy(p)
		if wrong == "" {
			break
		}
		if time.Now().After(dl) {
			t.Errorf("open: %s", wrong)
			break
		}
	}
	// The open list says the same (castBy runs there per proposal).
	open, err := src.OpenProposals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(open) != 1 || open[0].ID != pid {
		t.Fatalf("open proposals %+v, want only %d", open, pid)
	}
	if wrong := castBy(open[0]); wrong != "" {
		t.Errorf("open list: %s", wrong)
	}
	var p console.Proposal

	sleepUntil(deadline.Add(3 * time.Second)) // voting ends, the loop settles it
	for dl := time.Now().Add(10 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if p, err = src.Proposal(ctx, "", pid); err == nil && p.Closed {
			break
		}
		if time.Now().After(dl) {
			t.Fatalf("after voting ended: %+v, %v; want the closed proposal from the store", p, err)
		}
	}
	if p.Title != title || p.Topic != nns.TopicGovernance || len(p.Ballots) != 2 {
		t.Errorf("closed proposal: title %q topic %v %d ballots, want %q Governance 2", p.Title, p.Topic, len(p.Ballots), title)
	}
	for _, b := range p.Ballots {
		if !strings.HasPrefix(b.Reason, want[b.Neuron]) || b.Action != "voted" {
			t.Errorf("closed: neuron %d's ballot %s %q, want voted %q…", b.Neuron, b.Action, b.Reason, want[b.Neuron])
		}
	}
	h, err := src.History(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range h.Votes {
		if v.Proposal == pid && v.Title != title {
			t.Errorf("history: the vote on %d has title %q, want %q", pid, v.Title, title)
		}
	}
	if len(h.Votes) != 2 {
		t.Errorf("history lists %d votes, want 2", len(h.Votes))
	}
}
