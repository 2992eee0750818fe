package bot

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// VotedCollector serves the neuron-voted gauge (see NewMetrics) from a compact map of the open proposals' ballots, building the series at
// scrape time. With 1,000 neurons and 50 open proposals a GaugeVec keeps
// 50,000 children (about 36 MB); this keeps one bool per ballot.
type VotedCollector struct {
	desc  *prometheus.Desc
	alias func(neuron uint64) string

	mu    sync.Mutex
	props map[uint64]*votedProposal // open proposal id → its ballots
}

type votedProposal struct {
	id, topic string
	voted     map[uint64]bool // neuron → filled
}

// newVotedCollector serves desc (labels neuron, alias, proposal_id,
// topic; metrics.go names it) with aliases from alias.
func newVotedCollector(desc *prometheus.Desc, alias func(uint64) string) *VotedCollector {
	return &VotedCollector{desc: desc, alias: alias, props: map[uint64]*votedProposal{}}
}

// Describe implements prometheus.Collector.
func (c *VotedCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect implements prometheus.Collector.
func (c *VotedCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.props {
		for neuron, voted := range p.voted {
			v := 0.0
			if voted {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, v, itoa(neuron), c.alias(neuron), p.id, p.topic)
		}
	}
}

// set records a ballot (topic: the proposal's current topic label; a new
// topic replaces the proposal's series).
func (c *VotedCollector) set(proposal uint64, topic string, neuron uint64, voted bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.props[proposal]
	if p == nil || p.topic != topic {
		p = &votedProposal{id: itoa(proposal), topic: topic, voted: map[uint64]bool{}}
		c.props[proposal] = p
	}
	p.voted[neuron] = voted
}

// remove drops one ballot's series.
func (c *VotedCollector) remove(proposal, neuron uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p := c.props[proposal]; p != nil {
		delete(p.voted, neuron)
	}
}

// deleteProposal drops a proposal's series.
func (c *VotedCollector) deleteProposal(proposal uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.props, proposal)
}

// Value is a ballot's exported value and whether it has a series.
func (c *VotedCollector) Value(neuron, proposal uint64) (float64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	p := c.props[proposal]
	if p == nil {
		return 0, false
	}
	voted, ok := p.voted[neuron]
	if !ok {
		return 0, false
	}
	if voted {
		return 1, true
	}
	return 0, true
}
