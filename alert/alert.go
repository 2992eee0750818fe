// Package alert tells a person when something stands between a neuron and its vote: the alert
// kinds, the channels that deliver them (webhook, Slack, Discord, Telegram, PagerDuty, email), the
// escaping that keeps text written by strangers (proposal titles and summaries) from pinging a whole
// channel or injecting markup, and a Manager that deduplicates, reminds and resolves across restarts.
package alert

import (
	"context"
	"fmt"
	"strconv"
	"time"
)

// Kind names what an alert is about. Its value is stable: it is part of the dedup key, stored in
// the database and sent to PagerDuty as the event class.
type Kind string

// The alert kinds votebot raises.
const (
	KindProposalAtRisk       Kind = "proposal_at_risk"       // unvoted, deadline within a threshold
	KindVoteMissed           Kind = "vote_missed"            // deadline passed, confirmed unvoted
	KindManualDecisionNeeded Kind = "manual_decision_needed" // a rule says "ask me"
	KindVoteRefused          Kind = "vote_refused"           // the canister refused the vote
	KindFollowingDrift       Kind = "following_drift"        // actual following differs from policy
	KindRefreshDue           Kind = "refresh_due"            // voting power refresh coming due
	KindRefreshFailed        Kind = "refresh_failed"         // refresh voting power did not take
	KindNeuronCannotVote     Kind = "neuron_cannot_vote"     // dissolve delay below the minimum
	KindHotkeyMissing        Kind = "hotkey_missing"         // our identity is no longer a hotkey
	KindNeuronNotFound       Kind = "neuron_not_found"       // no neuron has the configured id
	KindAllEndpointsDown     Kind = "all_endpoints_down"     // no API endpoint reachable
	KindPollStale            Kind = "poll_stale"             // no successful poll for N intervals
	KindConfigInvalid        Kind = "config_invalid"         // a reload found an invalid config; the old one stays
	KindNeuronDissolving     Kind = "neuron_dissolving"      // dissolve delay will drop below the minimum
	KindStartFailed          Kind = "start_failed"           // votebot could not start: it votes nothing
	KindUnknownProposalType  Kind = "unknown_proposal_type"  // a proposal of an action or topic newer than votebot
	KindClockSkew            Kind = "clock_skew"             // the local clock is off the IC's certified time
	KindStoreUnwritable      Kind = "store_unwritable"       // the state database cannot be written
	KindVoteUnconfirmed      Kind = "vote_unconfirmed"       // voting ended while votebot could not see the ballot
	KindRewardsLow           Kind = "rewards_low"            // a reward event paid < 99 % of what participation predicts
	KindOverridesUnreadable  Kind = "overrides_unreadable"   // the stored manual decisions cannot be read
	KindFolloweeUnreliable   Kind = "followee_unreliable"    // a followee's silence made the fallback vote too often
	KindTest                 Kind = "test"                   // votebot doctor --send-test: does the channel answer
	KindStandbyTookOver      Kind = "standby_took_over"      // the standby voted a ballot the primary left empty
	KindPolicyMismatch       Kind = "policy_mismatch"        // the standby would have voted otherwise than the chain shows
	KindSNSDiscoveryFailed   Kind = "sns_discovery_failed"   // sns.discover could not list the SNSes: only the configured DAOs are voted
)

// Kinds lists every kind in a stable order.
func Kinds() []Kind {
	return []Kind{KindProposalAtRisk, KindVoteMissed, KindManualDecisionNeeded, KindVoteRefused,
		KindFollowingDrift, KindRefreshDue, KindRefreshFailed, KindNeuronCannotVote,
		KindHotkeyMissing, KindNeuronNotFound, KindAllEndpointsDown, KindPollStale, KindConfigInvalid, KindNeuronDissolving,
		KindStartFailed, KindUnknownProposalType, KindClockSkew, KindStoreUnwritable, KindVoteUnconfirmed, KindRewardsLow,
		KindOverridesUnreadable, KindTest, KindStandbyTookOver, KindPolicyMismatch, KindFolloweeUnreliable,
		KindSNSDiscoveryFailed}
}

type kindInfo struct {
	severity Severity
	label    string // human name, used in headlines
	event    bool   // a one-off event: sent once, never reminded nor resolved
}

