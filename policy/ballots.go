package policy

import (
	"cmp"
	"iter"
	"slices"
)

// Ballots are the ballots of the caller's neurons on one proposal, sorted
// by neuron id: 24 bytes a ballot, where a map took about 50 (1,000
// neurons × 50 open proposals are kept between passes). The zero value is
// empty. Copies share storage; only Set and Delete change it.
type Ballots struct{ list []NeuronBallot }

// NeuronBallot is one neuron's ballot.
type NeuronBallot struct {
	Neuron uint64
	Ballot
}

// NewBallots takes ownership of list and sorts it; a neuron listed twice
// keeps its last ballot.
func NewBallots(list []NeuronBallot) Ballots {
	slices.SortStableFunc(list, func(a, b NeuronBallot) int { return cmp.Compare(a.Neuron, b.Neuron) })
	out := list[:0]
	for i, nb := range list {
		if i+1 < len(list) && list[i+1].Neuron == nb.Neuron {
			continue
		}
		out = append(out, nb)
	}
	return Ballots{list: slices.Clip(out)}
}

func (bs Ballots) find(neuron uint64) (int, bool) {
	return slices.BinarySearchFunc(bs.list, neuron, func(nb NeuronBallot, n uint64) int { return cmp.Compare(nb.Neuron, n) })
}

// Get returns the neuron's ballot, and whether it has one.
func (bs Ballots) Get(neuron uint64) (Ballot, bool) {
	if i, ok := bs.find(neuron); ok {
		return bs.list[i].Ballot, true
	}
	return Ballot{}, false
}

// Len is the number of ballots.
func (bs Ballots) Len() int { return len(bs.list) }

// All yields the ballots in neuron order.
func (bs Ballots) All() iter.Seq2[uint64, Ballot] {
	return func(yield func(uint64, Ballot) bool) {
		for _, nb := range bs.list {
			if !yield(nb.Neuron, nb.Ballot) {
				return
			}
		}
	}
}

// Set gives the neuron a ballot, or replaces its ballot.
func (bs *Ballots) Set(neuron uint64, b Ballot) {
	i, ok := bs.find(neuron)
	if ok {
		bs.list[i].Ballot = b
		return
	}
	bs.list = slices.Insert(bs.list, i, NeuronBallot{Neuron: neuron, Ballot: b})
}

// Delete removes the neuron's ballot.
func (bs *Ballots) Delete(neuron uint64) {
	if i, ok := bs.find(neuron); ok {
		bs.list = slices.Delete(bs.list, i, i+1)
	}
}

// VotingPower is the neuron's ballot's voting power (0 without a ballot).
func (bs Ballots) VotingPower(neuron uint64) uint64 {
	b, _ := bs.Get(neuron)
	return b.VotingPower
}
