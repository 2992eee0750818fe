package metrics

import (
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"

	"github.com/votebot/votebot/agent"
	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
)

// Metrics are votebot's Prometheus metrics on a private registry. Names are
// a contract with deploy/prometheus rules: do not rename.
//
// Every series about a neuron or a proposal has a governance label: "nns",
// or the DAO's name for an SNS lane, whose proposal and neuron numbers
// repeat the NNS's. Metrics itself is the NNS lane's bot.Metrics (through
// the embedded *Lane); ForGovernance is another lane's.
type Metrics struct {
	*Lane

	Registry *prometheus.Registry

	BuildInfo     *prometheus.GaugeVec
	Deadline      *prometheus.GaugeVec
	NeuronVoted   *VotedCollector
	VotesCast     *prometheus.CounterVec
	VotesMissed   *prometheus.CounterVec
	LastPoll      *prometheus.GaugeVec
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
	// PolicyFingerprint names the fingerprint of the policies in use and the ha role, so a
	// dashboard shows when a primary and its standby drifted apart.
	PolicyFingerprint *prometheus.GaugeVec
	// The followees' records over 30 days, by followee and topic (issue 24).
	FolloweeVoted     *prometheus.GaugeVec
	FolloweeFallbacks *prometheus.GaugeVec

	// neurons serves participation, refresh time and voting power.
	neurons *neuronCollector

	mu    sync.Mutex
	lanes map[string]*Lane // by governance label
}

// NewMetrics registers every metric on a new private registry.
func NewMetrics(version, commit string) *Metrics {
	m := &Metrics{
		Registry: prometheus.NewRegistry(),
		PolicyFingerprint: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "votebot_policy_fingerprint",
			Help: "The fingerprint of the policies and neurons in use, and the ha role; always 1."}, []string{"fingerprint", "role"}),
		BuildInfo: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "votebot_build_info",
			Help: "Build information; always 1."}, []string{"version", "commit", "goversion"}),
		Deadline: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "votebot_proposal_deadline_timestamp_seconds",
			Help: "Voting deadline of each open proposal."}, []string{"governance", "proposal_id", "topic"}),
		VotesCast: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "votebot_votes_cast_total",
			Help: "Votes sent by the bot and accepted, by source (rule, fallback, override, following)."},
			[]string{"governance", "neuron", "topic", "vote", "source"}),
		VotesMissed: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "votebot_votes_missed_total",
			Help: "Confirmed missed votes (rebuilt from the store at start)."}, []string{"governance", "neuron", "topic"}),
		LastPoll: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "votebot_last_successful_poll_timestamp_seconds",
			Help: "When the last poll of open proposals succeeded, by governance."}, []string{"governance"}),
		EndpointUp: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "votebot_endpoint_up",
			Help: "1 if the IC API endpoint is in use, 0 while it is skipped after failures."}, []string{"endpoint"}),
		Firing: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "votebot_alerts_firing",
			Help: "Alerts currently firing, by kind and governance."}, []string{"governance", "kind"}),
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
		FolloweeVoted: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "votebot_followee_voted_ratio",
			Help: "Share of the proposals a followee of a configured neuron voted on before the follower's ballot was settled, over 30 days, by followee and topic."},
			[]string{"governance", "followee", "topic"}),
		FolloweeFallbacks: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "votebot_followee_fallbacks",
			Help: "Ballots the fallback filled because the followee had not voted, over 30 days, by followee and topic."},
			[]string{"governance", "followee", "topic"}),
		// Labelled {governance, neuron}; participation {governance, neuron, window}.
		neurons: newNeuronCollector(
			textFamily{"votebot_neuron_deciding_voting_power", "Deciding voting power of the neuron."},
			textFamily{"votebot_neuron_potential_voting_power", "Potential voting power of the neuron."},
			textFamily{"votebot_neuron_voting_power_refreshed_timestamp_seconds",
				"When the neuron's voting power was last refreshed."},
			textFamily{"votebot_reward_weighted_participation_ratio",
				"Reward-weighted participation per neuron and window (0..1)."}),
		lanes: map[string]*Lane{},
	}
	// Served from a compact map at scrape time, not a GaugeVec: one series
	// per open proposal × neuron would be 50,000 children at 1,000 neurons.
	// Neither it nor m.neurons is registered: /metrics writes them
	// directly (text.go); both are Collectors for tests.
	m.NeuronVoted = newVotedCollector("votebot_neuron_voted",
		"1 if the neuron's ballot on the open proposal is filled, 0 if empty.")
	m.Registry.MustRegister(m.BuildInfo, m.Deadline, m.VotesCast, m.VotesMissed,
		m.LastPoll, m.EndpointUp,
		m.Firing, m.APIRequests, m.DecodeDropped, m.APIInFlight, m.APIConcurrencyLimit, m.APIRateLimited, m.ClockSkew, m.APIDuration, m.ConfigReloadOK, m.ConfigReloadAt, m.PolicyFingerprint,
		m.FolloweeVoted, m.FolloweeFallbacks,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.BuildInfo.WithLabelValues(version, commit, runtime.Version()).Set(1)
	m.ConfigReloadOK.Set(1)
	m.Lane = m.ForGovernance(alert.GovernanceNNS)
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

// ObserveEndpoint implements agent.Observer.
func (m *Metrics) ObserveEndpoint(endpoint string, up bool) { m.SetEndpointUp(endpoint, up) }

// SetPolicyFingerprint publishes the fingerprint and role in use (a reload replaces them).
func (m *Metrics) SetPolicyFingerprint(fingerprint, role string) {
	m.PolicyFingerprint.Reset()
	m.PolicyFingerprint.WithLabelValues(fingerprint, role).Set(1)
}

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

func itoa(v uint64) string { return strconv.FormatUint(v, 10) }

var _ bot.FolloweeMetrics = (*Metrics)(nil)
