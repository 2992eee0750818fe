package metrics

import (
	"time"

	"github.com/votebot/votebot/agent"
)

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
func (o clientObserver) ObserveConcurrency(endpoint, kind string, inFlight, limit int) {
	o.m.APIInFlight.WithLabelValues(endpoint, o.client, kind).Set(float64(inFlight))
	o.m.APIConcurrencyLimit.WithLabelValues(endpoint, o.client, kind).Set(float64(limit))
}

// ObserveRateLimited implements agent.LimitObserver.
func (o clientObserver) ObserveRateLimited(endpoint string, _ time.Duration) {
	o.m.APIRateLimited.WithLabelValues(endpoint, o.client).Inc()
}
