package metrics

import (
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus/testutil"

	"github.com/votebot/votebot/agent"
)

// Each client's limiter has its own series: the signed client's 429s are
// not the anonymous one's, and a limit reported last by one client does
// not overwrite the other's.
func TestClientConcurrencySeries(t *testing.T) {
	m := NewMetrics("test", "abc")
	signed, ok := m.Client("signed").(agent.LimitObserver)
	if !ok {
		t.Fatal("Client's observer does not implement agent.LimitObserver: the agent would report nothing")
	}
	anon := m.Client("anonymous").(agent.LimitObserver)
	signed.ObserveConcurrency("ic0.app", "update", 12, 16)
	anon.ObserveConcurrency("ic0.app", "update", 1, 4)
	signed.ObserveRateLimited("ic0.app", time.Second)
	signed.ObserveRateLimited("ic0.app", 0)
	tests := []struct {
		name string
		got  float64
		want float64
	}{
		{"in flight signed", testutil.ToFloat64(m.APIInFlight.WithLabelValues("ic0.app", "signed", "update")), 12},
		{"limit signed", testutil.ToFloat64(m.APIConcurrencyLimit.WithLabelValues("ic0.app", "signed", "update")), 16},
		{"limit anonymous", testutil.ToFloat64(m.APIConcurrencyLimit.WithLabelValues("ic0.app", "anonymous", "update")), 4},
		{"429 signed", testutil.ToFloat64(m.APIRateLimited.WithLabelValues("ic0.app", "signed")), 2},
		{"429 anonymous", testutil.ToFloat64(m.APIRateLimited.WithLabelValues("ic0.app", "anonymous")), 0},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s = %v, want %v", tt.name, tt.got, tt.want)
		}
	}
	// The shared series still count the client's calls.
	m.Client("signed").ObserveCall("ic0.app", "manage_neuron", "rate_limited", time.Second)
	if got := testutil.ToFloat64(m.APIRequests.WithLabelValues("ic0.app", "manage_neuron", "rate_limited")); got != 1 {
		t.Errorf("api_requests_total{rate_limited} = %v, want 1", got)
	}
}
