package bot

import (
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/rewards"
)

// What the loop publishes for an open proposal, and that it drops the
// series at settlement (metrics/ turns these calls into series).
func TestPublishOpenProposalAndSettlement(t *testing.T) {
	h := newHarness(t, 1)
	h.step(0)
	h.gov.addProposal(7, nns.TopicGovernance, 10*time.Hour) // manual: waits for a human
	h.step(time.Minute)
	if v, ok := h.m.voted[ballotKey{1, 7}]; !ok || v != 0 {
		t.Errorf("neuron_voted{1,7} = %v (series %v), want 0", v, ok)
	}
	if got, want := h.m.deadlines[7], h.gov.props[7].Deadline; !got.Equal(want) {
		t.Errorf("deadline %v, want %v", got, want)
	}
	if got := h.m.firing[alert.KindManualDecisionNeeded]; got != 1 {
		t.Errorf("alerts_firing{manual} = %v, want 1", got)
	}
	h.gov.fill(1, 7, nns.VoteYes) // followees vote
	h.step(time.Minute)
	if v := h.m.voted[ballotKey{1, 7}]; v != 1 {
		t.Errorf("neuron_voted after following = %v, want 1", v)
	}
	h.step(11 * time.Hour) // voting ends: series dropped
	if len(h.m.voted) != 0 || len(h.m.deadlines) != 0 {
		t.Errorf("series after settlement: voted %v, deadlines %v", h.m.voted, h.m.deadlines)
	}
	if !h.m.lastPoll.Equal(h.clk.Now()) {
		t.Errorf("last poll %v, want %v", h.m.lastPoll, h.clk.Now())
	}
}

func TestMissedCounterRebuiltFromStore(t *testing.T) {
	h := newHarness(t, 1)
	miss := rewards.Observation{Neuron: 1, Topic: nns.TopicGovernance, Ballot: rewards.BallotEmpty,
		RewardStatus: nns.RewardStatusSettled}
	h.store.obs = append(h.store.obs, miss, miss,
		rewards.Observation{Neuron: 1, Topic: nns.TopicGovernance, Ballot: rewards.BallotVotedFollowing})
	h.step(0) // a fresh process: start() rebuilds
	if got := h.m.missedOf(1, nns.TopicGovernance); got != 2 {
		t.Errorf("votes_missed_total after restart = %v, want 2", got)
	}
}

// A deliberate abstention (a skip rule) and a neuron without a ballot are
// not unvoted: exporting them as votebot_neuron_voted=0 would page
// VotebotUnvotedProposalSoon for nothing.
func TestPublishOmitsSkippedAndIneligibleBallots(t *testing.T) {
	h := newHarness(t, 1, 2)
	h.step(0)
	h.gov.addProposal(8, nns.TopicNodeAdmin, 10*time.Hour) // skip rule
	h.gov.addProposal(9, nns.TopicGovernance, 10*time.Hour)
	h.gov.props[9].Ballots.Delete(2) // neuron 2 was not eligible for 9
	h.step(time.Minute)
	want := map[ballotKey]float64{{1, 9}: 0}
	if len(h.m.voted) != 1 || h.m.voted[ballotKey{1, 9}] != 0 {
		t.Fatalf("voted series %v, want %v", h.m.voted, want)
	}
	// The skipped proposal's deadline is still published: a manual vote on it
	// (or a rule change) must find the proposal's series.
	if n := len(h.m.deadlines); n != 2 {
		t.Errorf("%d deadline series, want 2", n)
	}
	// A later rule change that makes the ballot skipped drops its series.
	h.dec.rules[nns.TopicGovernance] = "skip"
	h.step(time.Minute)
	if n := len(h.m.voted); n != 0 {
		t.Errorf("%d neuron_voted series after the rule became skip, want 0", n)
	}
}
