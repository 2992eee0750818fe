package bot

import (
	"encoding/binary"
	"hash/maphash"
	"sync"

	"github.com/votebot/votebot/policy"
)

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
	markMissed                    // the miss was counted and alerted
	markCompared                  // a standby compared the filled ballot with its rules
)

// ballotMarks keeps a byte of marks and a decision hash per (neuron, open
// proposal): 450 KB for 1,000 neurons × 50 proposals, where a map per mark
// kept about 1.5 MB each and the decision texts 5 MB, never pruned. A
// proposal's entries go when it settles. Safe for concurrent use (votes
// run in parallel).
type ballotMarks struct {
	mu    sync.Mutex
	slot  map[uint64]int      // neuron id → index; grows on reload, never reused
	props map[uint64][]mark   // proposal id → marks by neuron index
	sigs  map[uint64][]uint64 // proposal id → hash of the last recorded decision by neuron index
	seed  maphash.Seed
}

func newBallotMarks() *ballotMarks {
	return &ballotMarks{slot: map[uint64]int{}, props: map[uint64][]mark{}, sigs: map[uint64][]uint64{},
		seed: maphash.MakeSeed()}
}

// slotIn returns the neuron's index and the proposal's slice in s, grown
// to cover it. Callers hold bm.mu.
func slotIn[T any](bm *ballotMarks, s map[uint64][]T, k ballotKey) (int, []T) {
	i, ok := bm.slot[k.neuron]
	if !ok {
		i = len(bm.slot)
		bm.slot[k.neuron] = i
	}
	v := s[k.proposal]
	if i >= len(v) {
		grown := make([]T, len(bm.slot))
		copy(grown, v)
		v = grown
		s[k.proposal] = v
	}
	return i, v
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
	i, marks := slotIn(bm, bm.props, k)
	old := marks[i]
	marks[i] |= m
	return old|m != old
}

// decisionChanged reports whether d differs from the decision last
// recorded for the ballot, and remembers d. A 64-bit hash stands for the
// decision: 8 bytes a ballot instead of its text; a collision would leave
// one change unrecorded, with odds of 2⁻⁶⁴.
func (bm *ballotMarks) decisionChanged(k ballotKey, d policy.Decision) bool {
	var h maphash.Hash
	h.SetSeed(bm.seed)
	var buf [24]byte
	binary.LittleEndian.PutUint64(buf[0:], uint64(d.Action))
	binary.LittleEndian.PutUint64(buf[8:], uint64(d.Vote))
	binary.LittleEndian.PutUint64(buf[16:], uint64(d.At.Unix()))
	_, _ = h.Write(buf[:])
	_, _ = h.WriteString(d.Reason)
	sig := h.Sum64() | 1 // never 0, which means "nothing recorded"
	bm.mu.Lock()
	defer bm.mu.Unlock()
	i, sigs := slotIn(bm, bm.sigs, k)
	if sigs[i] == sig {
		return false
	}
	sigs[i] = sig
	return true
}

// forgetDecision forgets the ballot's recorded decision (its write failed).
func (bm *ballotMarks) forgetDecision(k ballotKey) {
	bm.mu.Lock()
	defer bm.mu.Unlock()
	if i, ok := bm.slot[k.neuron]; ok && i < len(bm.sigs[k.proposal]) {
		bm.sigs[k.proposal][i] = 0
	}
}

// forget drops a settled proposal's entries.
func (bm *ballotMarks) forget(proposal uint64) {
	bm.mu.Lock()
	defer bm.mu.Unlock()
	delete(bm.props, proposal)
	delete(bm.sigs, proposal)
}