var kindInfos = map[Kind]kindInfo{
	KindProposalAtRisk:       {SeverityWarning, "Unvoted proposal soon", false},
	KindVoteMissed:           {SeverityCritical, "Vote missed", true},
	KindManualDecisionNeeded: {SeverityWarning, "Manual decision needed", false},
	KindVoteRefused:          {SeverityCritical, "Vote refused", false},
	KindFollowingDrift:       {SeverityWarning, "Following drift", false},
	KindRefreshDue:           {SeverityInfo, "Voting power refresh due", false},
	KindRefreshFailed:        {SeverityCritical, "Voting power refresh failed", false},
	KindNeuronCannotVote:     {SeverityWarning, "Neuron cannot vote", false},
	KindHotkeyMissing:        {SeverityCritical, "Hotkey missing", false},
	// A typo in the config, or a neuron disbursed or merged: none of its ballots is voted.
	KindNeuronNotFound:      {SeverityCritical, "Neuron not found", false},
	KindAllEndpointsDown:    {SeverityCritical, "All endpoints down", false},
	KindPollStale:           {SeverityCritical, "Poll stale", false},
	KindConfigInvalid:       {SeverityWarning, "Configuration invalid", false},
	KindNeuronDissolving:    {SeverityWarning, "Neuron dissolving", false},
	KindStartFailed:         {SeverityCritical, "votebot could not start", false},
	KindUnknownProposalType: {SeverityWarning, "Proposal type unknown to votebot", true},
	KindClockSkew:           {SeverityWarning, "Clock skew", false},
	// Votes go on and alerts are kept in memory, but a restart would forget and re-send: a
	// full disk or a deleted database needs a person.
	KindStoreUnwritable: {SeverityCritical, "State store unwritable", false},
	KindVoteUnconfirmed: {SeverityWarning, "Vote not confirmed", true},
	KindRewardsLow:      {SeverityWarning, "Rewards lower than predicted", true},
	// A vote against the operator's stored word cannot be taken back.
	KindOverridesUnreadable: {SeverityCritical, "Stored decisions unreadable", false},
	KindTest:                {SeverityInfo, "Test notification", true},
	// The ballot is filled: a person needs to know the primary is not voting, not to act on it.
	KindStandbyTookOver: {SeverityWarning, "Standby took over", true},
	// The vote cannot be taken back: the two configurations must be brought together.
	KindPolicyMismatch: {SeverityWarning, "Primary and standby policies disagree", true},
	// An event keyed by followee, topic and week: at most one message a week each.
	KindFolloweeUnreliable: {SeverityWarning, "Followee unreliable", true},
	// The DAOs it would have found are not voted until a reload or restart finds them.
	KindSNSDiscoveryFailed: {SeverityWarning, "SNS discovery failed", false},
}

// Known reports whether k is one of the kinds above.
func (k Kind) Known() bool { _, ok := kindInfos[k]; return ok }

// DefaultSeverity is the severity an alert of this kind gets when it names none.
func (k Kind) DefaultSeverity() Severity {
	if info, ok := kindInfos[k]; ok {
		return info.severity
	}
	return SeverityWarning
}

// Label is the human name of the kind ("Vote missed").
func (k Kind) Label() string {
	if info, ok := kindInfos[k]; ok {
		return info.label
	}
	return string(k)
}

// IsEvent reports whether the kind is a one-off event (vote missed): delivered once per key, with
// neither reminders nor a resolved message.
func (k Kind) IsEvent() bool { return kindInfos[k].event }

// Severity orders alerts for routing: a channel receives alerts at or above its minimum.
type Severity int

// Severities, least to most urgent.
const (
	SeverityInfo Severity = iota + 1
	SeverityWarning
	SeverityCritical
)

func (s Severity) String() string {
	switch s {
	case SeverityInfo:
		return "info"
	case SeverityWarning:
		return "warning"
	case SeverityCritical:
		return "critical"
	}
	return "severity(" + strconv.Itoa(int(s)) + ")"
}

// ParseSeverity reads "info", "warning" or "critical".
func ParseSeverity(s string) (Severity, error) {
	switch s {
	case "info":
		return SeverityInfo, nil
	case "warning", "warn":
		return SeverityWarning, nil
	case "critical", "crit":
		return SeverityCritical, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want info, warning or critical)", s)
}

// Alert is one notification. Title, Summary and Topic come from proposals and are written by
// strangers: every channel escapes and bounds them. Text is the bot's own explanation.
type Alert struct {
	Key         string    // stable dedup key, see KeyFor; filled by the Manager when empty
	Kind        Kind      // what it is about
	Severity    Severity  // routing; zero means Kind.DefaultSeverity()
	Neuron      uint64    // 0 when not about one neuron
	NeuronAlias string    // the operator's name for the neuron, from config
	ProposalID  uint64    // 0 when not about one proposal
	Topic       string    // proposal topic name
	Title       string    // proposal title (untrusted)
	Summary     string    // proposal summary or other detail (untrusted)
	Deadline    time.Time // voting deadline; zero when none. Re-read every cycle.
	Text        string    // what happened and what to do, written by the bot
	Headline    string    // the bot's one-line headline for its log and progress output; channels build their own
	Instance    string    // which votebot instance sent it; filled by the Manager
	Governance  string    // the DAO the proposal or neuron belongs to; empty: the NNS
	SNSRoot     string    // the DAO's root canister id, for the proposal's links; empty for the NNS
	Resolved    bool      // true on the "condition cleared" message
	Reminder    int       // 0 on the first message, n on the n-th reminder; filled by the Manager
	At          time.Time // when the condition was seen; filled by the Manager
}

// KeyFor is the stable dedup key of an alert about (kind, neuron, proposal): the same condition
// keeps the same key however its deadline or text change, so it is never alerted twice as new.
// It doubles as the PagerDuty dedup_key.
func KeyFor(kind Kind, neuron, proposal uint64) string {
	return fmt.Sprintf("votebot/%s/%d/%d", kind, neuron, proposal)
}

