package bot

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

var errOverridesGone = errors.New("list overrides: SQL logic error: no such table: overrides (1)")

// The overrides table becomes unreadable under a running loop: the
// overrides it read last still decide (the stored No is cast, never the
// rule's Yes), a critical alert says so, Ready fails, and all of it
// clears when the table can be read again.
func TestOverridesKeptWhenTheStoreCannotReadThem(t *testing.T) {
	h := newHarness(t, 1)
	h.store.putOverride(policy.Override{ProposalID: 20, NeuronID: 1, Vote: nns.VoteNo, Note: "votebot vote"})
	h.step(0) // reads the override; proposal 20 does not exist yet
	h.store.failOverrides = errOverridesGone
	h.gov.addProposal(20, nns.TopicIcOsVersionDeployment, 10*time.Hour) // rule yes, at once
	h.step(time.Minute)
	if got := h.gov.props[20].Ballots; got.Len() == 0 {
		t.Fatal("proposal 20 has no ballots")
	}
	if b, _ := h.gov.props[20].Ballots.Get(1); b.Vote != nns.VoteNo {
		t.Errorf("neuron 1 voted %v on 20 with the overrides unreadable, want the stored No", b.Vote)
	}
	if got := h.al.count("fire overrides_unreadable/0/0"); got != 1 {
		t.Errorf("overrides_unreadable fired %d times, want 1: %v", got, h.al.delivered)
	}
	if a := h.al.active[alert.Key{Kind: alert.KindOverridesUnreadable}]; a.Severity != alert.SeverityCritical ||
		!strings.Contains(a.Text, "no such table") {
		t.Errorf("alert %+v, want critical and naming the error", a)
	}
	if h.bot.Ready() || h.bot.OverridesUnreadable() == nil {
		t.Errorf("Ready %v, OverridesUnreadable %v while the overrides cannot be read", h.bot.Ready(), h.bot.OverridesUnreadable())
	}
	h.store.failOverrides = nil
	h.step(time.Minute)
	if got := h.al.count("resolve overrides_unreadable/0/0"); got != 1 {
		t.Errorf("overrides_unreadable not resolved once readable: %v", h.al.delivered)
	}
	if !h.bot.Ready() {
		t.Error("not Ready after the overrides can be read again")
	}
}

// A process that never read the overrides (started with the table already
// broken) sends no vote an override could change before the ballot's
// deadline margin: once the table reads again, the stored No is cast.
func TestOverridesNeverReadHoldVotesUntilReadable(t *testing.T) {
	h := newHarness(t, 1)
	h.store.putOverride(policy.Override{ProposalID: 20, NeuronID: 1, Vote: nns.VoteNo})
	h.store.failOverrides = errOverridesGone
	h.gov.addProposal(20, nns.TopicIcOsVersionDeployment, 10*time.Hour) // rule yes at once; margin 2 h
	sum := h.step(0)
	h.step(time.Hour)
	if got := h.gov.calls; got != 0 {
		t.Fatalf("%d votes sent before the overrides were ever read, want none before the margin", got)
	}
	if want := h.gov.props[20].Deadline.Add(-2 * time.Hour); !sum.NextWake.Equal(want) {
		t.Errorf("next wake %s, want the margin %s", sum.NextWake, want)
	}
	if a := h.al.active[alert.Key{Kind: alert.KindOverridesUnreadable}]; !strings.Contains(a.Text, "At the margin the rules") {
		t.Errorf("the alert does not say the rules act at the margin: %q", a.Text)
	}
	h.store.failOverrides = nil
	h.step(time.Minute)
	if b, _ := h.gov.props[20].Ballots.Get(1); b.Vote != nns.VoteNo {
		t.Errorf("neuron 1 voted %v on 20 once the overrides were readable, want the stored No", b.Vote)
	}
}

// Deadline first: when the overrides are never readable, the rules vote
// at the ballot's margin rather than miss it.
func TestOverridesNeverReadRulesActAtTheMargin(t *testing.T) {
	h := newHarness(t, 1)
	h.store.failOverrides = errOverridesGone
	h.gov.addProposal(20, nns.TopicIcOsVersionDeployment, 10*time.Hour)
	h.step(0)
	h.step(7 * time.Hour)
	if got := h.gov.calls; got != 0 {
		t.Fatalf("%d votes 3 h before the deadline (margin 2 h), want none", got)
	}
	h.step(time.Hour) // the margin
	if b, _ := h.gov.props[20].Ballots.Get(1); b.Vote != nns.VoteYes {
		t.Errorf("neuron 1 voted %v at the margin, want the rule's Yes (never miss)", b.Vote)
	}
}
