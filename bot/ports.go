package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/votebot/votebot/nns"
)

// VoteIntent is a vote the bot is about to send; it is written before the
// call so a crash between sending and recording is detected at restart.
type VoteIntent struct {
	Neuron   uint64
	Proposal uint64
	Topic    nns.Topic
	Vote     nns.Vote
	Reason   string
	Source   string
	// Outcome is empty while in flight, then "voted", "already_voted",
	// "refused: ...", "failed: ...", "dry_run".
	Outcome string
}

// DecisionRecord is a decision as stored for the audit trail.
type DecisionRecord struct {
	Neuron   uint64
	Proposal uint64
	Decision Decision
	At       time.Time
}

// BallotOutcome is what is known of a neuron's ballot on a proposal.
type BallotOutcome string

const (
	BallotNone      BallotOutcome = "none"      // no ballot: not eligible
	BallotEmpty     BallotOutcome = "empty"     // open, not voted yet
	BallotDirect    BallotOutcome = "direct"    // voted by the bot
	BallotFollowing BallotOutcome = "following" // filled by following / someone else
	BallotMissed    BallotOutcome = "missed"    // deadline passed, confirmed empty
	BallotUnknown   BallotOutcome = "unknown"   // could not be read: never "missed"
)

// Observation is one participation fact for rewards/.
type Observation struct {
	Neuron       uint64
	Proposal     uint64
	Topic        nns.Topic
	RewardStatus nns.RewardStatus
	Outcome      BallotOutcome
	Vote         nns.Vote
	VotingPower  uint64
	Created      time.Time
	Deadline     time.Time
	ObservedAt   time.Time
}

// MissedVote is a stored confirmed miss.
type MissedVote struct {
	Neuron   uint64
	Proposal uint64
	Topic    nns.Topic
}

// Store is the state the loop keeps across restarts.
type Store interface {
	// BeginVote records the intent to send. If an intent for the same
	// ballot already exists it is returned and nothing is written.
	BeginVote(ctx context.Context, v VoteIntent) (existing *VoteIntent, err error)
	FinishVote(ctx context.Context, neuron, proposal uint64, outcome string) error
	RecordDecision(ctx context.Context, d DecisionRecord) error
	RecordObservation(ctx context.Context, o Observation) error
	// SaveProposal remembers a proposal seen open, so it is checked for a
	// miss after its deadline even across restarts.
	SaveProposal(ctx context.Context, p Proposal) error
	// UnsettledProposals are saved proposals not yet marked settled.
	UnsettledProposals(ctx context.Context) ([]Proposal, error)
	MarkSettled(ctx context.Context, proposal uint64) error
	Overrides(ctx context.Context) ([]Override, error)
	PutOverride(ctx context.Context, o Override) error
	MissedVotes(ctx context.Context) ([]MissedVote, error)
	Meta(ctx context.Context, key string) (string, error)
	SetMeta(ctx context.Context, key, value string) error
}

// AlertKind names an alert; it is part of the dedup key.
type AlertKind string

const (
	AlertAtRisk          AlertKind = "at_risk"
	AlertMissed          AlertKind = "missed"
	AlertManual          AlertKind = "manual_decision"
	AlertRefused         AlertKind = "vote_refused"
	AlertFollowingDrift  AlertKind = "following_drift"
	AlertRefreshDue      AlertKind = "refresh_due"
	AlertRefreshFailed   AlertKind = "refresh_failed"
	AlertCannotVote      AlertKind = "cannot_vote"
	AlertHotkeyMissing   AlertKind = "hotkey_missing"
	AlertEndpointsDown   AlertKind = "endpoints_down"
	AlertPollStale       AlertKind = "poll_stale"
	AlertConfigInvalid   AlertKind = "config_invalid"
	AlertNeuronDissolves AlertKind = "neuron_dissolving"
)

// AllAlertKinds lists every kind, so the firing gauge has a series for each.
var AllAlertKinds = []AlertKind{AlertAtRisk, AlertMissed, AlertManual, AlertRefused,
	AlertFollowingDrift, AlertRefreshDue, AlertRefreshFailed, AlertCannotVote, AlertHotkeyMissing,
	AlertEndpointsDown, AlertPollStale, AlertConfigInvalid, AlertNeuronDissolves}

// Severity routes an alert to channels.
type Severity string

const (
	SeverityInfo     Severity = "info"
	SeverityWarning  Severity = "warning"
	SeverityCritical Severity = "critical"
)

// Alert is one condition the bot tells a person about.
type Alert struct {
	Kind     AlertKind
	Severity Severity
	Neuron   uint64 // 0 when not about one neuron
	Proposal uint64 // 0 when not about one proposal
	Title    string
	Text     string
	Deadline time.Time // zero when none
	// Resolvable alerts get a "resolved" message when the condition clears;
	// a missed vote is final.
	Resolvable bool
}

// Key is the stable dedup key: kind, neuron, proposal. A moved deadline
// keeps the same key.
func (a Alert) Key() string { return fmt.Sprintf("%s/%d/%d", a.Kind, a.Neuron, a.Proposal) }

// Alerter delivers alerts; it deduplicates by key, reminds, and sends the
// resolution. Fire for an already-firing key must not deliver again.
type Alerter interface {
	Fire(ctx context.Context, a Alert) error
	Resolve(ctx context.Context, key string) error
}
