package agent

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// maxRateLimitedRounds bounds the rounds a call may spend refused with 429
// on every endpoint without counting against MaxRounds: the limiter waits
// out each Retry-After, so these rounds cost time, not load.
const maxRateLimitedRounds = 32

// newLimiters builds an endpoint's concurrency limiters (queries, update
// calls), reporting to the observer if it implements LimitObserver.
func (g *Governance) newLimiters(endpoint string) [2]*limiter {
	var ls [2]*limiter
	for kind, name := range [...]string{kindQuery: "query", kindUpdate: "update"} {
		c := limiterConfig{min: g.cfg.MinConcurrency, initial: g.cfg.InitialConcurrency, max: g.cfg.MaxConcurrency, now: g.cfg.Now}
		if lo, ok := g.cfg.Observer.(LimitObserver); ok {
			c.observe = func(inFlight, limit int) { lo.ObserveConcurrency(endpoint, name, inFlight, limit) }
		}
		ls[kind] = newLimiter(c)
	}
	return ls
}

// released returns an attempt's slot to its endpoint's limiter with what
// the attempt says about the endpoint's load.
func (g *Governance) released(ctx context.Context, ep *endpoint, kind callKind, ticket uint64, started time.Time, d time.Duration, err error) {
	v, retryAfter := verdictOf(ctx, err)
	if v == verdictRateLimited {
		if lo, ok := g.cfg.Observer.(LimitObserver); ok {
			lo.ObserveRateLimited(ep.name, retryAfter)
		}
	}
	ep.limiters[kind.limiter()].release(ticket, started, d, v, retryAfter)
}

// verdictOf reads an attempt's error as a load signal: 429 is the rate
// limit, 503 and a timeout of the attempt are overload; a reply of any
// kind (even a reject) means the endpoint coped.
func verdictOf(ctx context.Context, err error) (verdict, time.Duration) {
	var httpErr *HTTPStatusError
	switch {
	case err == nil:
		return verdictOK, 0
	case ctx.Err() != nil:
		return verdictNeutral, 0
	case errors.As(err, &httpErr) && httpErr.StatusCode == http.StatusTooManyRequests:
		return verdictRateLimited, httpErr.RetryAfter
	case errors.As(err, &httpErr) && httpErr.StatusCode == http.StatusServiceUnavailable:
		return verdictOverloaded, httpErr.RetryAfter
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return verdictOverloaded, 0
	}
	return verdictNeutral, 0
}

func isRateLimited(err error) bool {
	var httpErr *HTTPStatusError
	return errors.As(err, &httpErr) && httpErr.StatusCode == http.StatusTooManyRequests
}

// parseRetryAfter reads a Retry-After header: delay-seconds or an
// HTTP-date (RFC 9110 §10.2.3). Anything else, or a past date, is 0.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseUint(v, 10, 32); err == nil {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
