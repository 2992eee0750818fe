package bot

import (
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
)

// While every open ballot is filled, the neurons are re-read every
// NeuronsIdleTTL, not every NeuronsTTL; a new proposal ends the idle
// stretch at once.
func TestNeuronsReadLessOftenWhileIdle(t *testing.T) {
	h := newHarness(t, 1, 2)
	h.opts.PollInterval = time.Minute
	h.bot = h.newBot()
	h.step(0)
	h.gov.addProposal(100, nns.TopicIcOsVersionDeployment, 96*time.Hour)
	for range 3 { // vote, then read the ballots back
		h.step(time.Minute)
	}
	if got := h.gov.sent[ballotKey{1, 100}] + h.gov.sent[ballotKey{2, 100}]; got != 2 {
		t.Fatalf("votes sent = %d, want 2", got)
	}
	before := h.gov.reads
	for range 75 {
		h.step(time.Minute)
	}
	// 75 minutes idle: a read every 30 min (2 or 3), not every 5 (15).
	if got := h.gov.reads - before; got < 2 || got > 3 {
		t.Errorf("neuron reads in 75 idle minutes = %d, want 2–3 (every %s)", got, h.bot.opts.NeuronsIdleTTL)
	}
	h.gov.addProposal(101, nns.TopicIcOsVersionDeployment, 96*time.Hour)
	before = h.gov.reads
	h.step(time.Minute)
	if got := h.gov.reads - before; got != 1 {
		t.Errorf("neuron reads in the pass that saw a new proposal = %d, want 1 (the last read is > %s old)", got, h.bot.opts.NeuronsTTL)
	}
	for range 3 {
		h.step(time.Minute)
	}
	if got := h.gov.sent[ballotKey{1, 101}] + h.gov.sent[ballotKey{2, 101}]; got != 2 {
		t.Errorf("votes sent on the new proposal = %d, want 2", got)
	}
}
