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
func downtimeHarness(t *testing.T, votedMeanwhile bool) *harness {
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
	h.clk.Add(4 * time.Hour)
	h.gov.tick()
	p := h.gov.props[30]
	p.RewardStatus, p.Ballots = nns.RewardStatusSettled, policy.Ballots{}
	h.al.before = []alert.State{{Kind: alert.KindProposalAtRisk, Neuron: 1, ProposalID: 30, Deadline: p.Deadline}}
	h.bot = h.newBot() // the restart
	h.step(time.Minute)
	return h
}

// A miss across downtime is never reported as fine: no "resolved" as if
// filled, but vote_unconfirmed saying when votebot was down, and the
// report counts it as unknown.
func TestMissAcrossDowntimeIsNotReportedAsFine(t *testing.T) {
	h := downtimeHarness(t, false)
	if got := h.al.count("fire vote_unconfirmed/1/30"); got != 1 {
		t.Fatalf("vote_unconfirmed fired %d times, want 1: %v", got, h.al.delivered)
	}
	a := h.al.active[alert.Key{Kind: alert.KindVoteUnconfirmed, Neuron: 1, ProposalID: 30}]
	if !strings.Contains(a.Text, "votebot was down from") {
		t.Errorf("vote_unconfirmed text %q does not say when votebot was down", a.Text)
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
	h.step(time.Minute)
	if got := h.al.count("fire vote_unconfirmed"); got != 1 {
		t.Errorf("vote_unconfirmed fired again: %v", h.al.delivered)
	}
}

// Where the neuron's recent ballots show the vote, it is confirmed voted.
func TestVoteAcrossDowntimeConfirmedFromRecentBallots(t *testing.T) {
	h := downtimeHarness(t, true)
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
