package rewards

import (
	"fmt"
	"testing"
	"time"
)

// TestRecordedDecayDates: a neuron's decay dates as the daemon recorded
// them (the network's own parameters: a devnet compresses them to seconds)
// decide its deciding voting power and decay date in the report, not the
// report's mainnet defaults.
func TestRecordedDecayDates(t *testing.T) {
	refreshed := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	st := NeuronStatus{ID: 1, PotentialVP: 1000, DecidingVP: 1000, RefreshedAt: refreshed,
		DecayStarts: refreshed.Add(100 * time.Second), FollowingClearedAt: refreshed.Add(200 * time.Second)}
	tests := []struct {
		at       time.Duration // after the refresh
		deciding uint64
	}{
		{50 * time.Second, 1000},
		{150 * time.Second, 500}, // half way through the decay
		{250 * time.Second, 0},
	}
	for _, tt := range tests {
		now := refreshed.Add(tt.at)
		r := BuildReport(ReportInput{Economics: DefaultEconomics(RegimeCurrent), Now: now, Neurons: []NeuronStatus{st}})
		n := r.Neurons[0]
		if n.DecidingVP == nil || *n.DecidingVP != tt.deciding {
			t.Errorf("at +%s: deciding %s, want %d", tt.at, vpText(n.DecidingVP), tt.deciding)
		}
		if n.DecayStarts == nil || !n.DecayStarts.Equal(st.DecayStarts) || !n.FollowingClearedAt.Equal(st.FollowingClearedAt) {
			t.Errorf("at +%s: decay %v, cleared %v; want the recorded dates", tt.at, n.DecayStarts, n.FollowingClearedAt)
		}
	}
}

func vpText(v *uint64) string {
	if v == nil {
		return "unknown"
	}
	return fmt.Sprint(*v)
}
