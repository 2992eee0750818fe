package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/votebot/votebot/nns"
)

// VoteIntent is a vote the bot is about to send; it is written before the
// call so a crash between sending and recording is detected at restart.
type VoteIntent struct {
	Attempt  int64 // the store's id for this attempt
	Neuron   uint64
	Proposal uint64
	Vote     nns.Vote
	Reason   string
	Source   string
}

// VoteOutcome is how a vote attempt ended.
type VoteOutcome string

// Outcomes, as the store records them.
const (
	VoteSucceeded    VoteOutcome = "succeeded"
	VoteAlreadyVoted VoteOutcome = "already_voted"
	VoteRefused      VoteOutcome = "refused"
	VoteFailed       VoteOutcome = "failed"
	VoteAbandoned    VoteOutcome = "abandoned"
)

// Errors BeginVote returns instead of recording a second attempt.
var (
	// ErrBallotDone: a vote for this ballot already succeeded.
	ErrBallotDone = errors.New("ballot already voted")
	// ErrVoteInFlight: an attempt is pending (in flight, or interrupted by
	// a crash and not yet re-checked).
	ErrVoteInFlight = errors.New("vote in flight")
)

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

// MissedCount is the number of confirmed misses of a neuron on a topic.
type MissedCount struct {
	Neuron uint64
	Topic  nns.Topic
	Count  int64
}

// Store is the state the loop keeps across restarts.
type Store interface {
	// BeginVote records the intent to send before the call; it fails with
	// ErrBallotDone or ErrVoteInFlight rather than record a second attempt.
	BeginVote(ctx context.Context, v VoteIntent) (attempt int64, err error)
	FinishVote(ctx context.Context, attempt int64, outcome VoteOutcome, errText string) error
	// InFlightVotes lists attempts left pending (by a crash).
	InFlightVotes(ctx context.Context) ([]VoteIntent, error)
	RecordDryRun(ctx context.Context, v VoteIntent) error
	// RecordDecisions and RecordObservations write a batch atomically.
	RecordDecisions(ctx context.Context, ds []DecisionRecord) error
	RecordObservations(ctx context.Context, obs []Observation) error
	// SaveProposal remembers a proposal seen open, so it is checked for a
	// miss after its deadline even across restarts.
	SaveProposal(ctx context.Context, p Proposal) error
	// UnsettledProposals are saved proposals not yet marked settled.
	UnsettledProposals(ctx context.Context) ([]Proposal, error)
	// MarkSettled records that voting ended and every ballot was classified.
	MarkSettled(ctx context.Context, p Proposal) error
	Overrides(ctx context.Context) ([]Override, error)
	PutOverride(ctx context.Context, o Override) error
	MissedVotes(ctx context.Context) ([]MissedCount, error)
}

// AlertKind names an alert; it is part of the dedup key.
type AlertKind string

const (
	AlertAtRisk          AlertKind = "proposal_at_risk"
	AlertMissed          AlertKind = "vote_missed"
	AlertManual          AlertKind = "manual_decision_needed"
	AlertRefused         AlertKind = "vote_refused"
	AlertFollowingDrift  AlertKind = "following_drift"
	AlertRefreshDue      AlertKind = "refresh_due"
	AlertRefreshFailed   AlertKind = "refresh_failed"
	AlertCannotVote      AlertKind = "neuron_cannot_vote"
	AlertHotkeyMissing   AlertKind = "hotkey_missing"
	AlertEndpointsDown   AlertKind = "all_endpoints_down"
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
	// Title is the bot's one-line headline (logs, progress output).
	Title string
	// Text is the bot's explanation: what happened, what to do.
	Text     string
	Deadline time.Time // zero when none
	// Filled by the loop from what it knows: the neuron's alias, the
	// proposal's topic and (untrusted) title and summary.
	NeuronAlias     string
	Topic           string
	ProposalTitle   string
	ProposalSummary string
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
