package agent

import (
	"context"
	"sync"
	"time"
)

// Defaults of the per-endpoint concurrency limiter.
const (
	DefaultMinConcurrency     = 1
	DefaultInitialConcurrency = 4
	DefaultMaxConcurrency     = 128
	// defaultRetryAfter is the pause after a 429 that named no time.
	defaultRetryAfter = time.Second
	// latencyTolerance: the limit grows only while a call's latency stays
	// within this factor of the lowest latency seen lately (jitter of
	// 2 s ± 0.5 s stays within it; a queue building up does not).
	latencyTolerance = 2
	// rttWindow is how long a lowest latency is remembered.
	rttWindow = 30 * time.Second
	// burstGap is how long a limiter must have been idle (nothing in
	// flight or waiting) for its next call to start a new burst.
	burstGap = 10 * time.Second
)

// verdict is how one attempt reflects on the endpoint's capacity.
type verdict int

const (
	verdictNeutral     verdict = iota // says nothing about load (a reject, a bad reply)
	verdictOK                         // answered: capacity held
	verdictOverloaded                 // 503 or a timeout: too much in flight
	verdictRateLimited                // 429: over the endpoint's rate
)

// limiter bounds the calls in flight to one endpoint with AIMD: the limit
// starts small, doubles per round trip until the first sign of overload
// (slow start), then grows by about one per round trip (at most one per
// second, so that short round trips do not probe the rate limit too often)
// while latency holds, and halves on 429, 503 or a timeout. After a 429 no
// call starts before its Retry-After has passed. Waiting callers are served
// first come, first served, so the caller's order of urgency is kept.
//
// A burst (the first call after burstGap of idleness) starts from the
// limit that last held: the limit in force when a call sent at full load
// was last answered in time. A cut late in the previous burst would
// otherwise make the next one ramp again (at 2 s latency, slow start from 4
// is about 14 s of a 36 s fill). The burst's first limit's worth of calls
// is spread over the lowest latency seen, as a burst that held would have
// sent them: all at once they overrun a boundary node's rate bucket, and
// the 429 halves the limit. If the endpoint got slower meanwhile, the
// burst's first overload cuts the limit as usual, and what holds then is
// remembered.
type limiter struct {
	now      func() time.Time
	afterFn  func(time.Duration, func()) *time.Timer
	observe  func(inFlight int, limit int)
	min, max float64

	mu        sync.Mutex
	limit     float64
	inFlight  int
	slowStart bool
	retryAt   time.Time
	lastCut   time.Time
	waiters   []*waiter
	// fulls counts the times the limit was reached or a call queued: a
	// call that saw it change was limited by the limit, not by its caller
	// having nothing more to send, and only such calls justify growth.
	fulls    uint64
	timer    *time.Timer // wakes the queue at retryAt
	rttMin   [2]time.Duration
	rttSince time.Time
	// held is the limit as it stood after the last saturated call sent
	// since the last cut was answered in time (0: none yet).
	held float64
	// idleSince is when the last call ended with none in flight or
	// waiting (zero while busy).
	idleSince time.Time
	// opening counts the burst's first calls still to be spread, spacing
	// apart.
	opening int
	spacing time.Duration
}

type waiter struct {
	ready   chan struct{}
	granted bool
	ticket  uint64
}

// limiterConfig bounds an endpoint's concurrency (see Config).
type limiterConfig struct {
	min, initial, max int
	now               func() time.Time
	observe           func(inFlight, limit int)
}

func newLimiter(c limiterConfig) *limiter {
	if c.observe == nil {
		c.observe = func(int, int) {}
	}
	l := &limiter{now: c.now, afterFn: time.AfterFunc, observe: c.observe,
		min: float64(c.min), max: float64(c.max), limit: float64(c.initial), slowStart: true}
	return l
}

// capacity is the whole number of calls the limit allows.
func (l *limiter) capacity() int { return max(1, int(l.limit)) }

// state reports the current limit and the calls in flight.
func (l *limiter) state() (limit, inFlight int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.capacity(), l.inFlight
}

// acquire waits for a slot (and for any Retry-After to pass). The caller
// must call release with the ticket exactly once when it got one.
func (l *limiter) acquire(ctx context.Context) (uint64, error) {
	l.mu.Lock()
	now := l.now()
	l.burstLocked(now)
	if len(l.waiters) == 0 && l.canStart(now) {
		ticket := l.startLocked(now)
		l.observeLocked()
		l.mu.Unlock()
		return ticket, nil
	}
	w := &waiter{ready: make(chan struct{})}
	l.waiters = append(l.waiters, w)
	l.fulls++
	l.dispatchLocked()
	l.mu.Unlock()
	select {
	case <-w.ready:
		return w.ticket, nil
	case <-ctx.Done():
		l.mu.Lock()
		defer l.mu.Unlock()
		if w.granted { // granted as the context ended: hand the slot on
			l.inFlight--
		} else {
			l.removeLocked(w)
		}
		l.dispatchLocked()
		return 0, ctx.Err()
	}
}

// burstLocked starts a burst from the limit that last held when the
// limiter has been idle for burstGap.
func (l *limiter) burstLocked(now time.Time) {
	if l.idleSince.IsZero() || l.inFlight > 0 || len(l.waiters) > 0 {
		return
	}
	if now.Sub(l.idleSince) >= burstGap {
		l.limit = max(l.limit, l.held)
		if base := l.rttBase(); base > 0 {
			l.opening, l.spacing = l.capacity(), base/time.Duration(l.capacity())
		}
	}
	l.idleSince = time.Time{}
}

