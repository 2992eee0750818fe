package agent

import (
	"math/rand/v2"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"
)

// EndpointLabel is the metric label of an endpoint URL: its host[:port].
func EndpointLabel(raw string) string {
	u, err := url.Parse(strings.TrimRight(raw, "/"))
	if err != nil || u.Host == "" {
		return raw
	}
	return u.Host
}

// endpoint is one API base URL, its HTTP client and its health.
type endpoint struct {
	name   string
	url    *url.URL
	client *http.Client
	// verified is the transport's cache of verified certificate
	// signatures, shared with read_state (see readState).
	verified *verifiedCerts
	// limiters bound calls in flight, by callKind: queries and update
	// calls differ in latency (a query is not certified) and boundary
	// nodes limit their rates apart.
	limiters [2]*limiter

	mu       sync.Mutex
	failures int
	down     bool
	retryAt  time.Time
	lastErr  error
}

// EndpointStatus is a snapshot of an endpoint's health.
type EndpointStatus struct {
	Endpoint string
	Up       bool
	// Failures counts consecutive failures.
	Failures int
	// RetryAt is when a down endpoint is tried again.
	RetryAt time.Time
	LastErr error
	// Limit is the concurrency limit of update calls; InFlight the update
	// calls running (queries' figures reach the LimitObserver).
	Limit, InFlight int
}

func (e *endpoint) status() EndpointStatus {
	s := EndpointStatus{Endpoint: e.name}
	if e.limiters[kindUpdate] != nil {
		s.Limit, s.InFlight = e.limiters[kindUpdate].state()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	s.Up, s.Failures, s.RetryAt, s.LastErr = !e.down, e.failures, e.retryAt, e.lastErr
	return s
}

// retryAt is when a down endpoint is tried again.
func (e *endpoint) retryTime() time.Time {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.retryAt
}

// available reports whether the endpoint may be tried at now.
func (e *endpoint) available(now time.Time) bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	return !e.down || !now.Before(e.retryAt)
}

// markUp records a success; it returns true if the endpoint was down.
func (e *endpoint) markUp() bool {
	e.mu.Lock()
	defer e.mu.Unlock()
	was := e.down
	e.down, e.failures, e.lastErr = false, 0, nil
	return was
}

// markDown records a failure and schedules the next try with exponential
// back-off (jittered, so that several bots do not return in step). It
// returns true if the endpoint was up.
func (e *endpoint) markDown(now time.Time, err error, base, max time.Duration) (bool, time.Duration) {
	e.mu.Lock()
	defer e.mu.Unlock()
	was := !e.down
	e.failures++
	back := backoff(e.failures-1, base, max)
	e.down, e.retryAt, e.lastErr = true, now.Add(back), err
	return was, back
}

// backoff is base·2^n capped at max, minus up to half of it at random
// ("equal jitter").
func backoff(n int, base, max time.Duration) time.Duration {
	d := base
	for i := 0; i < n && d < max; i++ {
		d *= 2
	}
	d = min(d, max)
	half := d / 2
	if half <= 0 {
		return d
	}
	return half + rand.N(half+1)
}

// order returns the endpoints to try in one round: those available now in
// configuration order (so the first comes back into use as soon as its
// back-off ends); if none is, all of them, soonest retry first, so that a
// call still probes rather than failing without trying.
func order(eps []*endpoint, now time.Time) []*endpoint {
	var avail []*endpoint
	for _, e := range eps {
		if e.available(now) {
			avail = append(avail, e)
		}
	}
	if len(avail) > 0 {
		return avail
	}
	all := slices.Clone(eps)
	slices.SortStableFunc(all, func(a, b *endpoint) int { return a.retryTime().Compare(b.retryTime()) })
	return all
}
