package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
)

// A configured neuron that a new proposal gives no ballot is re-read in
// the same pass, and the alert that says why goes out at once, not at the
// deadline (the neurons' last read is still fresh: NeuronsTTL).
func TestNeuronAbsentFromANewProposalIsReadAtOnce(t *testing.T) {
	tests := []struct {
		name    string
		change  func(n *Neuron)
		alert   string
		outcome BallotOutcome
	}{
		{"hotkey removed", func(n *Neuron) { n.Authorized, n.HotKeys = false, nil },
			"fire hotkey_missing/2/0", BallotUnknown},
		{"dissolved", func(n *Neuron) { n.DissolveDelay, n.State = 0, nns.NeuronStateDissolved },
			"fire neuron_cannot_vote/2/0", BallotNone},
		{"dissolve delay below the minimum", func(n *Neuron) { n.DissolveDelay = 7 * 24 * time.Hour },
			"fire neuron_cannot_vote/2/0", BallotNone},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHarness(t, 1, 2)
			h.step(0)           // reads the neurons, sets following
			h.step(time.Minute) // reads them again (following changed): fresh for NeuronsTTL
			h.gov.mu.Lock()
			tt.change(h.gov.neurons[2])
			h.gov.mu.Unlock()
			h.gov.addProposal(30, nns.TopicGovernance, 10*time.Hour) // manual: nothing voted
			if _, ok := h.gov.props[30].Ballots.Get(2); ok && tt.outcome == BallotNone {
				t.Fatal("the fake gave the ineligible neuron a ballot")
			}
			reads := h.gov.reads
			sum := h.step(time.Minute)
			if got := h.al.count(tt.alert); got != 1 {
				t.Errorf("%s delivered %d times in the pass that saw the proposal, want once: %v", tt.alert, got, h.al.delivered)
			}
			if h.gov.reads != reads+1 {
				t.Errorf("%d neuron reads in the pass, want 1 (the absent neuron)", h.gov.reads-reads)
			}
			for _, bp := range sum.Plans {
				if bp.Neuron.ID != 2 {
					continue
				}
				if bp.Outcome != tt.outcome {
					t.Errorf("neuron 2's ballot on 30 planned %s, want %s (%s)", bp.Outcome, tt.outcome, bp.Decision.Reason)
				}
				if bp.Outcome == BallotUnknown && !strings.Contains(bp.Decision.Reason, "neither the controller nor a hotkey") {
					t.Errorf("the unknown ballot's reason %q does not say the identity is no hotkey", bp.Decision.Reason)
				}
			}
			h.step(time.Minute)
			if got := h.al.count("resolve"); got != 0 {
				t.Errorf("an alert resolved on the next pass (the cached read forgot the re-read): %v", h.al.delivered)
			}
		})
	}
}
