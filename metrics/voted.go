package metrics

import (
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// VotedCollector serves the neuron-voted gauge (see NewMetrics) from the
// open proposals' ballots, building the series at scrape time. With 1,000
// neurons and 50 open proposals a GaugeVec keeps 50,000 children (about
// 36 MB), a map per proposal 1.5 MB; this keeps one byte per ballot.
type VotedCollector struct {
	desc       *prometheus.Desc
	name, help string // for WriteText
	alias      func(neuron uint64) string

	mu      sync.Mutex
	props   map[uint64]*votedProposal // open proposal id → its ballots
	slot    map[uint64]int            // neuron → index into votedProposal.state
	neurons []uint64                  // index → neuron
}

// Ballot states in votedProposal.state.
const (
	ballotNoSeries uint8 = iota
	ballotNotVoted
	ballotVoted
)

type votedProposal struct {
	id, topic string
	state     []uint8 // by neuron index
}

// newVotedCollector serves the family name (labels neuron, alias,
// proposal_id, topic; metrics.go names it) with aliases from alias.
func newVotedCollector(name, help string, alias func(uint64) string) *VotedCollector {
	desc := prometheus.NewDesc(name, help, []string{"neuron", "alias", "proposal_id", "topic"}, nil)
	return &VotedCollector{desc: desc, name: name, help: help, alias: alias,
		props: map[uint64]*votedProposal{}, slot: map[uint64]int{}}
}

// Describe implements prometheus.Collector.
func (c *VotedCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect implements prometheus.Collector.
func (c *VotedCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.props {
		for i, st := range p.state {
			if st == ballotNoSeries {
				continue
			}
			v := 0.0
			if st == ballotVoted {
				v = 1
			}
			neuron := c.neurons[i]
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
		p = &votedProposal{id: itoa(proposal), topic: topic}
		c.props[proposal] = p
	}
	i, ok := c.slot[neuron]
	if !ok {
		i = len(c.neurons)
		c.slot[neuron] = i
		c.neurons = append(c.neurons, neuron)
	}
	if i >= len(p.state) {
		p.state = append(p.state, make([]uint8, len(c.neurons)-len(p.state))...)
	}
	p.state[i] = ballotNotVoted
	if voted {
		p.state[i] = ballotVoted
	}
}

// remove drops one ballot's series.
func (c *VotedCollector) remove(proposal, neuron uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if p, i, ok := c.ballot(proposal, neuron); ok {
		p.state[i] = ballotNoSeries
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
	p, i, ok := c.ballot(proposal, neuron)
	if !ok || p.state[i] == ballotNoSeries {
		return 0, false
	}
	if p.state[i] == ballotVoted {
		return 1, true
	}
	return 0, true
}

// ballot finds a ballot's state; callers hold c.mu.
func (c *VotedCollector) ballot(proposal, neuron uint64) (*votedProposal, int, bool) {
	p := c.props[proposal]
	i, ok := c.slot[neuron]
	if p == nil || !ok || i >= len(p.state) {
		return nil, 0, false
	}
	return p, i, true
}
