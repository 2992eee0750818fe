package bot

import (
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

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

func TestBallotMarksDecisionChanged(t *testing.T) {
	bm := newBallotMarks()
	k := ballotKey{neuron: 7, proposal: 100}
	at := time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC)
	d := policy.Decision{Action: policy.ActionVoteAt, Vote: nns.VoteYes, At: at, Reason: "rule all-yes"}
	steps := []struct {
		name string
		d    policy.Decision
		want bool
	}{
		{"first", d, true},
		{"same again", d, false},
		{"other reason", policy.Decision{Action: policy.ActionVoteAt, Vote: nns.VoteYes, At: at, Reason: "rule other"}, true},
		{"other time", policy.Decision{Action: policy.ActionVoteAt, Vote: nns.VoteYes, At: at.Add(time.Hour), Reason: "rule other"}, true},
		{"other vote", policy.Decision{Action: policy.ActionVoteAt, Vote: nns.VoteNo, At: at.Add(time.Hour), Reason: "rule other"}, true},
		{"other kind", policy.Decision{Action: policy.ActionNothing, Vote: nns.VoteNo, At: at.Add(time.Hour), Reason: "rule other"}, true},
		{"unchanged", policy.Decision{Action: policy.ActionNothing, Vote: nns.VoteNo, At: at.Add(time.Hour), Reason: "rule other"}, false},
	}
	for _, s := range steps {
		if got := bm.decisionChanged(k, s.d); got != s.want {
			t.Errorf("%s: changed = %v, want %v", s.name, got, s.want)
		}
	}
	if bm.decisionChanged(ballotKey{neuron: 8, proposal: 100}, d) != true {
		t.Error("another neuron's first decision reported unchanged")
	}
	bm.forget(100)
	if !bm.decisionChanged(k, d) {
		t.Error("after forget, a decision reported unchanged")
	}
}

// proposals is how many proposals have entries .
func (bm *ballotMarks) proposals() int {
	bm.mu.Lock()
	defer bm.mu.Unlock()
	return max(len(bm.props), len(bm.sigs))
}
