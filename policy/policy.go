// Package policy turns a neuron holder's written-down voting stance into
// decisions: for one proposal and one neuron, vote Yes or No now, vote
// later, wait (for followees or a human) until a time, or do nothing — and
// say why. It is pure: no network, no storage, no clock of its own.
//
// A Policy is an ordered list of Rules (first match wins) plus Timing.
// Decide evaluates one (proposal, neuron) pair; the bot calls it on every
// poll, so a deadline moved by wait-for-quiet is picked up automatically.
package policy

import (
	"regexp"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/sns"
)

// Outcome is what a rule tells the bot to do with a matching proposal.
type Outcome int

const (
	// OutcomeFollow lets the neuron's NNS following fill the ballot; the
	// bot acts only as fallback at the deadline margin.
	OutcomeFollow Outcome = iota
	// OutcomeVote casts Rule.Vote (Yes or No), not before VoteDelay.
	OutcomeVote
	// OutcomeManual alerts a human, who decides with `votebot vote`;
	// fallback at the deadline margin if nobody does.
	OutcomeManual
	// OutcomeSkip never votes and never alerts: a deliberate abstention.
	OutcomeSkip
)

var outcomeNames = []string{"follow", "vote", "manual", "skip"}

func (o Outcome) String() string {
	if o >= 0 && int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return "Outcome(?)"
}

// Fallback is what the bot votes at the deadline margin when the ballot is
// still empty (followees silent, human silent).
type Fallback int

const (
	// FallbackWithFollowees votes as the majority of the followees that have
	// voted; with none (or a tie) it degrades to FallbackWithMajority, so it
	// always casts a vote. It is the default.
	FallbackWithFollowees Fallback = iota
	// FallbackWithMajority votes with the current tally: Yes if yes > no,
	// otherwise No (mirrors the NNS rule that a tie does not adopt).
	FallbackWithMajority
	// FallbackYes votes Yes.
	FallbackYes
	// FallbackNo votes No.
	FallbackNo
	// FallbackNone leaves the ballot empty (and loses the reward).
	FallbackNone
)

var fallbackNames = []string{"with_followees", "with_majority", "yes", "no", "none"}

func (f Fallback) String() string {
	if f >= 0 && int(f) < len(fallbackNames) {
		return fallbackNames[f]
	}
	return "Fallback(?)"
}

// ParseFallback accepts the configuration spelling of a Fallback.
func ParseFallback(s string) (Fallback, error) {
	return parseEnum[Fallback](s, fallbackNames, "fallback")
}

// Timing says when the bot may act.
type Timing struct {
	// VoteDelay: rule votes (OutcomeVote) are cast no earlier than
	// Created+VoteDelay, a window for a human to override. It never pushes a
	// vote past the deadline margin.
	VoteDelay time.Duration
	// DeadlineMargin: at Deadline-DeadlineMargin the fallback acts. Zero
	// means DefaultDeadlineMargin (so the zero Timing is the default one).
	DeadlineMargin time.Duration
	// Fallback applies to follow and manual outcomes at the margin.
	Fallback Fallback
}

// Defaults, chosen so that with them no eligible ballot is left empty at the
// deadline unless a rule said skip: every outcome but skip ends in a vote
// at the latest at Deadline-DefaultDeadlineMargin.
const (
	DefaultVoteDelay      = 0
	DefaultDeadlineMargin = 2 * time.Hour
	DefaultFallback       = FallbackWithFollowees
)

// DefaultTiming returns the default Timing.
func DefaultTiming() Timing {
	return Timing{VoteDelay: DefaultVoteDelay, DeadlineMargin: DefaultDeadlineMargin, Fallback: DefaultFallback}
}

// Policy is one named voting stance, shared by any number of neurons.
type Policy struct {
	Name string
	// Rules are tried in order; the first that matches decides.
	Rules []Rule
	// Default is the outcome when no rule matches (default OutcomeFollow).
	// DefaultVote is its vote when Default is OutcomeVote.
	Default     Outcome
	DefaultVote nns.Vote
	Timing      Timing
	// Following is the wanted NNS following, by topic (TopicUnspecified is
	// the catch-all). Topics absent from the map are not managed.
	Following map[nns.Topic][]Followee
}

// Rule is one line of a policy: a match and what to do.
type Rule struct {
	// Name appears in every decision's reason.
	Name    string
	Match   Match
	Outcome Outcome
	// Vote is Yes or No when Outcome is OutcomeVote.
	Vote nns.Vote
	// Timing, when non-nil, replaces the policy's timing for this rule.
	Timing *Timing
}

