package bot

import "testing"

func TestBallotMarks(t *testing.T) {
	bm := newBallotMarks()
	a, b := ballotKey{neuron: 1, proposal: 100}, ballotKey{neuron: 2, proposal: 100}
	if bm.has(a, markObserved) {
		t.Fatal("fresh marks report a mark")
	}
	if !bm.set(a, markObserved) || bm.set(a, markObserved) {
		t.Error("set reports new only the first time")
	}
	if !bm.set(b, markDirect) { // a second neuron grows the proposal's slots
		t.Error("set on a new neuron is not new")
	}
	for _, c := range []struct {
		k    ballotKey
		m    mark
		want bool
	}{
		{a, markObserved, true},
		{a, markDirect, false},
		{a, markObserved | markDirect, false},
		{b, markDirect, true},
		{b, markObserved, false},
		{ballotKey{neuron: 1, proposal: 101}, markObserved, false},
		{ballotKey{neuron: 3, proposal: 100}, markObserved, false},
	} {
		if got := bm.has(c.k, c.m); got != c.want {
			t.Errorf("has(%v, %b) = %v, want %v", c.k, c.m, got, c.want)
		}
	}
	bm.forget(100)
	if bm.has(a, markObserved) || bm.has(b, markDirect) || bm.proposals() != 0 {
		t.Error("forget left marks behind")
	}
}
