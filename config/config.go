// Package config reads votebot's configuration file: YAML, every key
// overridable by a VOTEBOT_* environment variable (via viper), decoded
// strictly — unknown keys, wrong types and impossible values are errors that
// name the key path and the file line, and Load reports all of them at once.
package config

import (
	"time"

	"github.com/votebot/votebot/policy"
)

// Defaults. The listener binds to localhost unless configured otherwise.
const (
	DefaultListen          = "127.0.0.1:9464"
	DefaultConsoleListen   = "127.0.0.1:9465"
	DefaultPollInterval    = 60 * time.Second
	DefaultRefreshWhenLeft = 30 * 24 * time.Hour
	DefaultRetention       = 400 * 24 * time.Hour
	DefaultStorePath       = "/var/lib/votebot/votebot.db"
	DefaultInstance        = "votebot"
	DefaultAtRiskBefore    = 24 * time.Hour
	// DefaultFolloweeFallbacks: more than this many fallbacks in 30 days
	// because of one followee on one topic is followee_unreliable.
	DefaultFolloweeFallbacks = 2
	DefaultReminderInterval  = 4 * time.Hour
	DefaultPolicyName        = "default"
)

// Config is a loaded and validated configuration.
type Config struct {
	// File is the path the configuration was read from.
	File string
	// Instance names this votebot in alerts (several instances may run).
	Instance string
	// DryRun decides and reports but never votes or changes following.
	DryRun   bool
	Network  Network
	Identity Identity
	Neurons  []Neuron
	// Policies by name, compiled; every Neuron.Policy is a key here.
	Policies map[string]*policy.Policy
	Alerts   Alerts
	Store    Store
	// Listen is the metrics/health address (default 127.0.0.1:9464).
	Listen       string
	PollInterval time.Duration
	Refresh      Refresh
	// Console is the operator console; nil when the file has no console
	// section (then none is served).
	Console *Console
	// HA is this instance's role beside another on a second host.
	HA HA
	// SNS names the SNS DAOs whose neurons are voted too (config/sns.go).
	SNS SNS

	src   source  // where each key was written, for Warnings
	keyAt Problem // where the identity's key is set, for CheckFiles
	// written are the policies as the file writes them, for Document.
	written map[string]policySpec
	// envNames are the VOTEBOT_* variables that override a key of this file.
	envNames map[string]bool
}

// Network selects the IC: mainnet (pinned root key) or explicit URLs.
type Network struct {
	Mainnet bool
	// URLs are API endpoints tried in order (failover).
	URLs []string `yaml:"urls"`
	// RootKey is the hex DER root key, or "fetch" to ask the endpoint
	// (devnet only; never on mainnet).
	RootKey string `yaml:"root_key"`
	// MaxConcurrency bounds the calls in flight to each endpoint (and the
	// votes the loop sends at once); the agent adapts its limit below it,
	// halving on 429. 0: the agent's default (agent.DefaultMaxConcurrency).
	// At 2 s per certified call, N in flight is at most N/2 votes a second.
	MaxConcurrency int `yaml:"max_concurrency"`
}

// MaxConcurrencyLimit is the largest network.max_concurrency accepted: a
// boundary node refuses a client far below it anyway.
const MaxConcurrencyLimit = 1024

// FetchRootKey reports whether the root key is to be fetched from the
// endpoint (a devnet).
func (n Network) FetchRootKey() bool { return n.RootKey == "fetch" }

// Identity is the hotkey the bot signs with: a PEM file, or a systemd
// credential name (read from $CREDENTIALS_DIRECTORY).
type Identity struct {
	PEMFile    string `yaml:"pem_file"`
	Credential string `yaml:"credential"`
	// AllowInsecureKeyFile accepts a key file readable by group or others.
	AllowInsecureKeyFile bool `yaml:"allow_insecure_key_file"`
}

