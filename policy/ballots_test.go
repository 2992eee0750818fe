package policy

import (
	"maps"
	"testing"

	"github.com/votebot/votebot/nns"
)

func TestBallots(t *testing.T) {
	yes, no := Ballot{Vote: nns.VoteYes, VotingPower: 5}, Ballot{Vote: nns.VoteNo, VotingPower: 7}
	initial := func() Ballots { // 10 twice: the last wins
		return NewBallots([]NeuronBallot{{30, yes}, {10, no}, {20, Ballot{}}, {10, yes}})
	}
	bs := initial()
	want := map[uint64]Ballot{10: yes, 20: {}, 30: yes}
	check := func(step string, want map[uint64]Ballot) {
		t.Helper()
		if got := maps.Collect(bs.All()); !maps.Equal(got, want) || bs.Len() != len(want) {
			t.Errorf("%s: ballots %v (len %d), want %v", step, got, bs.Len(), want)
		}
		var last uint64
		for n := range bs.All() {
			if n < last {
				t.Errorf("%s: All not in neuron order: %d after %d", step, n, last)
			}
			last = n
		}
		for _, n := range []uint64{0, 10, 15, 20, 25, 30, 40} {
			b, ok := bs.Get(n)
			if wb, wok := want[n]; ok != wok || b != wb {
				t.Errorf("%s: Get(%d) = %v, %v; want %v, %v", step, n, b, ok, wb, wok)
			}
		}
	}
	check("new", want)
	bs.Set(25, no)  // insert in the middle
	bs.Set(10, no)  // replace
	bs.Set(5, yes)  // insert first
	bs.Set(40, yes) // insert last
	bs.Delete(20)
	bs.Delete(99) // absent: no change
	check("changed", map[uint64]Ballot{5: yes, 10: no, 25: no, 30: yes, 40: yes})
	bs = initial()
	check("rebuilt", want)
	var zero Ballots
	if _, ok := zero.Get(1); ok || zero.Len() != 0 || zero.VotingPower(1) != 0 {
		t.Error("the zero Ballots is not empty")
	}
}
