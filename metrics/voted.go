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

	mu    sync.Mutex
	lanes map[string]*votedLane // by governance
}

// votedLane is one governance's ballots: its proposal and neuron numbers
// are its own.
type votedLane struct {
	c            *VotedCollector // whose mu guards the fields below
	governance   string
	label, alias func(neuron uint64) string

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

// newVotedCollector serves the family name (labels alias, governance,
// neuron, proposal_id, topic; metrics.go names it).
func newVotedCollector(name, help string) *VotedCollector {
	desc := prometheus.NewDesc(name, help, []string{"governance", "neuron", "alias", "proposal_id", "topic"}, nil)
	return &VotedCollector{desc: desc, name: name, help: help, lanes: map[string]*votedLane{}}
}

// lane returns the governance's ballots, creating them: neurons labelled
// by label, aliases from alias (called under c.mu).
func (c *VotedCollector) lane(governance string, label, alias func(uint64) string) *votedLane {
	c.mu.Lock()
	defer c.mu.Unlock()
	l := c.lanes[governance]
	if l == nil {
		l = &votedLane{c: c, governance: governance, label: label, alias: alias,
			props: map[uint64]*votedProposal{}, slot: map[uint64]int{}}
		c.lanes[governance] = l
	}
	return l
}

// Describe implements prometheus.Collector.
func (c *VotedCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect implements prometheus.Collector.
func (c *VotedCollector) Collect(ch chan<- prometheus.Metric) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, l := range c.lanes {
		for _, p := range l.props {
			for i, st := range p.state {
				if st == ballotNoSeries {
					continue
				}
				v := 0.0
				if st == ballotVoted {
					v = 1
				}
				neuron := l.neurons[i]
				ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, v,
					l.governance, l.label(neuron), l.alias(neuron), p.id, p.topic)
			}
		}
	}
}

// set records a ballot (topic: the proposal's current topic label; a new
// topic replaces the proposal's series).
func (l *votedLane) set(proposal uint64, topic string, neuron uint64, voted bool) {
	l.c.mu.Lock()
	defer l.c.mu.Unlock()
	p := l.props[proposal]
	if p == nil || p.topic != topic {
		p = &votedProposal{id: itoa(proposal), topic: topic}
		l.props[proposal] = p
	}
	i, ok := l.slot[neuron]
	if !ok {
		i = len(l.neurons)
		l.slot[neuron] = i
		l.neurons = append(l.neurons, neuron)
	}
	if i >= len(p.state) {
		p.state = append(p.state, make([]uint8, len(l.neurons)-len(p.state))...)
	}
	p.state[i] = ballotNotVoted
	if voted {
		p.state[i] = ballotVoted
	}
}

// remove drops one ballot's series.
func (l *votedLane) remove(proposal, neuron uint64) {
	l.c.mu.Lock()
	defer l.c.mu.Unlock()
	if p, i, ok := l.ballot(proposal, neuron); ok {
		p.state[i] = ballotNoSeries
	}
}

// deleteProposal drops a proposal's series.
func (l *votedLane) deleteProposal(proposal uint64) {
	l.c.mu.Lock()
	defer l.c.mu.Unlock()
	delete(l.props, proposal)
}

// value is a ballot's exported value and whether it has a series.
func (l *votedLane) value(neuron, proposal uint64) (float64, bool) {
	l.c.mu.Lock()
	defer l.c.mu.Unlock()
	p, i, ok := l.ballot(proposal, neuron)
	if !ok || p.state[i] == ballotNoSeries {
		return 0, false
	}
	if p.state[i] == ballotVoted {
		return 1, true
	}
	return 0, true
}

// ballot finds a ballot's state; callers hold c.mu.
func (l *votedLane) ballot(proposal, neuron uint64) (*votedProposal, int, bool) {
	p := l.props[proposal]
	i, ok := l.slot[neuron]
	if p == nil || !ok || i >= len(p.state) {
		return nil, 0, false
	}
	return p, i, true
}
