package metrics

import (
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/votebot/votebot/agent"
	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/rewards"
)

// Metrics are votebot's Prometheus metrics on a private registry. Names are
// a contract with deploy/prometheus rules: do not rename.
type Metrics struct {
	Registry *prometheus.Registry

	BuildInfo     *prometheus.GaugeVec
	Deadline      *prometheus.GaugeVec
	NeuronVoted   *VotedCollector
	VotesCast     *prometheus.CounterVec
	VotesMissed   *prometheus.CounterVec
	LastPoll      prometheus.Gauge
	EndpointUp    *prometheus.GaugeVec
	Firing        *prometheus.GaugeVec
	APIRequests   *prometheus.CounterVec
	APIDuration   *prometheus.HistogramVec
	DecodeDropped *prometheus.CounterVec
	// The agent's adaptive concurrency per endpoint and client (see
	// Client): the daemon runs a signed and an anonymous client, each with
	// its own limiter per endpoint.
	APIInFlight         *prometheus.GaugeVec
	APIConcurrencyLimit *prometheus.GaugeVec
	APIRateLimited      *prometheus.CounterVec
	ClockSkew           prometheus.Gauge
	ConfigReloadOK      prometheus.Gauge
	ConfigReloadAt      prometheus.Gauge

	// neurons serves participation, refresh time and voting power.
	neurons *neuronCollector

	mu      sync.Mutex
	aliases map[uint64]string
	open    map[uint64]string // proposal id → topic label of published series
}

// NewMetrics registers every metric on a new private registry.
func NewMetrics(version, commit string) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		BuildInfo: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "votebot_build_info",
			Help: "Build information; always 1."}, []string{"version", "commit", "goversion"}),
		Deadline: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "votebot_proposal_deadline_timestamp_seconds",
			Help: "Voting deadline of each open proposal."}, []string{"proposal_id", "topic"}),
		VotesCast: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "votebot_votes_cast_total",
			Help: "Votes sent by the bot and accepted, by source (rule, fallback, override, following)."},
			[]string{"neuron", "topic", "vote", "source"}),
		VotesMissed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "votebot_votes_missed_total",
			Help: "Confirmed missed votes (rebuilt from the store at start)."}, []string{"neuron", "topic"}),
		LastPoll: prometheus.NewGauge(prometheus.GaugeOpts{Name: "votebot_last_successful_poll_timestamp_seconds",
			Help: "When the last poll of open proposals succeeded."}),
		EndpointUp: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "votebot_endpoint_up",
			Help: "1 if the IC API endpoint is in use, 0 while it is skipped after failures."}, []string{"endpoint"}),
		Firing: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "votebot_alerts_firing",
			Help: "Alerts currently firing, by kind."}, []string{"kind"}),
		APIRequests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "votebot_api_requests_total",
			Help: "IC API calls by endpoint, method and outcome."}, []string{"endpoint", "method", "outcome"}),
		APIDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "votebot_api_request_duration_seconds",
			Help: "IC API call latency.", Buckets: prometheus.ExponentialBuckets(0.01, 2.5, 9)},
			[]string{"endpoint", "method"}),
		DecodeDropped: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "votebot_decode_values_dropped_total",
			Help: "Reply values decoded as null by the Candid opt rule (a variant newer than votebot), by method and Go type."},
			[]string{"method", "type"}),
		APIInFlight: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "votebot_api_in_flight",
			Help: "IC API calls in flight, by endpoint, client (signed, anonymous) and kind (query, update)."},
			[]string{"endpoint", "client", "kind"}),
		APIConcurrencyLimit: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "votebot_api_concurrency_limit",
			Help: "The adaptive limit of calls in flight (grows while latency holds, halves on 429/503/timeouts), by endpoint, client and kind."},
			[]string{"endpoint", "client", "kind"}),
		APIRateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "votebot_api_rate_limited_total",
			Help: "IC API answers HTTP 429 Too Many Requests (the boundary node's rate limit), by endpoint and client."},
			[]string{"endpoint", "client"}),
		ClockSkew: prometheus.NewGauge(prometheus.GaugeOpts{Name: "votebot_clock_skew_seconds",
			Help: "The IC's certified time minus the local clock, from the newest certificate."}),
		ConfigReloadOK: prometheus.NewGauge(prometheus.GaugeOpts{Name: "votebot_config_last_reload_successful",
			Help: "1 if the last configuration (re)load succeeded."}),
		ConfigReloadAt: prometheus.NewGauge(prometheus.GaugeOpts{Name: "votebot_config_last_reload_success_timestamp_seconds",
			Help: "When the configuration was last loaded successfully."}),
		// Labelled {neuron}; participation {neuron, window}.
		neurons: newNeuronCollector(
			textFamily{"votebot_neuron_deciding_voting_power", "Deciding voting power of the neuron."},
			textFamily{"votebot_neuron_potential_voting_power", "Potential voting power of the neuron."},
			textFamily{"votebot_neuron_voting_power_refreshed_timestamp_seconds",
				"When the neuron's voting power was last refreshed."},
			textFamily{"votebot_reward_weighted_participation_ratio",
				"Reward-weighted participation per neuron and window (0..1)."}),
		aliases: map[uint64]string{},
		open:    map[uint64]string{},
	}
	// Served from a compact map at scrape time, not a GaugeVec: one series
	// per open proposal × neuron would be 50,000 children at 1,000 neurons.
	// Neither it nor m.neurons is registered: /metrics writes them
	// directly (text.go); both are Collectors for tests.
	m.NeuronVoted = newVotedCollector("votebot_neuron_voted",
		"1 if the neuron's ballot on the open proposal is filled, 0 if empty.", m.alias)
	m.Registry.MustRegister(m.BuildInfo, m.Deadline, m.VotesCast, m.VotesMissed,
		m.LastPoll, m.EndpointUp,
		m.Firing, m.APIRequests, m.DecodeDropped, m.APIInFlight, m.APIConcurrencyLimit, m.APIRateLimited, m.ClockSkew, m.APIDuration, m.ConfigReloadOK, m.ConfigReloadAt,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.BuildInfo.WithLabelValues(version, commit, runtime.Version()).Set(1)
	m.ConfigReloadOK.Set(1)
	for _, k := range alert.Kinds() {
		m.Firing.WithLabelValues(string(k)).Set(0)
	}
	return m
}

