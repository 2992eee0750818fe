package agent

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// testLimiter is a limiter on a fake clock whose Retry-After timer fires
// only when the test says so.
type testLimiter struct {
	*limiter
	clock *fakeClock
	mu    sync.Mutex
	fire  []func()
}

func newTestLimiter(minC, initial, maxC int) *testLimiter {
	tl := &testLimiter{clock: newFakeClock()}
	tl.limiter = newLimiter(limiterConfig{min: minC, initial: initial, max: maxC, now: tl.clock.Now})
	tl.afterFn = func(_ time.Duration, f func()) *time.Timer {
		tl.mu.Lock()
		tl.fire = append(tl.fire, f)
		tl.mu.Unlock()
		return time.NewTimer(time.Hour) // never read: the test fires f
	}
	return tl
}

// advance moves the clock and fires the timers armed so far.
func (tl *testLimiter) advance(d time.Duration) {
	tl.clock.Advance(d)
	tl.mu.Lock()
	fire := tl.fire
	tl.fire = nil
	tl.mu.Unlock()
	for _, f := range fire {
		f()
	}
}

func (tl *testLimiter) limitNow() int { l, _ := tl.state(); return l }

// tryAcquire acquires without waiting more than a moment.
func (tl *testLimiter) tryAcquire(t *testing.T) (uint64, bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	ticket, err := tl.acquire(ctx)
	if err != nil && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatal(err)
	}
	return ticket, err == nil
}

// mustAcquire acquires n slots at once and returns their tickets.
func (tl *testLimiter) mustAcquire(t *testing.T, n int) []uint64 {
	t.Helper()
	var tickets []uint64
	for i := range n {
		ticket, ok := tl.tryAcquire(t)
		if !ok {
			t.Fatalf("acquire %d of %d blocked", i+1, n)
		}
		tickets = append(tickets, ticket)
	}
	return tickets
}

func TestLimiterBoundsInFlight(t *testing.T) {
	tl := newTestLimiter(1, 4, 16)
	tickets := tl.mustAcquire(t, 4)
	if _, ok := tl.tryAcquire(t); ok {
		t.Fatal("a fifth call started at limit 4")
	}
	if _, inFlight := tl.state(); inFlight != 4 {
		t.Fatalf("in flight %d after a cancelled wait, want 4", inFlight)
	}
	got := make(chan error, 1)
	go func() { _, err := tl.acquire(context.Background()); got <- err }()
	tl.release(tickets[0], tl.clock.Now(), 0, verdictNeutral, 0)
	if err := <-got; err != nil {
		t.Fatal(err)
	}
}

func TestLimiterAIMD(t *testing.T) {
	const rtt = 2 * time.Second
	tl := newTestLimiter(1, 4, 64)
	// Slow start: each answered call in a full window adds one.
	round := func() {
		start := tl.clock.Now()
		tickets := tl.mustAcquire(t, tl.limitNow())
		tl.clock.Advance(rtt)
		for _, ticket := range tickets {
			tl.release(ticket, start, rtt, verdictOK, 0)
		}
	}
	for _, want := range []int{8, 16, 32, 64, 64} {
		round()
		if got := tl.limitNow(); got != want {
			t.Fatalf("slow start: limit %d, want %d", got, want)
		}
	}
	// A 429 halves the limit once, whatever number of calls of the same
	// window it refuses, and holds every call until Retry-After.
	start := tl.clock.Now()
	tickets := tl.mustAcquire(t, 3)
	tl.clock.Advance(time.Millisecond)
	for _, ticket := range tickets {
		tl.release(ticket, start, time.Millisecond, verdictRateLimited, 3*time.Second)
	}
	if got := tl.limitNow(); got != 32 {
		t.Fatalf("after a burst of 429s: limit %d, want 32 (halved once)", got)
	}
	if _, ok := tl.tryAcquire(t); ok {
		t.Fatal("a call started before Retry-After passed")
	}
	waiting := make(chan uint64, 1)
	go func() {
		ticket, err := tl.acquire(context.Background())
		if err != nil {
			t.Error(err)
		}
		waiting <- ticket
	}()
	tl.advance(2 * time.Second)
	select {
	case <-waiting:
		t.Fatal("started 1 s before Retry-After")
	case <-time.After(20 * time.Millisecond):
	}
	tl.advance(time.Second)
	tl.release(<-waiting, tl.clock.Now(), rtt, verdictNeutral, 0)
	// Past slow start, growth is about one per round trip.
	round()
	if got := tl.limitNow(); got != 33 {
		t.Fatalf("congestion avoidance: limit %d after a round trip, want 33", got)
	}
	// Latency well above the lowest seen: hold.
	start = tl.clock.Now()
	for _, ticket := range tl.mustAcquire(t, 33) {
		tl.release(ticket, start, 5*rtt, verdictOK, 0)
	}
	if got := tl.limitNow(); got != 33 {
		t.Fatalf("slow answers grew the limit to %d", got)
	}
	// A 503's Retry-After holds calls too.
	start = tl.clock.Now()
	ticket := tl.mustAcquire(t, 1)[0]
	tl.release(ticket, start, time.Millisecond, verdictOverloaded, time.Second)
	if _, ok := tl.tryAcquire(t); ok {
		t.Fatal("a call started before a 503's Retry-After passed")
	}
	tl.advance(time.Second)
	ticket = tl.mustAcquire(t, 1)[0]
	tl.release(ticket, tl.clock.Now(), time.Millisecond, verdictNeutral, 0)
	// Overload (503, timeout) halves, never below the minimum.
	for range 10 {
		start := tl.clock.Now()
		ticket := tl.mustAcquire(t, 1)[0]
		tl.clock.Advance(time.Millisecond)
		tl.release(ticket, start, time.Millisecond, verdictOverloaded, 0)
	}
	if got := tl.limitNow(); got != 1 {
		t.Fatalf("after repeated overload: limit %d, want the minimum 1", got)
	}
}

// TestLimiterFIFO: waiting calls start in arrival order.
func TestLimiterFIFO(t *testing.T) {
	tl := newTestLimiter(1, 1, 1)
	tl.mustAcquire(t, 1)
	order := make(chan int, 5)
	for i := range 5 {
		go func() {
			if _, err := tl.acquire(context.Background()); err == nil {
				order <- i
			}
		}()
		// Let the goroutine queue before the next one.
		for {
			tl.limiter.mu.Lock() // the limiter's lock: tl.mu is the fake clock's
			n := len(tl.waiters)
			tl.limiter.mu.Unlock()
			if n == i+1 {
				break
			}
			time.Sleep(time.Millisecond)
		}
	}
	for want := range 5 {
		tl.release(0, tl.clock.Now(), 0, verdictNeutral, 0)
		if got := <-order; got != want {
			t.Fatalf("started %d, want %d", got, want)
		}
	}
}

func TestParseRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	cases := map[string]time.Duration{
		"":                              0,
		"3":                             3 * time.Second,
		" 0 ":                           0,
		"-1":                            0,
		"soon":                          0,
		"Fri, 02 Jan 2026 03:04:15 GMT": 10 * time.Second,
		"Fri, 02 Jan 2026 03:04:00 GMT": 0,
		"99999999999999999999":          0,
	}
	for in, want := range cases {
		if got := parseRetryAfter(in, now); got != want {
			t.Errorf("parseRetryAfter(%q) = %v, want %v", in, got, want)
		}
	}
}
