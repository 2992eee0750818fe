package bot

import (
	"context"
	"io"
	"strconv"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/nns"
)

type harness struct {
	t     *testing.T
	clk   *clock
	gov   *fakeGov
	store *memStore
	al    *recAlerter
	m     *recMetrics
	dec   topicDecider
	opts  Options
	bot   *Bot
}

func newHarness(t *testing.T, neurons ...uint64) *harness {
	t.Helper()
	clk := &clock{t: time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)}
	h := &harness{t: t, clk: clk, gov: newFakeGov(clk.Now), store: newMemStore(), al: newRecAlerter(),
		m: newRecMetrics(),
		dec: topicDecider{margin: 2 * time.Hour, rules: map[nns.Topic]string{
			nns.TopicGovernance:            "manual",
			nns.TopicIcOsVersionDeployment: "yes",
			nns.TopicNodeAdmin:             "skip",
			nns.TopicSubnetManagement:      "no",
		}, follow: map[nns.Topic][]uint64{nns.TopicUnspecified: {27}, nns.TopicGovernance: {27}}},
		opts: Options{PollInterval: time.Hour, AtRiskThreshold: 90 * time.Minute, RetryBackoff: time.Minute}}
	for _, id := range neurons {
		h.gov.addNeuron(id)
		h.opts.Neurons = append(h.opts.Neurons, NeuronConfig{ID: id, Alias: "n" + strconv.FormatUint(id, 10)})
	}
	h.bot = h.newBot()
	return h
}

func (h *harness) newBot() *Bot {
	h.t.Helper()
	b, err := New(Deps{Gov: h.gov, Errors: fakeErrs{}, Store: h.store, Alerter: h.al, Decider: h.dec,
		Metrics: h.m, Logger: zerolog.New(io.Discard), Now: h.clk.Now}, h.opts)
	if err != nil {
		h.t.Fatal(err)
	}
	return b
}

// step advances the clock, ends voting where due, and runs one pass.
func (h *harness) step(d time.Duration) Summary {
	h.t.Helper()
	h.clk.Add(d)
	h.gov.tick()
	s, _ := h.bot.Once(context.Background())
	return s
}

func TestWeekFillsEveryNonSkipBallot(t *testing.T) {
	h := newHarness(t, 1, 2)
	topics := topicList{nns.TopicGovernance, nns.TopicIcOsVersionDeployment, nns.TopicNodeAdmin,
		nns.TopicSubnetManagement, nns.TopicExchangeRate, nns.TopicNetworkEconomics}
	h.step(0) // start: reconcile following
	for i, tp := range topics {
		h.gov.addProposal(uint64(100+i), tp, 24*time.Hour)
	}
	// Neuron 2's followee votes on the ExchangeRate proposal early.
	h.gov.fill(2, 104, nns.VoteNo)
	for i := 0; i < 30; i++ {
		h.step(time.Hour)
	}
	for id, p := range h.gov.props {
		for nid, b := range p.Ballots.All() {
			want := nns.VoteYes
			switch p.Topic {
			case nns.TopicNodeAdmin:
				want = nns.VoteUnspecified
			case nns.TopicSubnetManagement, nns.TopicGovernance:
				want = nns.VoteNo
			case nns.TopicExchangeRate:
				if nid == 2 {
					want = nns.VoteNo
				}
			}
			if b.Vote != want {
				t.Errorf("proposal %d (%s) neuron %d: vote %s, want %s", id, p.Topic, nid, b.Vote, want)
			}
		}
	}
	for k, n := range h.gov.sent {
		if n != 1 {
			t.Errorf("ballot %v sent %d times", k, n)
		}
	}
	if len(h.gov.following) != 2 {
		t.Errorf("SetFollowing calls = %v, want one per neuron at start", h.gov.following)
	}
	// The Governance proposal asked a human once per neuron, then the
	// fallback voted at the margin and the alert resolved.
	for _, n := range []string{"1", "2"} {
		key := "manual_decision_needed/" + n + "/100"
		if got := h.al.count("fire " + key); got != 1 {
			t.Errorf("%s fired %d times, want 1", key, got)
		}
		if got := h.al.count("resolve " + key); got != 1 {
			t.Errorf("%s resolved %d times, want 1", key, got)
		}
	}
	if got := h.al.count("fire vote_missed"); got != 0 {
		t.Errorf("missed alerts: %v", h.al.delivered)
	}
	if got := h.al.count("fire proposal_at_risk"); got != 0 {
		t.Errorf("at-risk alerts: %v", h.al.delivered)
	}
	for _, d := range h.store.decisions {
		if d.Decision.Source() == "fallback" && d.At.Before(h.gov.props[d.Proposal].Deadline.Add(-2*time.Hour)) {
			t.Errorf("fallback for %d decided at %s, before the margin", d.Proposal, d.At)
		}
	}
	if got := float64(h.m.cast["1/Governance/no/fallback"]); got != 1 {
		t.Errorf("votes_cast_total{neuron=1,Governance,no,fallback} = %v, want 1", got)
	}
	if n := len(h.m.deadlines); n != 0 {
		t.Errorf("deadline series after settlement: %d, want 0", n)
	}
	// Every settled non-skip ballot has a voted observation.
	voted := map[ballotKey]BallotOutcome{}
	for _, o := range h.store.obs {
		voted[ballotKey{o.Neuron, o.ProposalID}] = outcomeOf(o)
	}
	for id, p := range h.gov.props {
		for nid := range p.Ballots.All() {
			o := voted[ballotKey{nid, id}]
			if p.Topic == nns.TopicNodeAdmin {
				if o != BallotMissed {
					t.Errorf("skip ballot %d/%d observed %q, want missed (no alert)", nid, id, o)
				}
				continue
			}
			if o != BallotDirect && o != BallotFollowing {
				t.Errorf("ballot %d/%d observed %q", nid, id, o)
			}
		}
	}
	// Settled proposals leave nothing behind: a daemon runs for months.
	if len(h.bot.tracked) != 0 || h.bot.marks.proposals() != 0 {
		t.Errorf("after settlement: %d tracked, marks for %d proposals; want none",
			len(h.bot.tracked), h.bot.marks.proposals())
	}
}

type topicList []nns.Topic
