package bot

import (
	"context"
	"testing"
	"time"
)

// TestVoteGateEarliestDeadlineFirst: with the one slot taken, waiters are
// let in by deadline, not by arrival; a cancelled waiter leaves no hole.
func TestVoteGateEarliestDeadlineFirst(t *testing.T) {
	g := NewVoteGate(1)
	hold, err := g.Acquire(context.Background(), time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 12, 4, 0, 0, 0, 0, time.UTC)
	got := make(chan string, 4)
	enqueue := func(name string, deadline time.Time, ctx context.Context) {
		queued := make(chan struct{})
		go func() {
			go func() { time.Sleep(20 * time.Millisecond); close(queued) }()
			rel, err := g.Acquire(ctx, deadline)
			if err != nil {
				got <- name + ":cancelled"
				return
			}
			got <- name
			rel()
		}()
		<-queued // arrival order is the call order
	}
	ctx, cancel := context.WithCancel(context.Background())
	enqueue("nns-in-3d", base.Add(72*time.Hour), context.Background())
	enqueue("dropped", base.Add(time.Hour), ctx)
	enqueue("openchat-in-1d", base.Add(24*time.Hour), context.Background())
	enqueue("no-deadline", time.Time{}, context.Background())
	cancel()
	if s := <-got; s != "dropped:cancelled" {
		t.Fatalf("first event %q, want the cancelled waiter", s)
	}
	hold()
	want := []string{"openchat-in-1d", "nns-in-3d", "no-deadline"}
	for i, w := range want {
		select {
		case s := <-got:
			if s != w {
				t.Fatalf("grant %d went to %q, want %q", i, s, w)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("grant %d never came: a slot leaked", i)
		}
	}
	// Every slot came back: one more acquire is immediate.
	rel, err := g.Acquire(context.Background(), base)
	if err != nil {
		t.Fatal(err)
	}
	rel()
}
