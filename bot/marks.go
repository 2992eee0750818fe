package bot

import "sync"

// mark is a fact the loop remembers about one ballot until its proposal
// settles. After a restart the marks are empty: everything they guard is
// idempotent in the store, so the cost is one repeated write, never a
// repeated vote.
type mark uint8

const (
	markObserved mark = 1 << iota // participation observation recorded
	markUnknown                   // an "unknown" observation recorded
	markDirect                    // the bot itself cast this ballot
	markRefused                   // a vote was refused (alerted, not retried blindly)
	markDryRun                    // "would vote" recorded
)

// ballotMarks keeps a byte per (neuron, open proposal): 50 KB for 1,000
// neurons × 50 proposals, where a map per mark kept about 1.5 MB each and
// was never pruned. A proposal's marks are dropped when it settles.
// Safe for concurrent use (votes run in parallel).
type ballotMarks struct {
	mu    sync.Mutex
	slot  map[uint64]int    // neuron id → index; grows on reload, never reused
	props map[uint64][]mark // proposal id → marks by neuron index
}

func newBallotMarks() *ballotMarks {
	return &ballotMarks{slot: map[uint64]int{}, props: map[uint64][]mark{}}
}

// has reports whether the ballot carries every bit of m.
func (bm *ballotMarks) has(k ballotKey, m mark) bool {
	bm.mu.Lock()
	defer bm.mu.Unlock()
	i, ok := bm.slot[k.neuron]
	marks := bm.props[k.proposal]
	return ok && i < len(marks) && marks[i]&m == m
}

// set adds m to the ballot's marks and reports whether any bit was new.
func (bm *ballotMarks) set(k ballotKey, m mark) bool {
	bm.mu.Lock()
	defer bm.mu.Unlock()
	i, ok := bm.slot[k.neuron]
	if !ok {
		i = len(bm.slot)
		bm.slot[k.neuron] = i
	}
	marks := bm.props[k.proposal]
	if i >= len(marks) {
		grown := make([]mark, len(bm.slot))
		copy(grown, marks)
		marks = grown
		bm.props[k.proposal] = marks
	}
	old := marks[i]
	marks[i] |= m
	return old|m != old
}

// forget drops a settled proposal's marks.
func (bm *ballotMarks) forget(proposal uint64) {
	bm.mu.Lock()
	defer bm.mu.Unlock()
	delete(bm.props, proposal)
}

// proposals is how many proposals have marks (for tests).
func (bm *ballotMarks) proposals() int {
	bm.mu.Lock()
	defer bm.mu.Unlock()
	return len(bm.props)
}
