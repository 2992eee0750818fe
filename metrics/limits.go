package metrics

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/votebot/votebot/agent"
)

// limitMetrics are the agent's adaptive concurrency per endpoint and
// client: the daemon runs two clients (signed for votes and ballots,
// anonymous for idle polls), each with its own limiter per endpoint.
type limitMetrics struct {
	InFlight    *prometheus.GaugeVec
	Limit       *prometheus.GaugeVec
	RateLimited *prometheus.CounterVec
}

func newLimitMetrics(reg *prometheus.Registry) limitMetrics {
	l := limitMetrics{
		InFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "votebot_api_in_flight",
			Help: "IC API calls in flight, by endpoint and client (signed, anonymous)."}, []string{"endpoint", "client"}),
		Limit: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "votebot_api_concurrency_limit",
			Help: "The adaptive limit of calls in flight (grows while latency holds, halves on 429/503/timeouts), by endpoint and client."},
			[]string{"endpoint", "client"}),
		RateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "votebot_api_rate_limited_total",
			Help: "IC API answers HTTP 429 Too Many Requests (the boundary node's rate limit), by endpoint and client."},
			[]string{"endpoint", "client"}),
	}
	reg.MustRegister(l.InFlight, l.Limit, l.RateLimited)
	return l
}

// Client is m as the observer of one IC client, named in the concurrency
// series (e.g. "signed", "anonymous"); the other series are shared.
func (m *Metrics) Client(name string) agent.Observer { return clientObserver{m: m, client: name} }

type clientObserver struct {
	m      *Metrics
	client string
}

var (
	_ agent.LimitObserver      = clientObserver{}
	_ agent.DecodeDropObserver = clientObserver{}
)

func (o clientObserver) ObserveCall(endpoint, method, outcome string, d time.Duration) {
	o.m.ObserveCall(endpoint, method, outcome, d)
}

func (o clientObserver) ObserveEndpoint(endpoint string, up bool) { o.m.ObserveEndpoint(endpoint, up) }

func (o clientObserver) ObserveDecodeDropped(method, goType, tag string) {
	o.m.ObserveDecodeDropped(method, goType, tag)
}

// ObserveConcurrency implements agent.LimitObserver.
func (o clientObserver) ObserveConcurrency(endpoint string, inFlight, limit int) {
	o.m.limits.InFlight.WithLabelValues(endpoint, o.client).Set(float64(inFlight))
	o.m.limits.Limit.WithLabelValues(endpoint, o.client).Set(float64(limit))
}

// ObserveRateLimited implements agent.LimitObserver.
func (o clientObserver) ObserveRateLimited(endpoint string, _ time.Duration) {
	o.m.limits.RateLimited.WithLabelValues(endpoint, o.client).Inc()
}
