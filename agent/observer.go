package agent

import "time"

// Observer receives what the client does, for metrics. Implementations must
// be safe for concurrent use and fast (they run on the call path). The
// daemon's implementation is bot.Metrics (votebot_api_requests_total,
// votebot_api_request_duration_seconds, votebot_endpoint_up).
type Observer interface {
	// ObserveCall reports one attempt of method on endpoint (host[:port]).
	// outcome is one of: ok, reject, governance_error, decode_error,
	// transport_error, timeout, http_error, verify_error, protocol_error,
	// canceled.
	ObserveCall(endpoint, method, outcome string, d time.Duration)
	// ObserveEndpoint reports an endpoint going down (skipped while backing
	// off) or coming back up.
	ObserveEndpoint(endpoint string, up bool)
}

type nopObserver struct{}

func (nopObserver) ObserveCall(string, string, string, time.Duration) {}
func (nopObserver) ObserveEndpoint(string, bool)                      {}
