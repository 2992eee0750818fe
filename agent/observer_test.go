package agent

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"

	"github.com/votebot/votebot/nns"
)

func TestPrometheusObserver(t *testing.T) {
	net := startNet(t)
	net.gov.addProposals(1, 1, nns.TopicGovernance)
	dead := closedURL(t)
	reg := prometheus.NewRegistry()
	endpoints := []string{dead, net.url}
	obs, err := NewPrometheusObserver(reg, endpoints)
	if err != nil {
		t.Fatal(err)
	}
	cfg := testConfig(endpoints, net.rootKey, newIdentity(t))
	cfg.Observer = obs
	g := newClient(t, cfg)
	if _, err := g.ListProposals(context.Background(), nns.ListProposalInfoRequest{}); err != nil {
		t.Fatal(err)
	}
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	for _, f := range families {
		for _, m := range f.GetMetric() {
			key := f.GetName() + labels(m)
			switch {
			case m.Counter != nil:
				got[key] = m.Counter.GetValue()
			case m.Gauge != nil:
				got[key] = m.Gauge.GetValue()
			case m.Histogram != nil:
				got[key] = float64(m.Histogram.GetSampleCount())
			}
		}
	}
	deadName, liveName := EndpointLabel(dead), EndpointLabel(net.url)
	want := map[string]float64{
		"votebot_api_requests_total{endpoint=" + deadName + ",method=list_proposals,outcome=transport_error}": 1,
		"votebot_api_requests_total{endpoint=" + liveName + ",method=list_proposals,outcome=ok}":              1,
		"votebot_api_request_duration_seconds{endpoint=" + liveName + ",method=list_proposals}":               1,
		"votebot_api_request_duration_seconds{endpoint=" + deadName + ",method=list_proposals}":               1,
		"votebot_api_endpoint_up{endpoint=" + deadName + "}":                                                  0,
		"votebot_api_endpoint_up{endpoint=" + liveName + "}":                                                  1,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %v, want %v", k, got[k], v)
		}
	}
	if len(got) != len(want) {
		t.Errorf("got %d series, want %d: %v", len(got), len(want), got)
	}
}

func labels(m *dto.Metric) string {
	s := "{"
	for i, l := range m.GetLabel() {
		if i > 0 {
			s += ","
		}
		s += l.GetName() + "=" + l.GetValue()
	}
	return s + "}"
}
