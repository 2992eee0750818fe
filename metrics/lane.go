package metrics

import (
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/rewards"
	"github.com/votebot/votebot/sns"
)

// Lane is one governance's view of the shared metrics (the NNS, or one SNS
// DAO): the bot.Metrics of that governance's loop, labelling every series it
// publishes governance="<name>". Its neurons and proposals are numbered
// apart from the other lanes' (an SNS's proposal 12 is not the NNS's), so
// each lane keeps its own aliases and open proposals, and removes only its
// own series.
type Lane struct {
	m          *Metrics
	governance string
	sns        bool // neurons are SNS short ids, labelled in hex
	voted      *votedLane

	mu      sync.Mutex
	aliases map[uint64]string
	open    map[uint64]string // proposal id → topic label of published series
}

var (
	_ bot.Metrics         = (*Lane)(nil)
	_ bot.FolloweeMetrics = (*Lane)(nil)
)

// ForGovernance is the lane of the governance name: "" or "nns" is the NNS
// (m's own), any other name an SNS DAO's, whose neurons are labelled by
// sns.FormatShortID. The same name gives the same lane.
func (m *Metrics) ForGovernance(name string) *Lane {
	if name == "" {
		name = alert.GovernanceNNS
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if l := m.lanes[name]; l != nil {
		return l
	}
	l := &Lane{m: m, governance: name, sns: name != alert.GovernanceNNS,
		aliases: map[uint64]string{}, open: map[uint64]string{}}
	l.voted = m.NeuronVoted.lane(name, l.neuronLabel, l.alias)
	m.lanes[name] = l
	// A kind with nothing firing is 0, not absent: a rule can tell "none"
	// from "no data".
	for _, k := range alert.Kinds() {
		m.Firing.WithLabelValues(name, string(k)).Set(0)
	}
	return l
}

// Governance is the lane's governance label value.
func (l *Lane) Governance() string { return l.governance }

// neuronLabel is how the lane's neuron ids are shown: decimal for the NNS,
// the short id's 16 hex digits (the start of the real id) for an SNS.
func (l *Lane) neuronLabel(id uint64) string {
	if l.sns {
		return sns.FormatShortID(id)
	}
	return itoa(id)
}

// SetNeurons implements bot.Metrics: the aliases the series are labelled with.
func (l *Lane) SetNeurons(ns []bot.NeuronConfig) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, n := range ns {
		l.aliases[n.ID] = n.Alias
	}
}

func (l *Lane) alias(id uint64) string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.aliases[id]
}

func (l *Lane) neuronKey(id uint64) neuronKey { return neuronKey{l.governance, id} }

// NeuronPower implements bot.Metrics.
func (l *Lane) NeuronPower(neuron, deciding, potential uint64) {
	l.m.neurons.setPower(l.neuronKey(neuron), l.neuronLabel, deciding, potential)
}

// NeuronRefreshed implements bot.Metrics.
func (l *Lane) NeuronRefreshed(neuron uint64, at time.Time) {
	l.m.neurons.setRefreshed(l.neuronKey(neuron), l.neuronLabel, at.Unix())
}

// Participation implements bot.Metrics.
func (l *Lane) Participation(neuron uint64, window string, ratio float64) {
	l.m.neurons.setParticipation(l.neuronKey(neuron), l.neuronLabel, window, ratio)
}

// RebuildMissed implements bot.Metrics: the lane's counters, the other
// lanes' kept.
func (l *Lane) RebuildMissed(missed []rewards.MissedCount) {
	l.m.VotesMissed.DeletePartialMatch(prometheus.Labels{"governance": l.governance})
	for _, mc := range missed {
		l.m.VotesMissed.WithLabelValues(l.governance, l.neuronLabel(mc.Neuron), mc.TopicName()).Add(float64(mc.Count))
	}
}

// VoteMissed implements bot.Metrics.
func (l *Lane) VoteMissed(neuron uint64, topic string) {
	l.m.VotesMissed.WithLabelValues(l.governance, l.neuronLabel(neuron), topic).Inc()
}

// VoteCast implements bot.Metrics.
func (l *Lane) VoteCast(neuron uint64, topic string, vote nns.Vote, source string) {
	l.m.VotesCast.WithLabelValues(l.governance, l.neuronLabel(neuron), topic, strings.ToLower(vote.String()), source).Inc()
}

// AlertsFiring implements bot.Metrics: the lane's alerts by kind.
func (l *Lane) AlertsFiring(counts map[alert.Kind]int) {
	for _, k := range alert.Kinds() {
		l.m.Firing.WithLabelValues(l.governance, string(k)).Set(float64(counts[k]))
	}
}

// PollSucceeded implements bot.Metrics: each lane polls its own governance
// canister, so a DAO whose canister stops answering goes stale alone.
func (l *Lane) PollSucceeded(at time.Time) {
	l.m.LastPoll.WithLabelValues(l.governance).Set(float64(at.Unix()))
}

// ClockSkewMeasured implements bot.Metrics. The skew is the IC's time
// against the host's, whichever canister certified it: one process-wide
// gauge.
func (l *Lane) ClockSkewMeasured(skew time.Duration) { l.m.ClockSkew.Set(skew.Seconds()) }

// OpenBallot implements bot.Metrics.
func (l *Lane) OpenBallot(p *policy.Proposal, neuron uint64, voted, omit bool) {
	pid, topic := itoa(p.ID), p.TopicName()
	l.mu.Lock()
	old, known := l.open[p.ID]
	l.open[p.ID] = topic
	l.mu.Unlock()
	// Not under l.mu: the collector takes l.mu (for aliases) under its own lock.
	if known && old != topic {
		l.m.Deadline.DeletePartialMatch(prometheus.Labels{"governance": l.governance, "proposal_id": pid})
		l.voted.deleteProposal(p.ID)
	}
	l.m.Deadline.WithLabelValues(l.governance, pid, topic).Set(float64(p.Deadline.Unix()))
	if omit {
		l.voted.remove(p.ID, neuron)
		return
	}
	l.voted.set(p.ID, topic, neuron, voted)
}

// ProposalSettled implements bot.Metrics: a settled proposal's series go
// (no unbounded labels), the same-numbered proposal of another lane stays.
func (l *Lane) ProposalSettled(proposal uint64) {
	l.m.Deadline.DeletePartialMatch(prometheus.Labels{"governance": l.governance, "proposal_id": itoa(proposal)})
	l.voted.deleteProposal(proposal)
	l.mu.Lock()
	delete(l.open, proposal)
	l.mu.Unlock()
}

// Voted is the exported value of the lane's ballot and whether it has a series.
func (l *Lane) Voted(neuron, proposal uint64) (float64, bool) { return l.voted.value(neuron, proposal) }

// FolloweesChecked publishes the followees' records (bot.FolloweeMetrics):
// the series of a followee no longer followed go.
func (l *Lane) FolloweesChecked(recs []bot.FolloweeRecord) {
	match := prometheus.Labels{"governance": l.governance}
	l.m.FolloweeVoted.DeletePartialMatch(match)
	l.m.FolloweeFallbacks.DeletePartialMatch(match)
	for _, r := range recs {
		id := l.neuronLabel(r.Followee)
		l.m.FolloweeVoted.WithLabelValues(l.governance, id, r.TopicName).Set(r.Share)
		l.m.FolloweeFallbacks.WithLabelValues(l.governance, id, r.TopicName).Set(float64(r.Fallbacks))
	}
}
