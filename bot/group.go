package bot

import (
	"context"
	"runtime/debug"
	"sync"
	"time"
)

// Group is the one loop for every governance: the NNS lane and one lane
// per SNS DAO, each a Bot with its own client, store and policy, driven by
// one timer. A pass runs the lanes that are due in parallel (at most
// Parallel at once: each pass is a few queries, and the agent bounds the
// calls in flight anyway), and their votes share one VoteGate, earliest
// deadline first across governances.
type Group struct {
	lanes []*Bot
	// Parallel bounds the lanes passing at once (default 16).
	Parallel int
	now      func() time.Time
}

// NewGroup drives lanes; the first one's Notify (systemd) hears STOPPING.
// Give them all the same Deps.Gate for deadline-first votes across them.
func NewGroup(lanes ...*Bot) *Group {
	g := &Group{lanes: lanes, Parallel: 16, now: time.Now}
	if len(lanes) > 0 {
		g.now = lanes[0].now
	}
	return g
}

// Lanes are the group's bots, the NNS lane first.
func (g *Group) Lanes() []*Bot { return g.lanes }

// Run passes every lane when it is due — its poll interval, or earlier
// when one of its votes or fallbacks is — until ctx ends; a lane's Wake
// passes it now. It returns nil on cancellation.
func (g *Group) Run(ctx context.Context) error {
	if len(g.lanes) == 0 {
		<-ctx.Done()
		return nil
	}
	if first := g.lanes[0]; first.notify != nil {
		defer first.notify("STOPPING=1")
	}
	woke := make(chan int, len(g.lanes))
	wctx, stopWatch := context.WithCancel(ctx)
	defer stopWatch()
	for i, b := range g.lanes {
		go func() {
			for {
				select {
				case <-wctx.Done():
					return
				case <-b.wake:
					select { // never blocked past the loop's end
					case woke <- i:
					case <-wctx.Done():
						return
					}
				}
			}
		}()
	}
	next := make([]time.Time, len(g.lanes)) // zero: due now
	for {
		due := g.due(next)
		heavy := g.pass(ctx, due, next)
		if ctx.Err() != nil {
			return nil
		}
		if heavy {
			debug.FreeOSMemory() // see Run
		}
		t := time.NewTimer(g.untilNext(next))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case i := <-woke:
			t.Stop()
			next[i] = time.Time{}
		case <-t.C:
		}
	}
}

// due lists the lanes whose next pass has come.
func (g *Group) due(next []time.Time) []int {
	now := g.now()
	var out []int
	for i, at := range next {
		if !now.Before(at) {
			out = append(out, i)
		}
	}
	return out
}

// pass runs the due lanes' passes in parallel and sets when each is due
// again; it reports whether any read much.
func (g *Group) pass(ctx context.Context, due []int, next []time.Time) (heavy bool) {
	sem := make(chan struct{}, max(g.Parallel, 1))
	var mu sync.Mutex
	var wg sync.WaitGroup
	for _, i := range due {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			wait, h := g.lanes[i].step(ctx)
			mu.Lock()
			next[i] = g.now().Add(wait)
			heavy = heavy || h
			mu.Unlock()
		}()
	}
	wg.Wait()
	return heavy
}

// untilNext is the wait before the earliest lane is due.
func (g *Group) untilNext(next []time.Time) time.Duration {
	now := g.now()
	wait := time.Duration(-1)
	for _, at := range next {
		if d := at.Sub(now); wait < 0 || d < wait {
			wait = d
		}
	}
	return max(wait, 100*time.Millisecond)
}