// startLocked counts a call in at now and returns its ticket.
func (l *limiter) startLocked(now time.Time) uint64 {
	ticket := l.fulls
	l.inFlight++
	if l.opening > 0 {
		l.opening--
		l.holdUntil(now.Add(l.spacing))
	}
	if l.inFlight >= l.capacity() {
		l.fulls++
	}
	return ticket
}

func (l *limiter) canStart(now time.Time) bool {
	return !now.Before(l.retryAt) && l.inFlight < l.capacity()
}

func (l *limiter) removeLocked(w *waiter) {
	for i, x := range l.waiters {
		if x == w {
			l.waiters = append(l.waiters[:i], l.waiters[i+1:]...)
			return
		}
	}
}

// dispatchLocked starts waiters while there is room, in arrival order,
// and arms a timer for the end of a Retry-After.
func (l *limiter) dispatchLocked() {
	now := l.now()
	for len(l.waiters) > 0 && l.canStart(now) {
		w := l.waiters[0]
		l.waiters = l.waiters[1:]
		w.granted = true
		w.ticket = l.startLocked(now)
		close(w.ready)
	}
	if len(l.waiters) > 0 && now.Before(l.retryAt) && l.timer == nil {
		l.timer = l.afterFn(l.retryAt.Sub(now), l.wake)
	}
	l.observeLocked()
}

func (l *limiter) wake() {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.timer = nil
	l.dispatchLocked()
}

func (l *limiter) observeLocked() { l.observe(l.inFlight, l.capacity()) }

// release ends a call that started at start with ticket and adjusts the
// limit by its verdict. retryAfter is the 429's Retry-After (0: none).
func (l *limiter) release(ticket uint64, start time.Time, latency time.Duration, v verdict, retryAfter time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	saturated := l.fulls > ticket // the limit, not the caller, bounded the rate
	l.inFlight--
	switch v {
	case verdictOK:
		if saturated && l.latencyHolds(now, latency) {
			l.grow(latency)
			if !start.Before(l.lastCut) {
				l.held = l.limit // answered in time at full load, sent since the last cut
			}
		}
	case verdictRateLimited:
		if retryAfter <= 0 {
			retryAfter = defaultRetryAfter
		}
		l.holdUntil(now.Add(retryAfter))
		l.cut(start, now)
	case verdictOverloaded:
		if retryAfter > 0 { // a 503 may name a time too
			l.holdUntil(now.Add(retryAfter))
		}
		l.cut(start, now)
	}
	if l.inFlight == 0 && len(l.waiters) == 0 {
		l.idleSince = now
	}
	l.dispatchLocked()
}

// holdUntil keeps calls from starting before at.
func (l *limiter) holdUntil(at time.Time) {
	if at.After(l.retryAt) {
		l.retryAt = at
	}
}

// grow raises the limit: by one per answered call in slow start (doubling
// per round trip), else by latency/1s per round trip, at most one.
func (l *limiter) grow(latency time.Duration) {
	if l.slowStart {
		l.limit++
	} else {
		l.limit += min(1, latency.Seconds()) / float64(l.capacity())
	}
	l.limit = min(l.limit, l.max)
}

// cut halves the limit once per overload: calls that started before the
// last cut were sent at the old limit and do not cut again.
func (l *limiter) cut(start, now time.Time) {
	if start.Before(l.lastCut) {
		return
	}
	l.slowStart = false
	l.lastCut = now
	l.limit = max(l.min, l.limit/2)
}

// latencyHolds records latency and reports whether it is within
// latencyTolerance of the lowest latency of the last one or two windows.
func (l *limiter) latencyHolds(now time.Time, d time.Duration) bool {
	if now.Sub(l.rttSince) >= rttWindow {
		l.rttMin[1], l.rttMin[0], l.rttSince = l.rttMin[0], 0, now
	}
	if l.rttMin[0] == 0 || d < l.rttMin[0] {
		l.rttMin[0] = d
	}
	return d <= latencyTolerance*l.rttBase()+10*time.Millisecond
}

// memory is what a limiter learned about its endpoint that a new client's
// limiter starts from (see Governance.HeldLimits).
type memory struct {
	limit     float64 // the limit that last held
	slowStart bool
	rtt       time.Duration // the lowest latency seen lately (0: none)
}

// remembered is the limiter's memory; false when no limit held yet.
func (l *limiter) remembered() (memory, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.held == 0 {
		return memory{}, false
	}
	return memory{limit: l.held, slowStart: l.slowStart, rtt: l.rttBase()}, true
}

// startFrom makes the limiter start where another one's memory m left
// off, as if its next call began a burst (see burstLocked): at the limit
// that held, within this limiter's bounds, its first calls spread over
// m's latency. m's latency only paces that opening and is not taken as
// the lowest seen: the endpoint's latency may have changed since, and a
// growth judged by a stale one would be wrong for a whole rttWindow.
func (l *limiter) startFrom(m memory) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.limit = min(max(m.limit, l.min), l.max)
	l.held, l.slowStart = l.limit, m.slowStart
	if m.rtt > 0 {
		l.opening, l.spacing = l.capacity(), m.rtt/time.Duration(l.capacity())
	}
}

// rttBase is the lowest latency of the last one or two windows (0: none).
func (l *limiter) rttBase() time.Duration {
	base := l.rttMin[0]
	if l.rttMin[1] != 0 && (base == 0 || l.rttMin[1] < base) {
		base = l.rttMin[1]
	}
	return base
}