// Key is the value that identifies one condition: kind, neuron and proposal. The loop keys its
// maps by it; its String is the dedup key stored and sent to PagerDuty. No key is ever parsed back
// from its string.
type Key struct {
	Kind Kind
	// Governance is the DAO the condition is in ("" for the NNS): an SNS's
	// proposal and neuron numbers repeat the NNS's.
	Governance string
	Neuron     uint64
	ProposalID uint64
}

// String is KeyFor of k, with the DAO before the kind for an SNS.
func (k Key) String() string {
	if k.Governance != "" {
		return fmt.Sprintf("votebot/%s/%s/%d/%d", k.Governance, k.Kind, k.Neuron, k.ProposalID)
	}
	return KeyFor(k.Kind, k.Neuron, k.ProposalID)
}

// ID is the alert's Key.
func (a Alert) ID() Key {
	return Key{Kind: a.Kind, Governance: a.Governance, Neuron: a.Neuron, ProposalID: a.ProposalID}
}

// GovernanceNNS is the governance an alert names when it names none.
const GovernanceNNS = "nns"

// GovernanceName is the governance the alert is about: its Governance, or the NNS.
func (a Alert) GovernanceName() string {
	if a.Governance == "" {
		return GovernanceNNS
	}
	return a.Governance
}

// TestNotification is what votebot doctor --send-test sends a channel, at severity sev so that
// the route's minimum lets it through.
func TestNotification(instance string, sev Severity, at time.Time) Alert {
	return Alert{Kind: KindTest, Severity: sev, Instance: instance, Key: KeyFor(KindTest, 0, 0), At: at,
		Headline: "votebot test notification",
		Text:     "votebot doctor --send-test: if you read this, the channel delivers votebot's alerts. Nothing to do."}
}

// SNSDiscoveryRetry says what is voted while sns.discover fails, and when
// it is tried again.
const SNSDiscoveryRetry = "The DAOs configured under sns.daos and the NNS are voted; an SNS only discovery would find " +
	"is not voted until discovery is retried, at the next reload (SIGHUP) or restart."

// SNSDiscoveryFailed is the alert that sns.discover could not list the
// SNSes (SNS-W, or an SNS it lists, did not answer): err says which.
func SNSDiscoveryFailed(err error) Alert {
	return Alert{Kind: KindSNSDiscoveryFailed, Severity: SeverityWarning, Headline: "SNS discovery failed",
		Text: fmt.Sprintf("sns.discover could not list the SNSes where the hotkey can vote: %v. %s", err, SNSDiscoveryRetry)}
}

// Resolvable reports whether the condition gets a "resolved" message when it clears: every kind
// but the one-off events.
func (a Alert) Resolvable() bool { return !a.Kind.IsEvent() }

// EffectiveSeverity is a.Severity, or the kind's default when unset.
func (a Alert) EffectiveSeverity() Severity {
	if a.Severity != 0 {
		return a.Severity
	}
	return a.Kind.DefaultSeverity()
}

// Notifier delivers an alert to one channel. Send must honour ctx and must not block longer than
// its own timeout.
type Notifier interface {
	Send(ctx context.Context, a Alert) error
}

// State is what the Manager remembers about one dedup key so that, after a restart, it neither
// sends again what was sent nor forgets what is still firing.
type State struct {
	Key        string
	Kind       Kind
	Neuron     uint64
	ProposalID uint64
	FirstFired time.Time // when the condition was first seen in this episode
	LastSent   time.Time // when a message for it was last handed to the channels; zero if never
	ResolvedAt time.Time // zero while the condition holds
	TimesSent  int       // messages sent in this episode (first + reminders)
	Deadline   time.Time // deadline named in the last message
	Severity   Severity  // highest severity sent in this episode; the resolved message goes where it went
	// Pending is set just before delivery and cleared after it. A state found Pending after a
	// crash counts as sent: votebot prefers a lost message (a reminder follows) to a duplicate.
	Pending bool
}

// ID is the state's Key.
func (s State) ID() Key { return Key{Kind: s.Kind, Neuron: s.Neuron, ProposalID: s.ProposalID} }

// Active reports whether the condition is still firing.
func (s State) Active() bool { return s.ResolvedAt.IsZero() }

// StateStore persists alert states. *store.Store implements it; MemoryState is an in-memory one.
type StateStore interface {
	// AlertState returns the state of key; ok is false when there is none.
	AlertState(ctx context.Context, key string) (st State, ok bool, err error)
	// PutAlertState creates or replaces the state of st.Key.
	PutAlertState(ctx context.Context, st State) error
	// ActiveAlertStates lists the states whose condition has not been resolved.
	ActiveAlertStates(ctx context.Context) ([]State, error)
}

// SummaryRunes is as much of a proposal summary as any channel shows: a caller that keeps
// summaries for alerts need keep no more.
const SummaryRunes = maxSummaryRunes