// Match selects proposals. Every non-empty field must match (AND); within a
// list any element may match (OR). The zero Match matches every proposal.
//
// Topics, Actions, NnsFunctions, Proposers and ProposerNames are NNS
// conditions: they never match an SNS proposal. SNSTopics, Functions,
// SNSActions and SNSProposers are SNS conditions: they never match an NNS
// proposal. Title, Summary and ProposalIDs apply to both.
type Match struct {
	Topics       []nns.Topic
	Actions      []ActionKind
	NnsFunctions []int32 // only with ExecuteNnsFunction
	// Proposers are neuron ids; ProposerNames are known-neuron names,
	// compared case-insensitively with Proposal.ProposerName.
	Proposers     []uint64
	ProposerNames []string
	Title         *regexp.Regexp
	Summary       *regexp.Regexp
	ProposalIDs   []uint64

	// SNSTopics match SNSProposal.Topic.
	SNSTopics []sns.TopicID
	// Functions match SNSProposal.FunctionID: native 1-999 (sns.Function*),
	// a DAO's own ≥ 1000 (so a rule with them is written for one DAO).
	Functions []uint64
	// SNSActions match SNSProposal.ActionName, a native action's name
	// (SNSActionKinds); a DAO's own functions are matched by Functions.
	SNSActions []ActionKind
	// SNSProposers are neuron ids in lower-case hex (64 digits), matched
	// with SNSProposal.Proposer.
	SNSProposers []string
}

// Followee is one wanted followee: an id, or a known-neuron name resolved
// at run time (list_known_neurons).
type Followee struct {
	ID   uint64
	Name string // set instead of ID for a known-neuron name
}

// Neuron is the policy's view of one neuron for one proposal.
type Neuron struct {
	ID uint64
	// HasBallot is false when the neuron got no ballot (not eligible).
	HasBallot bool
	// Ballot is its vote so far; VoteUnspecified means still empty.
	Ballot nns.Vote
	// Followees are the neuron's followees per topic as on chain
	// (TopicUnspecified = catch-all).
	Followees map[nns.Topic][]uint64
	// SNSFollowees are an SNS neuron's followees per SNS topic as on chain
	// (sns.TopicUnspecified = catch-all), by short id (sns.ShortID).
	SNSFollowees map[sns.TopicID][]uint64
	// FolloweeVotes are the votes of followees on this proposal, where
	// known; absent means not voted or unknown.
	FolloweeVotes map[uint64]nns.Vote
}

// Override is a stored human decision (`votebot vote PROPOSAL yes|no
// [--neuron N]`). It wins over every rule.
type Override struct {
	ProposalID uint64
	NeuronID   uint64 // 0: every neuron
	Vote       nns.Vote
	Note       string    // who/when, for the reason
	SetAt      time.Time // when it was stored (zero: unknown)
}

// Input is everything Decide looks at.
type Input struct {
	Proposal  Proposal
	Neuron    Neuron
	Policy    *Policy
	Overrides []Override
	Now       time.Time
	// Takeover is set on a standby instance: the primary is expected to fill each ballot by
	// its deadline margin, and the standby votes only a ballot still empty Takeover after it.
	Takeover time.Duration
}

// Action is what the bot should do now.
type Action int

const (
	// ActionNothing: nothing to do, now or later (already voted, no ballot,
	// deadline passed, skip, or fallback none).
	ActionNothing Action = iota
	// ActionVoteNow: cast Decision.Vote now.
	ActionVoteNow
	// ActionVoteAt: cast Decision.Vote at Decision.At (vote delay).
	ActionVoteAt
	// ActionWait: wait for followees or a human; re-decide at Decision.At,
	// when the fallback acts.
	ActionWait
)

var actionNames = []string{"nothing", "vote-now", "vote-at", "wait"}

func (a Action) String() string {
	if a >= 0 && int(a) < len(actionNames) {
		return actionNames[a]
	}
	return "Action(?)"
}

// Decision is Decide's answer.
type Decision struct {
	Action Action
	// Vote is the vote to cast (VoteNow, VoteAt) or, for Wait, the planned
	// fallback when it is already known (yes/no); else VoteUnspecified.
	Vote nns.Vote
	// At is when to vote (VoteAt) or when the fallback acts (Wait).
	At time.Time
	// Rule is the deciding rule's name ("" for overrides and defaults).
	Rule string
	// Reason is for people: the rule and what matched, or why nothing.
	Reason string
	// NeedsHuman: a manual rule is waiting for `votebot vote`.
	NeedsHuman bool
	// Skip: a rule said skip; do not alert about this ballot.
	Skip bool
	// Fallback: the vote comes from the fallback, not from a rule.
	Fallback bool
	// Override: the vote comes from a stored manual override.
	Override bool
	// NoFallback: a wait after which nothing will vote (fallback none), so
	// the ballot is at risk once the deadline is near.
	NoFallback bool
	// Margin is the deadline minus the rule's deadline margin: the moment
	// by which the ballot should be filled (zero for overrides and
	// proposals without a deadline). The loop sends the votes with the
	// least time left to it first.
	Margin time.Time
}

// Votes reports whether the decision casts a vote, now or at At.
func (d Decision) Votes() bool { return d.Action == ActionVoteNow || d.Action == ActionVoteAt }

// Source says where a vote comes from: "override", "fallback" or "rule"
// (a rule or the policy default). It is stored beside the rule's name.
func (d Decision) Source() string {
	switch {
	case d.Override:
		return "override"
	case d.Fallback:
		return "fallback"
	}
	return "rule"
}

// Verb is the decision in one word, as the audit log and plan show it:
// "vote", "wait", "ask" (a person is asked), "skip" or "nothing".
func (d Decision) Verb() string {
	switch {
	case d.Skip:
		return "skip"
	case d.NeedsHuman && !d.Votes():
		return "ask"
	case d.Votes():
		return "vote"
	case d.Action == ActionWait:
		return "wait"
	}
	return "nothing"
}
