package bot

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// listingGov is a fakeGov that can also tell the newest open proposal,
// counting full reads and newest-id reads.
type listingGov struct {
	*fakeGov
	full, newest int
}

func (g *listingGov) OpenProposals(ctx context.Context) ([]policy.Proposal, error) {
	g.full++
	return g.fakeGov.OpenProposals(ctx)
}

func (g *listingGov) NewestOpenProposalID(ctx context.Context) (uint64, error) {
	g.newest++
	open, err := g.fakeGov.OpenProposals(ctx)
	var id uint64
	for _, p := range open {
		id = max(id, p.ID)
	}
	return id, err
}

// TestPollReadsOpenProposalsOnlyWhenTheyMatter: with every ballot filled
// a pass asks only for the newest id; a new proposal, an empty ballot of
// ours (also one with a moving deadline) and a passed deadline bring full
// reads back, and settlement and missed detection still work.
func TestPollReadsOpenProposalsOnlyWhenTheyMatter(t *testing.T) {
	h := newHarness(t, 1)
	lg := &listingGov{fakeGov: h.gov}
	h.opts.PollInterval = 24 * time.Hour // full reads due to age: none in this test
	b, err := New(Deps{Gov: lg, Errors: fakeErrs{}, Store: h.store, Alerter: h.al, Decider: h.dec,
		Metrics: h.m, Logger: zerolog.New(io.Discard), Now: h.clk.Now}, h.opts)
	if err != nil {
		t.Fatal(err)
	}
	h.bot = b
	type want struct{ full, newest int }
	check := func(step string, w want) {
		t.Helper()
		if lg.full != w.full || lg.newest != w.newest {
			t.Fatalf("%s: %d full reads, %d newest-id reads; want %d, %d", step, lg.full, lg.newest, w.full, w.newest)
		}
	}
	h.step(0)
	check("first pass", want{1, 0})
	h.step(time.Minute)
	check("nothing open, nothing new", want{1, 1})

	h.gov.addProposal(5, nns.TopicIcOsVersionDeployment, 10*time.Hour) // rule: yes
	h.step(time.Minute)
	check("new proposal", want{2, 2})
	if got, _ := h.gov.props[5].Ballots.Get(1); got.Vote != nns.VoteYes {
		t.Fatalf("ballot = %s, want Yes", got.Vote)
	}
	h.step(time.Minute) // the last full read showed the ballot empty
	check("re-read after voting", want{3, 2})
	h.step(time.Minute)
	h.step(time.Minute)
	check("all filled", want{3, 4})

	// An empty ballot of ours (manual topic): every pass reads in full, and
	// a moved deadline is seen at once.
	h.gov.addProposal(6, nns.TopicGovernance, 3*time.Hour)
	h.step(time.Minute)
	check("new manual proposal", want{4, 5})
	h.gov.mu.Lock()
	h.gov.props[6].Deadline = h.gov.props[6].Deadline.Add(time.Hour)
	h.gov.mu.Unlock()
	h.step(time.Minute)
	check("empty ballot", want{5, 5})
	if got := h.bot.tracked[6].Deadline; !got.Equal(h.gov.props[6].Deadline) {
		t.Fatalf("tracked deadline %s, want the moved %s", got, h.gov.props[6].Deadline)
	}
	// Proposal 6 is missed at its (moved) deadline.
	h.step(4 * time.Hour)
	if got := h.al.count("fire vote_missed"); got != 1 {
		t.Fatalf("%d missed alerts, want 1", got)
	}
	full := lg.full
	// Proposal 5's deadline passes: the pass reads in full and settles it.
	h.step(6 * time.Hour)
	if lg.full != full+1 {
		t.Fatalf("deadline passed: %d full reads, want %d", lg.full, full+1)
	}
	if _, ok := h.bot.tracked[5]; ok {
		t.Fatal("proposal 5 not settled")
	}
}
