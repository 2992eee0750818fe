package bot

import (
	"container/heap"
	"context"
	"sync"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// castDue sends every due vote, at most VoteConcurrency at a time, the most
// urgent first (see urgency): a worker that frees up takes the ballot with
// the least time left to its margin, so urgent ballots never wait behind
// bulk ones. Per proposal, the ballots that following would fill wait for
// their followees' direct votes (see cascadeGroups); the proposal is then
// re-read once and only the ballots still empty are sent. A ballot the
// cascade filled is marked in plans (Outcome BallotFollowing and its Vote)
// and has no result.
//
// In-flight votes finish even when ctx is cancelled (SIGTERM), bounded by
// ShutdownGrace, so a vote is never left half-recorded by a clean stop;
// nothing new is sent once ctx is done.
func (b *Bot) castDue(ctx context.Context, plans []BallotPlan, state map[uint64]Neuron, opts Options) map[ballotKey]voteResult {
	s := &castSched{b: b, ctx: ctx, detached: context.WithoutCancel(ctx), opts: opts, plans: plans,
		groups: cascadeGroups(plans, state), groupOf: map[int]int{}, results: map[ballotKey]voteResult{}}
	s.cond = sync.NewCond(&s.mu)
	s.queue.plans = plans
	s.left, s.stage = make([]int, len(s.groups)), make([]int, len(s.groups))
	due := 0
	for gi, g := range s.groups {
		for _, i := range append(g.First, g.Direct...) {
			s.groupOf[i] = gi
		}
		due += len(g.First) + len(g.Direct) + len(g.Deferred)
		s.left[gi] = len(g.First)
		s.queue.idx = append(s.queue.idx, g.First...)
		if len(g.First) == 0 {
			s.stage[gi], s.left[gi] = 1, len(g.Direct)
			s.queue.idx = append(s.queue.idx, g.Direct...)
		}
	}
	heap.Init(&s.queue)
	workers := min(opts.VoteConcurrency, due)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() { defer wg.Done(); s.work() }()
	}
	wg.Wait()
	return s.results
}

// castSched is one pass's vote queue and the state of each proposal's
// cascade.
type castSched struct {
	b        *Bot
	ctx      context.Context
	detached context.Context
	opts     Options
	plans    []BallotPlan
	groups   []cascadeGroup

	mu      sync.Mutex
	cond    *sync.Cond
	queue   planHeap
	stage   []int       // per group: 0 First, 1 Direct, 2 Deferred
	left    []int       // per group: votes of its stage not finished
	groupOf map[int]int // plan index → its group, for First and Direct
	busy    int         // votes and re-reads running
	results map[ballotKey]voteResult
}

func (s *castSched) work() {
	for {
		s.mu.Lock()
		for s.queue.Len() == 0 && s.busy > 0 {
			s.cond.Wait()
		}
		if s.queue.Len() == 0 || s.ctx.Err() != nil {
			s.queue.idx = nil // stopping: send nothing new
			s.cond.Broadcast()
			s.mu.Unlock()
			return
		}
		i := heap.Pop(&s.queue).(int)
		s.busy++
		s.mu.Unlock()

		r := s.cast(s.plans[i])

		s.mu.Lock()
		if r.result == voteFilled {
			// Filled by someone else: the plan says so, with the chain's vote.
			s.plans[i].Outcome, s.plans[i].Vote = BallotFollowing, r.vote
		}
		s.results[ballotKey{s.plans[i].Neuron.ID, s.plans[i].Proposal.ID}] = r.result
		var next *cascadeGroup
		if gi, ok := s.groupOf[i]; ok && s.finished(gi) {
			next = &s.groups[gi]
		}
		if next == nil {
			s.busy--
			s.cond.Broadcast()
		}
		s.mu.Unlock()
		if next != nil {
			s.release(next) // the followees voted: see what following filled
		}
	}
}

