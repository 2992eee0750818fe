package bot

import (
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
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