// Neuron is one neuron the bot votes for.
type Neuron struct {
	ID     uint64 `yaml:"id"`
	Alias  string `yaml:"alias"`
	Policy string `yaml:"policy"` // default "default"
}

// Name is the alias, or the id when there is none.
func (n Neuron) Name() string {
	if n.Alias != "" {
		return n.Alias
	}
	return formatID(n.ID)
}

// Alerts holds the channels and when to alert.
type Alerts struct {
	// Channels by name.
	Channels   map[string]Channel `yaml:"channels"`
	Thresholds Thresholds         `yaml:"thresholds"`
}

// Thresholds say when an unvoted proposal is at risk and how often to remind.
type Thresholds struct {
	// AtRiskBefore: an empty ballot this close to the deadline alerts.
	AtRiskBefore time.Duration `yaml:"at_risk_before"`
	// ReminderInterval: repeat while it stays unvoted.
	ReminderInterval time.Duration `yaml:"reminder_interval"`
	// FolloweeFallbacks: followee_unreliable fires when the fallback filled
	// more than this many ballots in 30 days because a followee was silent.
	FolloweeFallbacks int `yaml:"followee_fallbacks"`
}

// Channel types.
const (
	ChannelWebhook   = "webhook"
	ChannelSlack     = "slack"
	ChannelDiscord   = "discord"
	ChannelTelegram  = "telegram"
	ChannelPagerDuty = "pagerduty"
	ChannelEmail     = "email"
	// ChannelAlertmanager posts to every member of an Alertmanager cluster, which
	// de-duplicates the alerts of a primary and its standby into one notification.
	ChannelAlertmanager = "alertmanager"
)

// Severities, lowest first.
const (
	SeverityInfo     = "info"
	SeverityWarning  = "warning"
	SeverityCritical = "critical"
)

// Channel is one alert destination. Which fields apply depends on Type.
type Channel struct {
	Name string `yaml:"-"`
	Type string `yaml:"type"`
	// URL: webhook, slack, discord (incoming-webhook URLs carry a token);
	// pagerduty (optional, Events API v2 endpoint).
	URL Secret `yaml:"url"`
	// URLs: alertmanager, one per cluster member (e.g. http://127.0.0.1:9093).
	URLs []string `yaml:"urls"`
	// Token and ChatID: telegram.
	Token  Secret `yaml:"token"`
	ChatID string `yaml:"chat_id"`
	// Decisions: telegram only; when set, manual-decision alerts carry
	// Yes / No buttons and the daemon records presses of the allowed users.
	Decisions *Decisions `yaml:"decisions"`
	// RoutingKey: pagerduty.
	RoutingKey Secret `yaml:"routing_key"`
	// SMTP: email.
	SMTP SMTP `yaml:"smtp"`
	// MinSeverity: info, warning or critical (default info; critical for
	// pagerduty, so that routine notices page nobody).
	MinSeverity string `yaml:"min_severity"`
}

// Decisions configures decisions from a Telegram chat.
type Decisions struct {
	// AllowedUserIDs are the Telegram user ids whose presses count: in a
	// group chat anyone may press a button.
	AllowedUserIDs []int64 `yaml:"allowed_user_ids"`
}

// Console is the operator console: its own listener, so the metrics port
// can be opened to Prometheus without exposing decisions.
type Console struct {
	// Listen is the console's address (default 127.0.0.1:9465).
	Listen string `yaml:"listen"`
	// TokenFile holds the login token; empty: the systemd credential
	// console-token, and without it the console is read-only.
	TokenFile string `yaml:"token_file"`
	// BehindTLSProxy marks the session cookie Secure on plain HTTP: a
	// reverse proxy terminates TLS in front of the console.
	BehindTLSProxy bool `yaml:"behind_tls_proxy"`
	// AllowedHosts are host names a request may name besides localhost and
	// IP addresses (the name a reverse proxy serves the console under).
	AllowedHosts []string `yaml:"allowed_hosts"`
}

