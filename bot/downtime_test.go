package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/rewards"
)

// downtimeHarness: a ballot at risk, votebot stops, voting ends and the
// canister settles the proposal (its ballots purged), votebot restarts.
// With recentFull the neuron's recent ballots hold 100 other votes.
func downtimeHarness(t *testing.T, votedMeanwhile, recentFull bool) *harness {
	t.Helper()
	h := newHarness(t, 1)
	h.dec.rules[nns.TopicNetworkEconomics] = "manual-nofallback"
	h.step(0)
	h.gov.addProposal(30, nns.TopicNetworkEconomics, 3*time.Hour)
	h.step(time.Hour)
	h.step(time.Hour) // 1 h left, nothing planned: at risk
	if got := h.al.count("fire proposal_at_risk/1/30"); got != 1 {
		t.Fatalf("at risk fired %d times before the stop: %v", got, h.al.delivered)
	}
	// Down for 4 hours: voting ends, the proposal settles, ballots purged.
	if votedMeanwhile {
		h.gov.fill(1, 30, nns.VoteYes) // the owner voted in the NNS dapp
	}
	if recentFull {
		for id := uint64(1000); len(h.gov.neurons[1].RecentBallots) < nns.MaxRecentBallots; id++ {
			h.gov.neurons[1].RecentBallots[id] = nns.VoteYes
		}
	}
	h.clk.Add(4 * time.Hour)
	h.gov.tick()
	p := h.gov.props[30]
	p.RewardStatus, p.Ballots = nns.RewardStatusSettled, policy.Ballots{}
	h.al.before = []alert.State{{Kind: alert.KindProposalAtRisk, Neuron: 1, ProposalID: 30, Deadline: p.Deadline}}
	h.bot = h.newBot() // the restart
	h.step(time.Minute)
	return h
}

// A miss across downtime that the chain proves: the ballot was seen open
// and empty, and the neuron's recent ballots, not full, do not list the
// proposal. It is vote_missed, counted missed (metrics, store, report),
// never "unconfirmed" nor "fine".
func TestMissAcrossDowntimeProvenByRecentBallots(t *testing.T) {
	h := downtimeHarness(t, false, false)
	if got := h.al.count("fire vote_missed/1/30"); got != 1 {
		t.Fatalf("vote_missed fired %d times, want 1: %v", got, h.al.delivered)
	}
	if got := h.al.count("fire vote_unconfirmed"); got != 0 {
		t.Errorf("vote_unconfirmed fired for a miss the recent ballots prove: %v", h.al.delivered)
	}
	a := h.al.active[alert.Key{Kind: alert.KindVoteMissed, Neuron: 1, ProposalID: 30}]
	if !strings.Contains(a.Text, "recent ballots, which hold its last 100 votes and are not full") {
		t.Errorf("vote_missed text %q does not say how the miss was proven", a.Text)
	}
	if txt := h.al.resolvedText[alert.Key{Kind: alert.KindProposalAtRisk, Neuron: 1, ProposalID: 30}]; !strings.Contains(txt, "vote missed") {
		t.Errorf("at-risk resolved with %q: it must point to the vote missed alert", txt)
	}
	if got := h.m.missedOf(1, nns.TopicNetworkEconomics); got != 1 {
		t.Errorf("votes_missed_total = %d, want 1", got)
	}
	var got []rewards.Observation
	for _, o := range h.store.obs {
		if o.ProposalID == 30 {
			got = append(got, o)
		}
	}
	if len(got) != 1 || outcomeOf(got[0]) != BallotMissed || got[0].BallotVP != 100 {
		t.Fatalf("observations of 30: %+v, want one miss with the ballot's voting power 100", got)
	}
	entries, _ := rewards.Merge(got, h.clk.Now())
	if len(entries) != 1 || entries[0].Outcome != rewards.OutcomeMissed {
		t.Errorf("report: %+v, want missed", entries)
	}
	if missed, _ := h.store.MissedVotes(t.Context()); len(missed) != 1 || missed[0].Count != 1 {
		t.Errorf("missed votes rebuilt at start: %+v, want 1", missed)
	}
	h.step(time.Minute)
	if got := h.al.count("fire vote_missed"); got != 1 {
		t.Errorf("vote_missed fired again: %v", h.al.delivered)
	}
}

// When the chain cannot tell — the recent ballots are full, so the
// proposal may have dropped off them — the ballot stays unknown:
// vote_unconfirmed saying when votebot was down and why the chain is
// silent, the report counts it unknown, never missed nor "fine".
func TestMissAcrossDowntimeUnconfirmedWhenRecentBallotsFull(t *testing.T) {
	h := downtimeHarness(t, false, true)
	if got := h.al.count("fire vote_unconfirmed/1/30"); got != 1 {
		t.Fatalf("vote_unconfirmed fired %d times, want 1: %v", got, h.al.delivered)
	}
	if got := h.al.count("fire vote_missed"); got != 0 {
		t.Errorf("vote_missed fired although the chain cannot tell: %v", h.al.delivered)
	}
	a := h.al.active[alert.Key{Kind: alert.KindVoteUnconfirmed, Neuron: 1, ProposalID: 30}]
	if !strings.Contains(a.Text, "votebot was down from") || !strings.Contains(a.Text, "recent ballots are full") {
		t.Errorf("vote_unconfirmed text %q does not say when votebot was down and why the chain cannot tell", a.Text)
	}
	if txt := h.al.resolvedText[alert.Key{Kind: alert.KindProposalAtRisk, Neuron: 1, ProposalID: 30}]; !strings.Contains(txt, "could not be confirmed") {
		t.Errorf("at-risk resolved with %q: it must say the vote could not be confirmed", txt)
	}
	var got []BallotOutcome
	for _, o := range h.store.obs {
		if o.ProposalID == 30 {
			got = append(got, outcomeOf(o))
		}
	}
	if len(got) != 1 || got[0] != BallotUnknown {
		t.Errorf("observations of 30: %v, want one unknown", got)
	}
	if got := h.m.missedOf(1, nns.TopicNetworkEconomics); got != 0 {
		t.Errorf("votes_missed_total = %d, want 0", got)
	}
	h.step(time.Minute)
	if got := h.al.count("fire vote_unconfirmed"); got != 1 {
		t.Errorf("vote_unconfirmed fired again: %v", h.al.delivered)
	}
}

// Where the neuron's recent ballots show the vote, it is confirmed voted.
func TestVoteAcrossDowntimeConfirmedFromRecentBallots(t *testing.T) {
	h := downtimeHarness(t, true, false)
	if got := h.al.count("fire vote_unconfirmed"); got != 0 {
		t.Errorf("vote_unconfirmed fired although recent ballots show the vote: %v", h.al.delivered)
	}
	var voted bool
	for _, o := range h.store.obs {
		voted = voted || (o.ProposalID == 30 && o.Ballot == rewards.BallotVotedFollowing)
	}
	if !voted {
		t.Error("the vote seen in recent ballots was not recorded")
	}
}
