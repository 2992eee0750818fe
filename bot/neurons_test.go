package bot

import (
	"strings"
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
)

// A dissolving neuron is told about before it loses its ballots: the alert
// says when its dissolve delay drops below the minimum to vote.
func TestDissolvingNeuronAlertSaysWhen(t *testing.T) {
	now := time.Date(2026, 11, 2, 0, 0, 0, 0, time.UTC)
	const day = 24 * time.Hour
	econ := &Economics{MinimumDissolveDelayToVote: 183 * day}
	nc := NeuronConfig{ID: 9, Alias: "main"}
	tests := []struct {
		name     string
		n        Neuron
		fire     bool   // neuron_dissolving fires
		wantText string // in the alert's text
	}{
		{"dissolving, 200 days left", Neuron{ID: 9, Authorized: true, State: nns.NeuronStateDissolving,
			DissolveDelay: 200 * day, DissolvesAt: now.Add(200 * day)}, true, "2026-11-19"},
		{"dissolving, timestamp unknown", Neuron{ID: 9, Authorized: true, State: nns.NeuronStateDissolving,
			DissolveDelay: 190 * day}, true, "2026-11-09"},
		{"already below the minimum: neuron_cannot_vote says it", Neuron{ID: 9, Authorized: true,
			State: nns.NeuronStateDissolving, DissolveDelay: 100 * day, DissolvesAt: now.Add(100 * day)}, false, ""},
		{"not dissolving", Neuron{ID: 9, Authorized: true, State: nns.NeuronStateNotDissolving,
			DissolveDelay: 365 * day}, false, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := checkNeuronHealth(nc, tc.n, true, econ, "me", nil, now)
			var got *alert.Alert
			for i := range f.fire {
				if f.fire[i].Kind == alert.KindNeuronDissolving {
					got = &f.fire[i]
				}
			}
			if !tc.fire {
				if got != nil {
					t.Fatalf("neuron_dissolving fired: %+v", got)
				}
				return
			}
			if got == nil {
				t.Fatalf("neuron_dissolving not fired: %+v", f)
			}
			if got.Severity != alert.SeverityWarning {
				t.Errorf("severity %s, want warning", got.Severity)
			}
			if !strings.Contains(got.Text, tc.wantText) {
				t.Errorf("text %q does not say when (%s)", got.Text, tc.wantText)
			}
		})
	}
}
