package agent

import "time"

// Observer receives what the client does, for metrics. Implementations must
// be safe for concurrent use and fast (they run on the call path). The
// daemon's implementation is bot.Metrics (votebot_api_requests_total,
// votebot_api_request_duration_seconds, votebot_endpoint_up).
type Observer interface {
	// ObserveCall reports one attempt of method on endpoint (host[:port]).
	// outcome is one of: ok, reject, governance_error, decode_error,
	// transport_error, timeout, http_error, rate_limited, verify_error,
	// protocol_error, canceled.
	ObserveCall(endpoint, method, outcome string, d time.Duration)
	// ObserveEndpoint reports an endpoint going down (skipped while backing
	// off) or coming back up.
	ObserveEndpoint(endpoint string, up bool)
}

type nopObserver struct{}

func (nopObserver) ObserveCall(string, string, string, time.Duration) {}
func (nopObserver) ObserveEndpoint(string, bool)                      {}

// LimitObserver is optionally implemented by an Observer (checked by type
// assertion) to receive the per-endpoint concurrency limiter's state. Its
// methods run under the limiter's lock: they must be fast and must not
// call back into the client.
type LimitObserver interface {
	// ObserveConcurrency reports the calls of kind ("query" or "update")
	// in flight to endpoint and their current limit, whenever either
	// changes. Queries and update calls are limited apart.
	ObserveConcurrency(endpoint, kind string, inFlight, limit int)
	// ObserveRateLimited reports one 429 answer from endpoint and the
	// Retry-After it asked for (0: none).
	ObserveRateLimited(endpoint string, retryAfter time.Duration)
}
