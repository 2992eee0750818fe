package policy

import (
	"testing"
	"time"
)

// A wait covers the ballot unless its fallback is none: the loop relies on
// NoFallback to call such a ballot at risk before the deadline.
func TestNoFallback(t *testing.T) {
	early := created.Add(time.Minute)
	for _, tc := range []struct {
		fallback Fallback
		outcome  Outcome
		now      time.Time
		want     bool
	}{
		{FallbackNone, OutcomeFollow, early, true},
		{FallbackNone, OutcomeManual, early, true},
		{FallbackYes, OutcomeManual, early, false},
		{FallbackNo, OutcomeFollow, early, false},
		{FallbackWithFollowees, OutcomeFollow, early, false},
		{FallbackWithMajority, OutcomeManual, early, false},
		{FallbackNone, OutcomeFollow, margin, false}, // at the margin it no longer waits
	} {
		pol := &Policy{Name: "p", Default: tc.outcome,
			Timing: Timing{DeadlineMargin: DefaultDeadlineMargin, Fallback: tc.fallback}}
		d := Decide(Input{Proposal: proposal(), Neuron: neuron(), Policy: pol, Now: tc.now})
		if d.NoFallback != tc.want {
			t.Errorf("fallback %s, %s at %s: NoFallback %v (action %s), want %v", tc.fallback, tc.outcome,
				tc.now.Format(time.RFC3339), d.NoFallback, d.Action, tc.want)
		}
	}
}

// BenchmarkDecideWait is one waiting ballot, the common case of a pass
// over 1,000 neurons × 50 open proposals.
func BenchmarkDecideWait(b *testing.B) {
	in := Input{Proposal: proposal(), Neuron: neuron(), Policy: policyWith(
		Rule{Name: "infra", Match: Match{Topics: nil, ProposerNames: []string{"Bob"}}, Outcome: OutcomeFollow}),
		Now: created.Add(time.Minute)}
	b.ReportAllocs()
	for b.Loop() {
		if d := Decide(in); d.Action != ActionWait {
			b.Fatal(d.Action)
		}
	}
}
