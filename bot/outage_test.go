package bot

import (
	"context"
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
)

// A blip of every endpoint is not a page: all_endpoints_down fires only
// after EndpointsDownAfter (5 minutes), as a warning, and resolves.
func TestAllEndpointsDownWaitsForALastingOutage(t *testing.T) {
	h := newHarness(t, 1)
	h.opts.PollInterval = time.Minute
	h.bot = h.newBot()
	h.step(0)
	h.gov.down = true
	for range 4 { // 4 minutes down
		h.step(time.Minute)
	}
	if got := h.al.count("fire all_endpoints_down"); got != 0 {
		t.Fatalf("all_endpoints_down fired %d times within 4 minutes: %v", got, h.al.delivered)
	}
	h.step(time.Minute)
	h.step(time.Minute)
	if got := h.al.count("fire all_endpoints_down/0/0"); got != 1 {
		t.Fatalf("all_endpoints_down fired %d times after 5 minutes, want 1: %v", got, h.al.delivered)
	}
	if a := h.al.active[alert.Key{Kind: alert.KindAllEndpointsDown}]; a.Severity != alert.SeverityWarning {
		t.Errorf("severity %s, want warning", a.Severity)
	}
	h.gov.down = false
	h.step(time.Minute)
	if got := h.al.count("resolve all_endpoints_down/0/0"); got != 1 {
		t.Errorf("not resolved after recovery: %v", h.al.delivered)
	}
}

// A restart with a vote in flight while the endpoints are down still polls
// and alerts; the vote is re-checked once they answer, never sent twice.
func TestRestartWithVoteInFlightWhileEndpointsDown(t *testing.T) {
	h := newHarness(t, 1)
	h.opts.PollInterval = time.Minute
	h.gov.addProposal(5, nns.TopicIcOsVersionDeployment, 48*time.Hour)
	if _, err := h.store.BeginVote(context.Background(), VoteIntent{Neuron: 1, Proposal: 5, Vote: nns.VoteYes}); err != nil {
		t.Fatal(err)
	}
	h.gov.down = true
	h.bot = h.newBot() // the restart
	for range 6 {
		h.step(time.Minute)
	}
	if !h.bot.started {
		t.Fatal("start-up waits for the endpoints")
	}
	if got := h.al.count("fire all_endpoints_down/0/0"); got != 1 {
		t.Errorf("all_endpoints_down fired %d times, want 1: %v", got, h.al.delivered)
	}
	h.gov.down = false
	h.step(time.Minute)
	if inflight, _ := h.store.InFlightVotes(context.Background()); len(inflight) != 0 {
		t.Errorf("in-flight vote not re-checked after recovery: %+v", inflight)
	}
	h.step(time.Minute)
	if got := h.gov.sent[ballotKey{1, 5}]; got != 1 {
		t.Errorf("ballot 1/5 sent %d times, want once", got)
	}
}
