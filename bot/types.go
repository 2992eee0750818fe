// Package bot is votebot's control loop: it polls open NNS proposals, asks
// the policy what each controlled neuron should do, votes at the right time,
// keeps following and voting power in order, raises alerts and publishes
// metrics. Fetching is kept apart from the pure decision functions
// (plan*, classify*) so the loop is testable on synthetic input.
package bot

import (
	"context"
	"time"

	"github.com/votebot/votebot/nns"
)

// Proposal is the part of a ProposalInfo the loop needs.
type Proposal struct {
	ID           uint64
	Topic        nns.Topic
	Status       nns.ProposalStatus
	RewardStatus nns.RewardStatus
	Title        string
	Summary      string
	URL          string
	Action       string // e.g. "Motion", "ExecuteNnsFunction"
	NNSFunction  int32
	Proposer     uint64
	ProposerName string // known-neuron name of the proposer, if any
	Tally        Tally
	// TotalPotentialVP prices a missed vote (0 when unknown).
	TotalPotentialVP uint64
	Created          time.Time
	Deadline         time.Time
	// Ballots holds the ballots of the caller's neurons only (the query is
	// signed by the bot identity). A neuron absent here has no ballot.
	Ballots Ballots
	// FolloweeVotes are votes of followees on this proposal, where the
	// loop could learn them (their recent ballots); nil when unknown.
	FolloweeVotes map[uint64]nns.Vote
}

// Tally is a proposal's latest tally (e8s of voting power).
type Tally struct{ Yes, No, Total uint64 }

// Ballot is one neuron's ballot on a proposal.
type Ballot struct {
	Vote        nns.Vote
	VotingPower uint64
}

// Neuron is the part of a full neuron the loop needs.
type Neuron struct {
	ID uint64
	// Authorized is true when the bot identity is the neuron's controller or
	// one of its hotkeys (the full neuron was readable).
	Authorized    bool
	Controller    string
	HotKeys       []string
	DissolveDelay time.Duration
	// DissolvesAt is when a dissolving neuron is dissolved (zero when not
	// dissolving or unknown).
	DissolvesAt time.Time
	State       nns.NeuronState
	Followees   map[nns.Topic][]uint64
	// RecentBallots maps proposal id to the neuron's vote (newest ≤100).
	RecentBallots        map[uint64]nns.Vote
	VotingPowerRefreshed time.Time
	DecidingVotingPower  uint64
	PotentialVotingPower uint64
}

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
	OpenProposals(ctx context.Context) ([]Proposal, error)
	// Proposal re-reads one proposal (nil, nil when it is unknown).
	Proposal(ctx context.Context, id uint64) (*Proposal, error)
	// Neurons reads the full neurons with the given ids.
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

// DecisionKind is what the policy says to do with one ballot.
type DecisionKind int

const (
	// DecideNothing: never vote (skip, or nothing applies).
	DecideNothing DecisionKind = iota
	// DecideVote: vote Vote at At (now if At is zero or past).
	DecideVote
	// DecideWait: nothing yet; look again at At (e.g. followees may vote,
	// a human may answer; the fallback acts at the margin).
	DecideWait
)

func (k DecisionKind) String() string {
	switch k {
	case DecideVote:
		return "vote"
	case DecideWait:
		return "wait"
	default:
		return "nothing"
	}
}

// Decision is the policy's answer for one proposal × neuron.
type Decision struct {
	Kind   DecisionKind
	Vote   nns.Vote
	At     time.Time
	Reason string
	// Source is why the vote is cast: "rule", "fallback", "override".
	Source string
	// Rule is the deciding rule's name, if any.
	Rule string
	// Manual is true when a human is asked to decide (alerted once).
	Manual bool
	// Skip is a deliberate abstention: no alert, not counted at risk.
	Skip bool
	// NoFallback: a wait after which nothing will vote (fallback none):
	// the ballot is at risk once the deadline is near.
	NoFallback bool
}

// Decider is the policy engine as the loop uses it. Implementations are pure.
type Decider interface {
	Decide(p Proposal, n Neuron, override *Override, now time.Time) Decision
	// FollowingChanges compares the policy's following for a neuron with
	// the on-chain one (names resolved with known) and returns the topics
	// to set, plus warnings (e.g. a catch-all that leaves Governance
	// unfollowed). Empty changes: nothing to do or not managed.
	FollowingChanges(neuron uint64, actual map[nns.Topic][]uint64, known map[string]uint64) (map[nns.Topic][]uint64, []string)
}

// Override is a human's stored decision (votebot vote).
type Override struct {
	Proposal uint64
	Neuron   uint64 // 0 = every neuron
	Vote     nns.Vote
}

// NeuronConfig is a controlled neuron.
type NeuronConfig struct {
	ID    uint64
	Alias string
}
