package bot

import (
	"context"
	"errors"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/rewards"
)

// The loop's consumer interfaces. They speak the project's one type per
// concept: policy.Proposal, policy.Decision and policy.Override,
// rewards.Observation, alert.Alert. The implementations are the packages
// that own the outside world (store/, alert/'s Manager, metrics/, and
// daemon/'s adapter over agent/). Of those, bot/ imports only alert/, for
// the alert types it raises (Alert, Kind, Key, State): never a channel or
// the Manager, and nothing of store/, metrics/, agent/ or daemon/.

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

// Outcomes, as the store records them. Pending is an attempt recorded
// before sending whose result is not known yet; one still pending at
// start-up was interrupted by a crash and is re-checked.
const (
	VotePending      VoteOutcome = "pending"       // intent recorded, result unknown
	VoteSucceeded    VoteOutcome = "succeeded"     // the canister accepted it (or the ballot was found filled)
	VoteAlreadyVoted VoteOutcome = "already_voted" // filled before this vote, not by votebot; the text says with what
	VoteRefused      VoteOutcome = "refused"       // refused for another reason: alerted, not retried blindly
	VoteFailed       VoteOutcome = "failed"        // transient failure; retried
	VoteAbandoned    VoteOutcome = "abandoned"     // interrupted, ballot re-checked and still empty; may be retried
	VoteDryRun       VoteOutcome = "dry_run"       // "would vote": nothing was sent
)

// Done reports an outcome after which the ballot is filled.
func (o VoteOutcome) Done() bool { return o == VoteSucceeded || o == VoteAlreadyVoted }

// Valid reports whether o is one of the outcomes above.
func (o VoteOutcome) Valid() bool {
	switch o {
	case VotePending, VoteSucceeded, VoteAlreadyVoted, VoteRefused, VoteFailed, VoteAbandoned, VoteDryRun:
		return true
	}
	return false
}

// Errors BeginVote returns instead of recording a second attempt.
var (
	// ErrBallotDone: a vote for this ballot already succeeded.
	ErrBallotDone = errors.New("ballot already voted")
	// ErrVoteInFlight: an attempt is pending (in flight, or interrupted by
	// a crash and not yet re-checked).
	ErrVoteInFlight = errors.New("vote in flight")
)

// DecisionRecord is a decision as the audit trail keeps it: the rule's
// name, the source and the reason all come from the one policy.Decision.
type DecisionRecord struct {
	Neuron   uint64
	Proposal uint64
	Decision policy.Decision
	At       time.Time
	// Input is what the policy decided on, kept so that a backtest can
	// replay it (nil when unknown). Its Policy is nil and its Overrides
	// empty: overrides are stored on their own.
	Input *policy.Input
}

// Store is the state the loop keeps across restarts; *store.Store
// implements it.
type Store interface {
	// BeginVote records the intent to send before the call; it fails with
	// ErrBallotDone or ErrVoteInFlight rather than record a second attempt.
	BeginVote(ctx context.Context, v VoteIntent) (attempt int64, err error)
	// FinishVote records how an attempt ended; text is the error of a
	// refused or failed attempt, or for VoteAlreadyVoted the vote the
	// ballot was found holding (read back from the chain).
	FinishVote(ctx context.Context, attempt int64, outcome VoteOutcome, errText string) error
	// InFlightVotes lists attempts left pending (by a crash).
	InFlightVotes(ctx context.Context) ([]VoteIntent, error)
	RecordDryRun(ctx context.Context, v VoteIntent) error
	// RecordDecisions and RecordObservations write a batch atomically.
	RecordDecisions(ctx context.Context, ds []DecisionRecord) error
	RecordObservations(ctx context.Context, obs []rewards.Observation) error
	// SaveProposal remembers a proposal seen open, so it is checked for a
	// miss after its deadline even across restarts.
	SaveProposal(ctx context.Context, p policy.Proposal) error
	// UnsettledProposals are saved proposals not yet marked settled.
	UnsettledProposals(ctx context.Context) ([]policy.Proposal, error)
	// MarkSettled records that voting ended and every ballot was classified.
	MarkSettled(ctx context.Context, p policy.Proposal) error
	Overrides(ctx context.Context) ([]policy.Override, error)
	MissedVotes(ctx context.Context) ([]rewards.MissedCount, error)
	// Heartbeat records the time of a successful poll; LastHeartbeat reads
	// it back in the next process, which so knows when ballots went unseen.
	Heartbeat(ctx context.Context, at time.Time) error
	LastHeartbeat(ctx context.Context) (time.Time, error)
	// Prune deletes decisions, observations, settled proposals and resolved
	// alert states older than before (store.retention).
	Prune(ctx context.Context, before time.Time) (int64, error)
}

// Alerter delivers alerts; it deduplicates by key, reminds, and sends the
// resolution. Fire for an already-firing key must not deliver again.
// *alert.Manager implements it.
type Alerter interface {
	Fire(ctx context.Context, a alert.Alert) (sent bool, err error)
	Resolve(ctx context.Context, a alert.Alert) (sent bool, err error)
	// Active lists what is still firing, from before a restart too.
	Active(ctx context.Context) ([]alert.State, error)
}

// Metrics is what the loop publishes; metrics.Metrics implements it, and
// a nil Deps.Metrics publishes nothing.
type Metrics interface {
	SetNeurons(ns []NeuronConfig)
	NeuronPower(neuron, deciding, potential uint64)
	NeuronRefreshed(neuron uint64, at time.Time)
	Participation(neuron uint64, window string, ratio float64)
	// RebuildMissed sets the missed-votes counters from the store at start.
	RebuildMissed(missed []rewards.MissedCount)
	// The topic is the proposal's topic name, of the NNS or of its SNS
	// (policy.Proposal.TopicName).
	VoteMissed(neuron uint64, topic string)
	VoteCast(neuron uint64, topic string, vote nns.Vote, source string)
	AlertsFiring(counts map[alert.Kind]int)
	PollSucceeded(at time.Time)
	// OpenBallot publishes an open proposal's deadline and a neuron's
	// ballot; omit removes the ballot's series instead.
	OpenBallot(p *policy.Proposal, neuron uint64, voted, omit bool)
	// ProposalSettled drops a settled proposal's series.
	ProposalSettled(proposal uint64)
	ClockSkewMeasured(skew time.Duration)
}

// noMetrics publishes nothing.
type noMetrics struct{}

func (noMetrics) SetNeurons([]NeuronConfig)                       {}
func (noMetrics) NeuronPower(uint64, uint64, uint64)              {}
func (noMetrics) NeuronRefreshed(uint64, time.Time)               {}
func (noMetrics) Participation(uint64, string, float64)           {}
func (noMetrics) RebuildMissed([]rewards.MissedCount)             {}
func (noMetrics) VoteMissed(uint64, string)                       {}
func (noMetrics) VoteCast(uint64, string, nns.Vote, string)       {}
func (noMetrics) AlertsFiring(map[alert.Kind]int)                 {}
func (noMetrics) PollSucceeded(time.Time)                         {}
func (noMetrics) OpenBallot(*policy.Proposal, uint64, bool, bool) {}
func (noMetrics) ProposalSettled(uint64)                          {}
func (noMetrics) ClockSkewMeasured(time.Duration)                 {}
