package bot

import (
	"context"
	"io"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
)

// newLane is a harness whose bot is a lane of a group: it shares the
// gate and the alerter, and names its governance.
func newLane(t *testing.T, clk *clock, governance string, gate *VoteGate, al *recAlerter) *harness {
	t.Helper()
	h := newHarness(t, 7)
	h.clk, h.al = clk, al
	h.gov.now = clk.Now
	b, err := New(Deps{Gov: h.gov, Errors: fakeErrs{}, Store: h.store, Alerter: al, Decider: h.dec,
		Metrics: h.m, Logger: zerolog.New(io.Discard), Now: clk.Now, Governance: governance, Gate: gate}, h.opts)
	if err != nil {
		t.Fatal(err)
	}
	h.bot = b
	return h
}

// TestGroupVotesDeadlineFirstAcrossGovernances: two lanes, the NNS and an
// SNS, each with a vote due; with the gate's one slot busy, the vote
// whose proposal closes first is sent first although it is the second
// lane's. Same neuron and proposal numbers in both: the alerts of each
// stay apart, the SNS one naming its DAO.
func TestGroupVotesDeadlineFirstAcrossGovernances(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)}
	gate := NewVoteGate(1)
	al := newRecAlerter()
	nnsLane := newLane(t, clk, "", gate, al)
	snsLane := newLane(t, clk, "OpenChat", gate, al)

	var mu sync.Mutex
	var order []string
	record := func(name string) func() {
		return func() { mu.Lock(); order = append(order, name); mu.Unlock() }
	}
	nnsLane.gov.beforeVote, snsLane.gov.beforeVote = record("nns"), record("OpenChat")
	// Proposal 5 in both: a rule votes it at once; the SNS one closes a day
	// earlier. Proposal 6 in both needs a person (decision_needed).
	nnsLane.gov.addProposal(5, nns.TopicIcOsVersionDeployment, 72*time.Hour)
	snsLane.gov.addProposal(5, nns.TopicIcOsVersionDeployment, 48*time.Hour)
	nnsLane.gov.addProposal(6, nns.TopicGovernance, 72*time.Hour)
	snsLane.gov.addProposal(6, nns.TopicGovernance, 72*time.Hour)

	g := NewGroup(nnsLane.bot, snsLane.bot)
	hold, err := gate.Acquire(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	next := make([]time.Time, 2)
	done := make(chan struct{})
	go func() { g.pass(context.Background(), g.due(next), next); close(done) }()
	waitFor(t, func() bool { gate.mu.Lock(); defer gate.mu.Unlock(); return gate.waiting.Len() == 2 })
	hold()
	<-done

	mu.Lock()
	defer mu.Unlock()
	if len(order) != 2 || order[0] != "OpenChat" || order[1] != "nns" {
		t.Fatalf("votes sent in order %v, want [OpenChat nns]: the earliest deadline first", order)
	}
	var nnsAlert, snsAlert *alert.Alert
	for k, a := range al.active {
		if k.Kind != alert.KindManualDecisionNeeded || k.ProposalID != 6 {
			continue
		}
		switch a.Governance {
		case "":
			nnsAlert = &a
		case "OpenChat":
			snsAlert = &a
		}
	}
	if nnsAlert == nil || snsAlert == nil {
		t.Fatalf("decision-needed alerts: NNS %v, OpenChat %v; want one each (active: %v)", nnsAlert != nil, snsAlert != nil, al.delivered)
	}
	if nnsAlert.ID().String() == snsAlert.ID().String() {
		t.Fatalf("both lanes' alerts share the dedup key %q", nnsAlert.ID())
	}
	for i := range next {
		if !next[i].After(clk.Now()) {
			t.Errorf("lane %d is due again at %v: every lane passed gets its next time", i, next[i])
		}
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for range 500 {
		if cond() {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("condition never held")
}

// TestLaneWithoutNeuronsIsQuiet: an SNS-only config leaves the NNS lane
// with no neuron; it polls and alerts nothing, so the SNS lanes run.
func TestLaneWithoutNeuronsIsQuiet(t *testing.T) {
	h := newHarness(t)
	h.gov.addProposal(5, nns.TopicGovernance, 72*time.Hour)
	for range 3 {
		h.step(time.Hour)
	}
	if len(h.al.delivered) != 0 {
		t.Fatalf("a lane with no neurons alerted: %v", h.al.delivered)
	}
	if h.gov.calls != 0 {
		t.Fatalf("a lane with no neurons sent %d votes", h.gov.calls)
	}
}

// TestGroupRunWakesOneLane: Run passes every lane at start, then only the
// lane woken (a console decision, a reload) until the interval; it
// returns when ctx ends. Run under -race in the default test run.
func TestGroupRunWakesOneLane(t *testing.T) {
	clk := &clock{t: time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)}
	gate, al := NewVoteGate(4), newRecAlerter()
	a, b := newLane(t, clk, "", gate, al), newLane(t, clk, "OpenChat", gate, al)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- NewGroup(a.bot, b.bot).Run(ctx) }()
	start := clk.Now()
	waitFor(t, func() bool { return a.bot.LastPoll().Equal(start) && b.bot.LastPoll().Equal(start) })

	clk.Add(time.Minute)
	b.bot.Wake()
	waitFor(t, func() bool { return b.bot.LastPoll().Equal(clk.Now()) })
	if !a.bot.LastPoll().Equal(start) {
		t.Errorf("the lane not woken passed too (last poll %v)", a.bot.LastPoll())
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return when ctx ended")
	}
}
