package agent

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// Observer receives what the client does, for metrics. Implementations must
// be safe for concurrent use and fast (they run on the call path).
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

// PrometheusObserver publishes
//
//	votebot_api_requests_total{endpoint,method,outcome}
//	votebot_api_request_duration_seconds{endpoint,method}
//	votebot_api_endpoint_up{endpoint}
//
// Label values are bounded: endpoints come from the configuration, methods
// from this package.
type PrometheusObserver struct {
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	up       *prometheus.GaugeVec
}

// NewPrometheusObserver registers the metrics with reg (use a private
// registry) and marks each endpoint up until told otherwise.
func NewPrometheusObserver(reg prometheus.Registerer, endpoints []string) (*PrometheusObserver, error) {
	o := &PrometheusObserver{
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "votebot_api_requests_total",
			Help: "IC API requests by endpoint, governance method and outcome (one per attempt).",
		}, []string{"endpoint", "method", "outcome"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "votebot_api_request_duration_seconds",
			Help:    "Latency of IC API requests (one per attempt), including signature verification.",
			Buckets: []float64{0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 30},
		}, []string{"endpoint", "method"}),
		up: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "votebot_api_endpoint_up",
			Help: "1 if the IC API endpoint is in use, 0 while it is skipped after failures.",
		}, []string{"endpoint"}),
	}
	for _, c := range []prometheus.Collector{o.requests, o.duration, o.up} {
		if err := reg.Register(c); err != nil {
			return nil, err
		}
	}
	for _, e := range endpoints {
		o.up.WithLabelValues(EndpointLabel(e)).Set(1)
	}
	return o, nil
}

// ObserveCall implements Observer.
func (o *PrometheusObserver) ObserveCall(endpoint, method, outcome string, d time.Duration) {
	o.requests.WithLabelValues(endpoint, method, outcome).Inc()
	o.duration.WithLabelValues(endpoint, method).Observe(d.Seconds())
}

// ObserveEndpoint implements Observer.
func (o *PrometheusObserver) ObserveEndpoint(endpoint string, up bool) {
	v := 0.0
	if up {
		v = 1
	}
	o.up.WithLabelValues(endpoint).Set(v)
}
