package bot

import (
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// A proposal stays unsettled while another neuron's ballot is unknown; the
// miss is still counted and alerted once, and its observation written.
func TestMissCountedOnceWhileProposalStaysUnsettled(t *testing.T) {
	h := newHarness(t, 1, 2)
	h.step(0)
	h.gov.addProposal(100, nns.TopicIcOsVersionDeployment, 3*time.Hour)
	h.gov.refuse = true                 // neuron 1's vote never lands
	h.gov.neurons[2].Authorized = false // neuron 2's ballot becomes unreadable
	for range 8 {
		h.step(time.Hour)
	}
	if got := float64(h.m.missedOf(1, nns.TopicIcOsVersionDeployment)); got != 1 {
		t.Errorf("votes_missed_total{neuron=1} = %v after the deadline passed, want 1", got)
	}
	if got := h.al.count("fire vote_missed/1/100"); got != 1 {
		t.Errorf("vote_missed/1/100 fired %d times, want 1", got)
	}
	if _, ok := h.bot.tracked[100]; !ok {
		t.Fatal("proposal 100 settled although neuron 2's ballot is unknown")
	}
	outcomes := map[uint64]BallotOutcome{}
	for _, o := range h.store.obs {
		if o.ProposalID == 100 {
			outcomes[o.Neuron] = outcomeOf(o)
		}
	}
	if outcomes[1] != BallotMissed || outcomes[2] != BallotUnknown {
		t.Errorf("observations = %v, want neuron 1 missed, neuron 2 unknown", outcomes)
	}
}

// An unknown ballot is recorded as unknown, and once it is readable again
// before settlement, as what it was: unknown never hides a vote.
func TestUnknownBallotRecordedAgainOnceReadable(t *testing.T) {
	h := newHarness(t, 1, 2)
	h.step(0)
	h.gov.addProposal(100, nns.TopicIcOsVersionDeployment, 3*time.Hour)
	h.gov.fill(2, 100, nns.VoteYes)     // neuron 2 voted by following
	h.gov.neurons[2].Authorized = false // then its ballot became unreadable
	for range 5 {
		h.step(time.Hour)
	}
	last := func(neuron uint64) BallotOutcome {
		var out BallotOutcome
		for _, o := range h.store.obs {
			if o.ProposalID == 100 && o.Neuron == neuron {
				out = outcomeOf(o)
			}
		}
		return out
	}
	if got := last(2); got != BallotUnknown {
		t.Fatalf("neuron 2 while unreadable: %q, want unknown", got)
	}
	h.gov.neurons[2].Authorized = true
	h.step(time.Hour)
	if got := last(2); got != BallotFollowing {
		t.Errorf("neuron 2 once readable: %q, want following", got)
	}
	if _, ok := h.bot.tracked[100]; ok {
		t.Error("proposal 100 still unsettled after every ballot was read")
	}
}

// classifySettled on a settled proposal whose ballots the canister purged:
// the neuron's recent ballots prove a miss only where they would hold the
// vote, and only for a ballot votebot saw while the proposal was open.
func TestClassifySettledAfterPurge(t *testing.T) {
	full := map[uint64]nns.Vote{}
	for id := uint64(1000); len(full) < nns.MaxRecentBallots; id++ {
		full[id] = nns.VoteYes
	}
	short := map[uint64]nns.Vote{1000: nns.VoteNo}
	voted := map[uint64]nns.Vote{7: nns.VoteNo}
	empty := map[uint64]nns.Vote{}
	tests := []struct {
		name      string
		topic     nns.Topic
		sns       bool
		recent    map[uint64]nns.Vote
		read      bool
		seen      nns.Vote // the ballot as last seen open
		hadBallot bool
		want      BallotOutcome
	}{
		{"listed: voted", nns.TopicGovernance, false, voted, true, 0, true, BallotFollowing},
		{"absent from a short list: missed", nns.TopicGovernance, false, short, true, 0, true, BallotMissed},
		{"absent from an empty list: missed", nns.TopicGovernance, false, empty, true, 0, true, BallotMissed},
		{"absent from a full list: unknown", nns.TopicGovernance, false, full, true, 0, true, BallotUnknown},
		{"ExchangeRate is never listed: unknown", nns.TopicExchangeRate, false, short, true, 0, true, BallotUnknown},
		{"ballot never seen open: unknown", nns.TopicGovernance, false, short, true, 0, false, BallotUnknown},
		{"neuron unreadable: unknown", nns.TopicGovernance, false, short, false, 0, true, BallotUnknown},
		{"seen filled open, absent from a short list: voted", nns.TopicGovernance, false, short, true, nns.VoteNo, true, BallotFollowing},
		// An SNS neuron has no recent ballots: an empty list proves nothing.
		{"SNS, seen filled open: voted", nns.TopicUnspecified, true, empty, true, nns.VoteYes, true, BallotFollowing},
		{"SNS, seen empty open: unknown, not missed", nns.TopicUnspecified, true, empty, true, 0, true, BallotUnknown},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := policy.Proposal{ID: 7, Topic: tc.topic, RewardStatus: nns.RewardStatusSettled}
			if tc.sns {
				p.SNS = &policy.SNSProposal{DAO: "Birch"}
			}
			n := Neuron{ID: 1, Authorized: tc.read, RecentBallots: tc.recent}
			got, vote := classifySettled(p, NeuronConfig{ID: 1}, n, tc.read, policy.Ballot{Vote: tc.seen}, tc.hadBallot)
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
			if got == BallotFollowing && tc.seen != 0 && vote != tc.seen {
				t.Errorf("vote %s, want the ballot seen open: %s", vote, tc.seen)
			}
		})
	}
}

// A neuron below the minimum dissolve delay gets no ballot: when the
// canister settles a proposal (and purges its ballots) before votebot's
// settle pass, there is nothing to confirm for that neuron — no
// vote-unconfirmed alert, no unknown observation; its cannot-vote alert
// covers it. The SNS lanes meet this whenever a deadline falls on a
// reward round's end.
func TestIneligibleNeuronNothingToConfirmAfterPurge(t *testing.T) {
	h := newHarness(t, 1, 2)
	h.gov.neurons[2].DissolveDelay = 7 * 24 * time.Hour
	h.step(0)
	p := h.gov.addProposal(100, nns.TopicIcOsVersionDeployment, 3*time.Hour)
	h.step(time.Hour) // seen open: neuron 1 votes by rule, neuron 2 has no ballot
	h.gov.mu.Lock()
	p.RewardStatus, p.Ballots = nns.RewardStatusSettled, policy.Ballots{}
	h.gov.mu.Unlock()
	h.step(3 * time.Hour)
	if n := h.al.count("fire vote_unconfirmed/2/100"); n != 0 {
		t.Errorf("vote_unconfirmed/2/100 fired %d times for a neuron that had no ballot", n)
	}
	for _, o := range h.store.obs {
		if o.Neuron == 2 {
			t.Errorf("observation of neuron 2 on proposal %d: %s, want none (no ballot)", o.ProposalID, outcomeOf(o))
		}
	}
	if n := h.al.count("fire neuron_cannot_vote/2/0"); n != 1 {
		t.Errorf("neuron_cannot_vote/2/0 fired %d times, want 1", n)
	}
}