// SMTP is an email channel's server and envelope.
type SMTP struct {
	Host         string   `yaml:"host"`
	Port         int      `yaml:"port"`
	User         string   `yaml:"user"`
	PasswordFile string   `yaml:"password_file"`
	From         string   `yaml:"from"`
	To           []string `yaml:"to"`
	// Security is the transport: starttls (default, required), tls
	// (implicit TLS, port 465 by default) or none (a trusted local relay).
	Security string `yaml:"security"`
}

// Store is the local state database.
type Store struct {
	Path string `yaml:"path"`
	// Retention is how long decisions, observations and resolved alert
	// states are kept (default 400 days: a year of reports and more).
	Retention time.Duration `yaml:"retention"`
}

// Refresh is when to refresh voting power (periodic confirmation).
type Refresh struct {
	// WhenLeft: refresh when less than this remains before voting power
	// starts to decay (default 30 days).
	WhenLeft time.Duration `yaml:"when_left"`
}

// fileConfig is the file's shape; policies stay as written until compiled.
type fileConfig struct {
	Instance     string                `yaml:"instance"`
	DryRun       bool                  `yaml:"dry_run"`
	Network      Network               `yaml:"network"`
	Identity     Identity              `yaml:"identity"`
	Neurons      []Neuron              `yaml:"neurons"`
	Policies     map[string]policySpec `yaml:"policies"`
	Alerts       Alerts                `yaml:"alerts"`
	Store        Store                 `yaml:"store"`
	Listen       string                `yaml:"listen"`
	PollInterval time.Duration         `yaml:"poll_interval"`
	Refresh      Refresh               `yaml:"refresh"`
	Console      *Console              `yaml:"console"`
	HA           HA                    `yaml:"ha"`
	SNS          *snsSpec              `yaml:"sns"`
}

type policySpec struct {
	VoteDelay      *time.Duration      `yaml:"vote_delay"`
	DeadlineMargin *time.Duration      `yaml:"deadline_margin"`
	Fallback       string              `yaml:"fallback"`
	Default        string              `yaml:"default"`
	Following      map[string][]string `yaml:"following"`
	Rules          []ruleSpec          `yaml:"rules"`
}

type ruleSpec struct {
	Name           string         `yaml:"name"`
	Match          matchSpec      `yaml:"match"`
	Vote           string         `yaml:"vote"`
	VoteDelay      *time.Duration `yaml:"vote_delay"`
	DeadlineMargin *time.Duration `yaml:"deadline_margin"`
	Fallback       string         `yaml:"fallback"`
}

type matchSpec struct {
	Topics       []string `yaml:"topics"`
	Actions      []string `yaml:"actions"`
	NnsFunctions []int32  `yaml:"nns_functions"`
	Proposers    []string `yaml:"proposers"`
	Title        string   `yaml:"title"`
	Summary      string   `yaml:"summary"`
	Proposals    []uint64 `yaml:"proposals"`
	// SNS conditions (policy.Match): never met by an NNS proposal.
	SNSTopics    []string `yaml:"sns_topics"`
	Functions    []uint64 `yaml:"functions"`
	SNSActions   []string `yaml:"sns_actions"`
	SNSProposers []string `yaml:"sns_proposers"`
}

func defaults() fileConfig {
	return fileConfig{
		Instance:     DefaultInstance,
		Network:      Network{Mainnet: true},
		Listen:       DefaultListen,
		PollInterval: DefaultPollInterval,
		Store:        Store{Path: DefaultStorePath, Retention: DefaultRetention},
		Refresh:      Refresh{WhenLeft: DefaultRefreshWhenLeft},
		Alerts: Alerts{Thresholds: Thresholds{AtRiskBefore: DefaultAtRiskBefore,
			ReminderInterval: DefaultReminderInterval, FolloweeFallbacks: DefaultFolloweeFallbacks}},
	}
}