// ObserveAPI records one API call; agent/'s Observer calls it.
func (m *Metrics) ObserveAPI(endpoint, method, outcome string, d time.Duration) {
	m.APIRequests.WithLabelValues(endpoint, method, outcome).Inc()
	m.APIDuration.WithLabelValues(endpoint, method).Observe(d.Seconds())
}

// Metrics is the daemon's agent.Observer (agent/ has no exporter of its own).
var (
	_ agent.Observer           = (*Metrics)(nil)
	_ agent.DecodeDropObserver = (*Metrics)(nil)
	_ bot.Metrics              = (*Metrics)(nil)
)

// ObserveCall implements agent.Observer.
func (m *Metrics) ObserveCall(endpoint, method, outcome string, d time.Duration) {
	m.ObserveAPI(endpoint, method, outcome, d)
}

// CountStoreWriteErrors exports votebot_store_write_errors_total, read from
// the store's own count at scrape time.
func (m *Metrics) CountStoreWriteErrors(count func() uint64) {
	m.Registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "votebot_store_write_errors_total",
		Help: "Writes to the state database that failed for a storage reason (disk full, I/O error, file gone)."},
		func() float64 { return float64(count()) }))
}

// ObserveDecodeDropped implements agent.DecodeDropObserver.
func (m *Metrics) ObserveDecodeDropped(method, goType, _ string) {
	m.DecodeDropped.WithLabelValues(method, goType).Inc()
}

// ClockSkewMeasured implements bot.Metrics.
func (m *Metrics) ClockSkewMeasured(skew time.Duration) { m.ClockSkew.Set(skew.Seconds()) }

// ObserveEndpoint implements agent.Observer.
func (m *Metrics) ObserveEndpoint(endpoint string, up bool) { m.SetEndpointUp(endpoint, up) }

