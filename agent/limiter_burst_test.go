package agent

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// pacedSim drives a limiter on its fake clock against a simulated endpoint
// paced as mainnet's boundary nodes: every update call answered after
// latency ± jitter (uniform, from a seeded source), at most rate calls/s per client (a token bucket of one second's
// calls; beyond it a 429 with Retry-After 1 s, answered at once). Bursts of
// calls are fired at once; each is retried until it is answered. It runs in
// one goroutine, without real sleeps.
type pacedSim struct {
	l       *testLimiter
	latency time.Duration
	jitter  time.Duration
	rnd     *rand.Rand
	rate    float64
	tokens  float64
	last    time.Time
	step    time.Duration
	calls   int // attempts, 429s included
	limited int
}

type simCall struct {
	ticket uint64
	start  time.Time
	done   time.Time
}

func newPacedSim(initial, maxC int, latency, jitter time.Duration, rate float64) *pacedSim {
	l := newTestLimiter(1, initial, maxC)
	return &pacedSim{l: l, latency: latency, jitter: jitter, rnd: rand.New(rand.NewPCG(1, 2)), rate: rate, tokens: rate,
		last: l.clock.Now(), step: 10 * time.Millisecond}
}

func (s *pacedSim) callLatency() time.Duration {
	if s.jitter == 0 {
		return s.latency
	}
	return s.latency - s.jitter + time.Duration(s.rnd.Int64N(int64(2*s.jitter)))
}

// admit takes a token of the endpoint's rate bucket.
func (s *pacedSim) admit(now time.Time) bool {
	s.tokens = math.Min(s.rate, s.tokens+now.Sub(s.last).Seconds()*s.rate)
	s.last = now
	if s.tokens >= 1 {
		s.tokens--
		return true
	}
	return false
}

// canStart reports whether acquire would return at once.
func (s *pacedSim) canStart() bool {
	s.l.mu.Lock()
	defer s.l.mu.Unlock()
	return len(s.l.waiters) == 0 && s.l.canStart(s.l.now())
}

// burst sends n calls at once and returns how long until the last is
// answered.
func (s *pacedSim) burst(t *testing.T, n int) time.Duration {
	t.Helper()
	begin := s.l.clock.Now()
	pending, inFlight := n, []simCall{}
	for pending > 0 || len(inFlight) > 0 {
		now := s.l.clock.Now()
		if now.Sub(begin) > time.Hour {
			t.Fatalf("burst of %d not done after an hour: %d pending, limit %d", n, pending, s.l.limitNow())
		}
		// Answers due now.
		kept := inFlight[:0]
		for _, c := range inFlight {
			if c.done.After(now) {
				kept = append(kept, c)
				continue
			}
			s.l.release(c.ticket, c.start, c.done.Sub(c.start), verdictOK, 0)
		}
		inFlight = kept
		for pending > 0 && s.canStart() {
			ticket, err := s.l.acquire(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			s.calls++
			if !s.admit(now) {
				s.limited++
				s.l.release(ticket, now, time.Millisecond, verdictRateLimited, time.Second)
				continue
			}
			pending--
			inFlight = append(inFlight, simCall{ticket: ticket, start: now, done: now.Add(s.callLatency())})
		}
		s.l.advance(s.step)
	}
	return s.l.clock.Now().Sub(begin)
}

// TestLimiterBurstStartsFromLimitThatHeld: a limit that held at full load
// and was cut as the burst ended is where the next burst starts, after
// burstGap of idleness (not before: within a burst a cut stands), with the
// first calls spread over the lowest latency seen.
func TestLimiterBurstStartsFromLimitThatHeld(t *testing.T) {
	const rtt = 2 * time.Second
	tl := newTestLimiter(1, 4, 64)
	for tl.limitNow() < 32 { // slow start at full load: every limit held
		start := tl.clock.Now()
		tickets := tl.mustAcquire(t, tl.limitNow())
		tl.clock.Advance(rtt)
		for _, ticket := range tickets {
			tl.release(ticket, start, rtt, verdictOK, 0)
		}
	}
	// The burst's last calls meet a 429: the limit halves.
	start := tl.clock.Now()
	ticket := tl.mustAcquire(t, 1)[0]
	tl.release(ticket, start, time.Millisecond, verdictRateLimited, time.Second)
	if got := tl.limitNow(); got != 16 {
		t.Fatalf("after the 429: limit %d, want 16", got)
	}
	tl.advance(time.Second) // Retry-After passed; idle for less than burstGap
	tl.release(tl.mustAcquire(t, 1)[0], tl.clock.Now(), time.Millisecond, verdictNeutral, 0)
	if got := tl.limitNow(); got != 16 {
		t.Fatalf("within the burst gap: limit %d, want the cut 16", got)
	}
	tl.advance(burstGap)
	first := tl.mustAcquire(t, 1)
	if got := tl.limitNow(); got != 32 {
		t.Fatalf("next burst starts at limit %d, want 32 (the limit that held)", got)
	}
	// The opening is spread: 32 calls over the 2 s latency, one per 62.5 ms.
	if _, ok := tl.tryAcquire(t); ok {
		t.Fatal("the burst's second call started with the first")
	}
	tl.advance(rtt / 32)
	more := tl.mustAcquire(t, 1)
	for _, ticket := range append(first, more...) {
		tl.release(ticket, tl.clock.Now(), rtt, verdictNeutral, 0)
	}
}

// TestPacedBurstsFill runs bursts of 7,200 update calls (36 s at 200
// calls/s) on the limiter's fake clock against an endpoint answering in
// 2 s ± 0.5 s: the first burst ramps from the initial limit; the next ones
// start from the limit that held, meet no 429 and fill faster.
func TestPacedBurstsFill(t *testing.T) {
	s := newPacedSim(DefaultInitialConcurrency, 512, 2*time.Second, 500*time.Millisecond, 200)
	first := s.burst(t, 7200)
	t.Logf("burst 1: %v, %d calls (%d answered 429), limit now %d", first.Round(time.Millisecond), s.calls, s.limited, s.l.limitNow())
	for i := 2; i <= 3; i++ {
		s.l.advance(5 * time.Minute)
		s.calls, s.limited = 0, 0
		d := s.burst(t, 7200)
		t.Logf("burst %d: %v, %d calls (%d answered 429), limit now %d", i, d.Round(time.Millisecond), s.calls, s.limited, s.l.limitNow())
		if s.limited != 0 || d >= first {
			t.Errorf("burst %d: %v with %d answered 429; want none, and faster than the first burst's %v", i, d, s.limited, first)
		}
	}
}
