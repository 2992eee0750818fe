// Package bot is votebot's control loop: it polls open NNS proposals, asks
// the policy what each controlled neuron should do, votes at the right time,
// keeps following and voting power in order, raises alerts and publishes
// metrics. Fetching is kept apart from the pure decision functions
// (plan*, classify*) so the loop is testable on synthetic input.
package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/rewards"
	"github.com/votebot/votebot/sns"
)

// Neuron is the part of a full neuron the loop needs.
type Neuron struct {
	ID uint64
	// Authorized is true when the bot identity is the neuron's controller or
	// one of its hotkeys (the full neuron was readable).
	Authorized bool
	// NotFound is true when the governance canister says no neuron has
	// this id (a typo, or a neuron disbursed or merged); Authorized is
	// false then and nothing else is known.
	NotFound      bool
	Controller    string
	HotKeys       []string
	DissolveDelay time.Duration
	// DissolveUnknown: the neuron's dissolve state could not be decoded
	// (a kind newer than votebot); DissolveDelay and State mean nothing.
	DissolveUnknown bool
	// DissolvesAt is when a dissolving neuron is dissolved (zero when not
	// dissolving or unknown).
	DissolvesAt time.Time
	State       nns.NeuronState
	Followees   map[nns.Topic][]uint64
	// SNSFollowees are an SNS neuron's followees per SNS topic
	// (sns.TopicUnspecified = catch-all), by short id (sns.ShortID).
	SNSFollowees map[sns.TopicID][]uint64
	// RecentBallots maps proposal id to the neuron's vote (newest ≤100).
	RecentBallots        map[uint64]nns.Vote
	VotingPowerRefreshed time.Time
	DecidingVotingPower  uint64
	PotentialVotingPower uint64
	// Maturity is maturity_e8s_equivalent and staked_maturity_e8s_equivalent,
	// for the reward audit (bot/audit.go).
	Maturity rewards.Maturity
}

// ErrNoRecentBallots is what a Governance's RecentBallots wraps when its
// neurons keep no recent ballots (an SNS): not a failure to warn of on
// every pass, only nothing to learn there.
var ErrNoRecentBallots = errors.New("this governance keeps no recent ballots")

// Economics are the network parameters the loop reads at run time.
type Economics struct {
	StartReducingVotingPowerAfter time.Duration
	ClearFollowingAfter           time.Duration
	MinimumDissolveDelayToVote    time.Duration
}

// Governance is what the loop needs from the NNS governance client.
// Implementations are signed by the bot identity.
type Governance interface {
	// OpenProposals returns every proposal whose reward status is
	// AcceptVotes, with the caller's ballots.
	OpenProposals(ctx context.Context) ([]policy.Proposal, error)
	// Proposal re-reads one proposal (nil, nil when it is unknown).
	Proposal(ctx context.Context, id uint64) (*policy.Proposal, error)
	// Neurons reads the full neurons with the given ids. A neuron the
	// identity may not read is left out; one the canister says does not
	// exist comes back with only ID and NotFound set.
	Neurons(ctx context.Context, ids []uint64) (map[uint64]Neuron, error)
	Economics(ctx context.Context) (Economics, error)
	// KnownNeurons maps known-neuron names to ids.
	KnownNeurons(ctx context.Context) (map[string]uint64, error)
	// RegisterVote returns an error; IsAlreadyVoted and IsRefused classify it.
	RegisterVote(ctx context.Context, neuron, proposal uint64, vote nns.Vote) error
	SetFollowing(ctx context.Context, neuron uint64, following map[nns.Topic][]uint64) error
	RefreshVotingPower(ctx context.Context, neuron uint64) error
	// RecentBallots are a neuron's public recent ballots (a followee's
	// votes, for the with_followees fallback): proposal id → vote.
	RecentBallots(ctx context.Context, neuron uint64) (map[uint64]nns.Vote, error)
	// Principal is the bot identity's principal text.
	Principal() string
	// ClockSkew is the IC's certified time minus the local clock, once
	// measured (ok false before).
	ClockSkew() (skew time.Duration, ok bool)
}

// ErrorClassifier tells the loop what a client error means.
type ErrorClassifier interface {
	// AlreadyVoted: the ballot was filled (by following or earlier vote).
	AlreadyVoted(err error) bool
	// Refused: the canister refused the command; do not retry blindly.
	Refused(err error) bool
	// AllEndpointsDown: no API endpoint answered.
	AllEndpointsDown(err error) bool
}

// Decider is the policy engine as the loop uses it. Implementations are pure.
type Decider interface {
	Decide(p policy.Proposal, n Neuron, overrides []policy.Override, now time.Time) policy.Decision
	// FollowingChanges compares the policy's following for a neuron with
	// the on-chain one (names resolved with known) and returns the topics
	// to set, plus warnings (e.g. a catch-all that leaves Governance
	// unfollowed). Empty changes: nothing to do or not managed.
	FollowingChanges(neuron uint64, actual map[nns.Topic][]uint64, known map[string]uint64) (map[nns.Topic][]uint64, []string)
	// RuleVote is the vote the neuron's rules cast on p by themselves (see
	// policy.RuleVote); ok false when following, a fallback, a person or
	// an override would decide it. A standby compares it with the chain.
	RuleVote(p policy.Proposal, neuron uint64) (vote nns.Vote, rule string, ok bool)
}

// NeuronConfig is a controlled neuron.
//
// In an SNS lane (Deps.Governance set) ID is the neuron's sns.ShortID and
// SNSID its whole id in hex: the loop, the store and the metrics key SNS
// neurons by the short id within their DAO.
type NeuronConfig struct {
	ID    uint64 `json:"id"`
	Alias string `json:"alias,omitempty"`
	SNSID string `json:"sns_id,omitempty"`
}

// Label names the neuron where a person reads it: "main (1001)", or the id
// alone when it has no alias; an SNS neuron by its short id's 16 hex digits.
func (nc NeuronConfig) Label() string {
	id := fmt.Sprint(nc.ID)
	if nc.SNSID != "" {
		id = sns.FormatShortID(nc.ID)
	}
	if nc.Alias != "" {
		return fmt.Sprintf("%s (%s)", nc.Alias, id)
	}
	return id
}

// BallotOutcome is what the loop knows of a neuron's ballot on a proposal.
// It is recorded as a rewards.Observation: see observation.
type BallotOutcome string

const (
	BallotNone      BallotOutcome = "none"      // no ballot: not eligible
	BallotEmpty     BallotOutcome = "empty"     // open, not voted yet
	BallotDirect    BallotOutcome = "direct"    // voted by the bot
	BallotFollowing BallotOutcome = "following" // filled by following / someone else
	BallotMissed    BallotOutcome = "missed"    // deadline passed, confirmed empty
	BallotUnknown   BallotOutcome = "unknown"   // could not be read: never "missed"
)