// finished counts a vote of group gi done and queues the group's next
// stage when its stage is; it reports whether the deferred ballots are
// due for a re-read. Called with s.mu held.
func (s *castSched) finished(gi int) (reread bool) {
	s.left[gi]--
	for s.left[gi] == 0 {
		g := &s.groups[gi]
		switch s.stage[gi] {
		case 0:
			s.stage[gi], s.left[gi] = 1, len(g.Direct)
			if s.ctx.Err() == nil {
				for _, i := range g.Direct {
					heap.Push(&s.queue, i)
				}
			}
		case 1:
			s.stage[gi] = 2
			return len(g.Deferred) > 0
		default:
			return false
		}
	}
	return false
}

// cast sends one vote with its own timeout; on shutdown it gets
// ShutdownGrace, then is abandoned.
func (s *castSched) cast(bp BallotPlan) castResult {
	if g := s.b.gate; g != nil && !s.opts.DryRun {
		// Waiting for a slot is not part of the call's timeout: behind
		// 1,000 votes at 2 s it can take a minute. Shutdown ends the wait
		// (nothing was sent).
		release, err := g.Acquire(s.ctx, bp.Proposal.Deadline)
		if err != nil {
			return castResult{result: voteRetry}
		}
		defer release()
	}
	vctx, cancel := context.WithTimeout(s.detached, s.opts.CallTimeout)
	defer cancel()
	stop := context.AfterFunc(s.ctx, func() {
		t := time.AfterFunc(s.opts.ShutdownGrace, cancel)
		context.AfterFunc(vctx, func() { t.Stop() })
	})
	defer stop()
	return s.b.castOne(vctx, bp, s.opts)
}

// release re-reads a proposal whose direct votes all finished, marks the
// deferred ballots following filled, and queues the rest to be sent. A
// failed re-read queues them all: a vote on a filled ballot is answered
// "already voted", never counted twice.
func (s *castSched) release(g *cascadeGroup) {
	var p *policy.Proposal
	if s.ctx.Err() == nil {
		rctx, cancel := context.WithTimeout(s.ctx, s.opts.CallTimeout)
		var err error
		p, err = s.b.gov.Proposal(rctx, g.Proposal)
		cancel()
		if err != nil {
			s.b.log.Warn().Err(err).Uint64("proposal", g.Proposal).
				Msg("re-read after the followees' votes failed; voting the followers directly")
		}
	}
	s.mu.Lock()
	filled := 0
	for _, i := range g.Deferred {
		bp := &s.plans[i]
		if p != nil {
			if bl, ok := p.Ballots.Get(bp.Neuron.ID); ok && bl.Vote != nns.VoteUnspecified {
				bp.Outcome, bp.Vote = BallotFollowing, bl.Vote
				filled++
				continue
			}
		}
		if s.ctx.Err() == nil {
			heap.Push(&s.queue, i)
		}
	}
	s.busy--
	s.cond.Broadcast()
	s.mu.Unlock()
	if filled > 0 {
		s.b.log.Info().Uint64("proposal", g.Proposal).Int("direct", len(g.Direct)).Int("filled_by_following", filled).
			Msg("followees voted first; following filled the followers' ballots")
		s.b.emit("vote", 0, g.Proposal, "proposal %d: %d direct votes, %d ballots filled by following (nothing sent for them)",
			g.Proposal, len(g.Direct), filled)
	}
}

// planHeap orders plan indices most urgent first.
type planHeap struct {
	plans []BallotPlan
	idx   []int
}

func (h *planHeap) Len() int           { return len(h.idx) }
func (h *planHeap) Less(i, j int) bool { return moreUrgent(&h.plans[h.idx[i]], &h.plans[h.idx[j]]) }
func (h *planHeap) Swap(i, j int)      { h.idx[i], h.idx[j] = h.idx[j], h.idx[i] }
func (h *planHeap) Push(x any)         { h.idx = append(h.idx, x.(int)) }
func (h *planHeap) Pop() any {
	n := len(h.idx) - 1
	x := h.idx[n]
	h.idx = h.idx[:n]
	return x
}
