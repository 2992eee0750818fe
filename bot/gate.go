package bot

import (
	"container/heap"
	"context"
	"sync"
	"time"
)

// VoteGate bounds the votes in flight across every lane of a Group and
// hands a freed slot to the waiting vote with the earliest deadline: when
// the NNS and fifty SNSes all have votes due, the one whose voting ends
// first is sent first, whatever governance it is in. A lane still orders
// its own votes (schedule.go); the gate orders the lanes' against each
// other.
type VoteGate struct {
	mu      sync.Mutex
	free    int
	seq     uint64
	waiting gateHeap
}

// NewVoteGate lets n votes run at once (at least 1).
func NewVoteGate(n int) *VoteGate { return &VoteGate{free: max(n, 1)} }

// Acquire waits for a slot, earliest deadline first (first come among
// equal deadlines; a zero deadline goes last). The release function must
// be called once the vote is done. It fails only when ctx ends first.
func (g *VoteGate) Acquire(ctx context.Context, deadline time.Time) (release func(), err error) {
	g.mu.Lock()
	if g.free > 0 && g.waiting.Len() == 0 {
		g.free--
		g.mu.Unlock()
		return g.release, nil
	}
	w := &gateWaiter{deadline: deadline, seq: g.seq, ready: make(chan struct{})}
	g.seq++
	heap.Push(&g.waiting, w)
	g.mu.Unlock()
	select {
	case <-w.ready:
		return g.release, nil
	case <-ctx.Done():
		g.mu.Lock()
		defer g.mu.Unlock()
		select {
		case <-w.ready: // granted as ctx ended: pass the slot on
			g.handOn()
		default:
			heap.Remove(&g.waiting, w.index)
		}
		return nil, ctx.Err()
	}
}

func (g *VoteGate) release() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.handOn()
}

// handOn gives a freed slot to the most urgent waiter. Called with g.mu held.
func (g *VoteGate) handOn() {
	if g.waiting.Len() == 0 {
		g.free++
		return
	}
	w := heap.Pop(&g.waiting).(*gateWaiter)
	close(w.ready)
}

type gateWaiter struct {
	deadline time.Time
	seq      uint64
	index    int
	ready    chan struct{}
}

type gateHeap []*gateWaiter

func (h gateHeap) Len() int { return len(h) }
func (h gateHeap) Less(i, j int) bool {
	a, b := h[i], h[j]
	if a.deadline.IsZero() != b.deadline.IsZero() {
		return b.deadline.IsZero()
	}
	if !a.deadline.Equal(b.deadline) {
		return a.deadline.Before(b.deadline)
	}
	return a.seq < b.seq
}
func (h gateHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *gateHeap) Push(x any) {
	w := x.(*gateWaiter)
	w.index = len(*h)
	*h = append(*h, w)
}
func (h *gateHeap) Pop() any {
	old := *h
	w := old[len(old)-1]
	*h = old[:len(old)-1]
	return w
}
