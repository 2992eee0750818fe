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

// limiterKinds names the limiters of an endpoint, by callKind.
var limiterKinds = [...]string{kindQuery: "query", kindUpdate: "update"}

// HeldLimit is the concurrency limit that last held on one endpoint for
// one kind of call: a new client started from it (StartFrom) sends its
// first burst at that limit instead of ramping from InitialConcurrency
// again (at 2 s latency the ramp from 4 to 128 costs about 14 s).
type HeldLimit struct {
	// Endpoint is the endpoint's EndpointLabel (host[:port]).
	Endpoint string `json:"endpoint"`
	// Kind is "query" or "update".
	Kind  string `json:"kind"`
	Limit int    `json:"limit"`
	// SlowStart is whether the limit was still doubling per round trip
	// (no overload met yet).
	SlowStart bool `json:"slow_start,omitempty"`
	// RTT is the lowest latency seen lately: the first calls are spread
	// over it, as a burst that held sent them.
	RTT time.Duration `json:"rtt,omitempty"`
}

// HeldLimits reports, per endpoint and kind of call, the limit that last
// held; an endpoint's kind of call that never ran at full load has none.
func (g *Governance) HeldLimits() []HeldLimit {
	var out []HeldLimit
	for _, ep := range g.endpoints {
		for kind, l := range ep.limiters {
			if m, ok := l.remembered(); ok {
				out = append(out, HeldLimit{Endpoint: ep.name, Kind: limiterKinds[kind], Limit: int(m.limit),
					SlowStart: m.slowStart, RTT: m.rtt})
			}
		}
	}
	return out
}

// StartFrom makes the client's next calls start from limits that held
// before — another client's (a reload that changed the identity), or those
// of the process before a restart — for the endpoints and kinds of call
// that limits name; the others keep InitialConcurrency. A limit beyond
// [MinConcurrency, MaxConcurrency] is brought within. If the endpoint got
// slower since, its first overload halves the limit as usual. Call it
// before the client is in use.
func (g *Governance) StartFrom(limits []HeldLimit) {
	for _, h := range limits {
		if h.Limit <= 0 {
			continue
		}
		for _, ep := range g.endpoints {
			if ep.name != h.Endpoint {
				continue
			}
			for kind, name := range limiterKinds {
				if name == h.Kind {
					ep.limiters[kind].startFrom(memory{limit: float64(h.Limit), slowStart: h.SlowStart, rtt: max(0, h.RTT)})
				}
			}
		}
	}
}

// newLimiters builds an endpoint's concurrency limiters (queries, update
// calls), reporting to the observer if it implements LimitObserver.
func (g *Governance) newLimiters(endpoint string) [2]*limiter {
	var ls [2]*limiter
	for kind, name := range limiterKinds {
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
