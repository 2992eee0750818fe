package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// neuronCollector serves the per-neuron gauges (voting power, refresh
// time, participation by window) at scrape time from one small struct per
// neuron. As GaugeVec children they took about 400 bytes a series: 5,000
// series, 2 MB, at 1,000 neurons.
type neuronCollector struct {
	deciding, potential, refreshed, partic *prometheus.Desc
	text                                   [4]textFamily // the same, for WriteText

	mu      sync.Mutex
	neurons map[neuronKey]*neuronSeries
}

// neuronKey is a neuron of one governance: an SNS lane's short ids may
// repeat an NNS neuron id.
type neuronKey struct {
	governance string
	id         uint64
}

type neuronSeries struct {
	governance, id                 string // label values
	deciding, potential, refreshed float64
	hasPower, hasRefreshed         bool
	partic                         []windowRatio
}

type windowRatio struct {
	window string
	ratio  float64
}

// newNeuronCollector serves the families metrics.go names: deciding and
// potential power and refresh time labelled {governance, neuron},
// participation {governance, neuron, window}.
func newNeuronCollector(deciding, potential, refreshed, partic textFamily) *neuronCollector {
	desc := func(f textFamily, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(f.name, f.help, append([]string{"governance", "neuron"}, labels...), nil)
	}
	return &neuronCollector{deciding: desc(deciding), potential: desc(potential), refreshed: desc(refreshed),
		partic: desc(partic, "window"), text: [4]textFamily{deciding, potential, refreshed, partic},
		neurons: map[neuronKey]*neuronSeries{}}
}

// Describe implements prometheus.Collector.
func (c *neuronCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.deciding
	ch <- c.potential
	ch <- c.refreshed
	ch <- c.partic
}

// Collect implements prometheus.Collector.
func (c *neuronCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	gauge := func(d *prometheus.Desc, v float64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, labels...)
	}
	for _, s := range c.neurons {
		if s.hasPower {
			gauge(c.deciding, s.deciding, s.governance, s.id)
			gauge(c.potential, s.potential, s.governance, s.id)
		}
		if s.hasRefreshed {
			gauge(c.refreshed, s.refreshed, s.governance, s.id)
		}
		for _, w := range s.partic {
			gauge(c.partic, w.ratio, s.governance, s.id, w.window)
		}
	}
}

// series returns the neuron's series, creating them with its id shown by
// label. Callers hold c.mu.
func (c *neuronCollector) series(k neuronKey, label func(uint64) string) *neuronSeries {
	s := c.neurons[k]
	if s == nil {
		s = &neuronSeries{governance: k.governance, id: label(k.id)}
		c.neurons[k] = s
	}
	return s
}

func (c *neuronCollector) setPower(k neuronKey, label func(uint64) string, deciding, potential uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.series(k, label)
	s.deciding, s.potential, s.hasPower = float64(deciding), float64(potential), true
}

func (c *neuronCollector) setRefreshed(k neuronKey, label func(uint64) string, unixSeconds int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.series(k, label)
	s.refreshed, s.hasRefreshed = float64(unixSeconds), true
}

func (c *neuronCollector) setParticipation(k neuronKey, label func(uint64) string, window string, ratio float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.series(k, label)
	for i := range s.partic {
		if s.partic[i].window == window {
			s.partic[i].ratio = ratio
			return
		}
	}
	s.partic = append(s.partic, windowRatio{window, ratio})
}
