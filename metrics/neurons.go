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
	neurons map[uint64]*neuronSeries
}

type neuronSeries struct {
	id                             string
	deciding, potential, refreshed float64
	hasPower, hasRefreshed         bool
	partic                         []windowRatio
}

type windowRatio struct {
	window string
	ratio  float64
}

// newNeuronCollector serves the families metrics.go names: deciding and
// potential power and refresh time labelled {neuron}, participation
// {neuron, window}.
func newNeuronCollector(deciding, potential, refreshed, partic textFamily) *neuronCollector {
	desc := func(f textFamily, labels ...string) *prometheus.Desc {
		return prometheus.NewDesc(f.name, f.help, append([]string{"neuron"}, labels...), nil)
	}
	return &neuronCollector{deciding: desc(deciding), potential: desc(potential), refreshed: desc(refreshed),
		partic: desc(partic, "window"), text: [4]textFamily{deciding, potential, refreshed, partic},
		neurons: map[uint64]*neuronSeries{}}
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
			gauge(c.deciding, s.deciding, s.id)
			gauge(c.potential, s.potential, s.id)
		}
		if s.hasRefreshed {
			gauge(c.refreshed, s.refreshed, s.id)
		}
		for _, w := range s.partic {
			gauge(c.partic, w.ratio, s.id, w.window)
		}
	}
}

// series returns the neuron's series, creating them. Callers hold c.mu.
func (c *neuronCollector) series(neuron uint64) *neuronSeries {
	s := c.neurons[neuron]
	if s == nil {
		s = &neuronSeries{id: itoa(neuron)}
		c.neurons[neuron] = s
	}
	return s
}

func (c *neuronCollector) setPower(neuron uint64, deciding, potential uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.series(neuron)
	s.deciding, s.potential, s.hasPower = float64(deciding), float64(potential), true
}

func (c *neuronCollector) setRefreshed(neuron uint64, unixSeconds int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.series(neuron)
	s.refreshed, s.hasRefreshed = float64(unixSeconds), true
}

func (c *neuronCollector) setParticipation(neuron uint64, window string, ratio float64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.series(neuron)
	for i := range s.partic {
		if s.partic[i].window == window {
			s.partic[i].ratio = ratio
			return
		}
	}
	s.partic = append(s.partic, windowRatio{window, ratio})
}