// SetEndpointUp records an endpoint's health.
func (m *Metrics) SetEndpointUp(endpoint string, up bool) {
	v := 0.0
	if up {
		v = 1
	}
	m.EndpointUp.WithLabelValues(endpoint).Set(v)
}

// ConfigReloaded records the outcome of a (re)load.
func (m *Metrics) ConfigReloaded(ok bool, at time.Time) {
	if ok {
		m.ConfigReloadOK.Set(1)
		m.ConfigReloadAt.Set(float64(at.Unix()))
		return
	}
	m.ConfigReloadOK.Set(0)
}

// SetNeurons implements bot.Metrics: the aliases the series are labelled with.
func (m *Metrics) SetNeurons(ns []bot.NeuronConfig) {
	m.mu.Lock()
	defer m.mu.Unlock()
	for _, n := range ns {
		m.aliases[n.ID] = n.Alias
	}
}

func (m *Metrics) alias(id uint64) string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.aliases[id]
}

// NeuronPower implements bot.Metrics.
func (m *Metrics) NeuronPower(neuron, deciding, potential uint64) {
	m.neurons.setPower(neuron, deciding, potential)
}

// NeuronRefreshed implements bot.Metrics.
func (m *Metrics) NeuronRefreshed(neuron uint64, at time.Time) {
	m.neurons.setRefreshed(neuron, at.Unix())
}

// Participation implements bot.Metrics.
func (m *Metrics) Participation(neuron uint64, window string, ratio float64) {
	m.neurons.setParticipation(neuron, window, ratio)
}

// RebuildMissed implements bot.Metrics.
func (m *Metrics) RebuildMissed(missed []rewards.MissedCount) {
	m.VotesMissed.Reset()
	for _, mc := range missed {
		m.VotesMissed.WithLabelValues(itoa(mc.Neuron), mc.Topic.String()).Add(float64(mc.Count))
	}
}

// VoteMissed implements bot.Metrics.
func (m *Metrics) VoteMissed(neuron uint64, topic nns.Topic) {
	m.VotesMissed.WithLabelValues(itoa(neuron), topic.String()).Inc()
}

// VoteCast implements bot.Metrics.
func (m *Metrics) VoteCast(neuron uint64, topic nns.Topic, vote nns.Vote, source string) {
	m.VotesCast.WithLabelValues(itoa(neuron), topic.String(), strings.ToLower(vote.String()), source).Inc()
}

// AlertsFiring implements bot.Metrics.
func (m *Metrics) AlertsFiring(counts map[alert.Kind]int) {
	for _, k := range alert.Kinds() {
		m.Firing.WithLabelValues(string(k)).Set(float64(counts[k]))
	}
}

// PollSucceeded implements bot.Metrics.
func (m *Metrics) PollSucceeded(at time.Time) { m.LastPoll.Set(float64(at.Unix())) }

// OpenBallot implements bot.Metrics.
func (m *Metrics) OpenBallot(p *policy.Proposal, neuron uint64, voted, omit bool) {
	pid, topic := itoa(p.ID), p.Topic.String()
	m.mu.Lock()
	old, known := m.open[p.ID]
	m.open[p.ID] = topic
	m.mu.Unlock()
	// Not under m.mu: the collector takes m.mu (for aliases) under its own lock.
	if known && old != topic {
		m.Deadline.DeletePartialMatch(prometheus.Labels{"proposal_id": pid})
		m.NeuronVoted.deleteProposal(p.ID)
	}
	m.Deadline.WithLabelValues(pid, topic).Set(float64(p.Deadline.Unix()))
	if omit {
		m.NeuronVoted.remove(p.ID, neuron)
		return
	}
	m.NeuronVoted.set(p.ID, topic, neuron, voted)
}

// ProposalSettled implements bot.Metrics: a settled proposal's series go
// (no unbounded labels).
func (m *Metrics) ProposalSettled(proposal uint64) {
	m.Deadline.DeletePartialMatch(prometheus.Labels{"proposal_id": itoa(proposal)})
	m.NeuronVoted.deleteProposal(proposal)
	m.mu.Lock()
	delete(m.open, proposal)
	m.mu.Unlock()
}

func itoa(v uint64) string { return strconv.FormatUint(v, 10) }
