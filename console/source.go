package console

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
)

// Source is what the console reads and asks of the daemon. The daemon implements it over its
// latest pass (plans, neuron state, participation) and its override store. Every method must
// honour ctx and be safe for concurrent use: each page request calls it.
type Source interface {
	// Overview is the state of every configured neuron, the alerts firing and the endpoints.
	Overview(ctx context.Context) (Overview, error)
	// OpenProposals lists the open proposals with every neuron's plan, oldest deadline first.
	OpenProposals(ctx context.Context) ([]Proposal, error)
	// Proposal returns one proposal of the NNS (root "") or of the SNS whose root canister is
	// root, with every neuron's plan, or, once closed, what the daemon stored of it (Closed); an
	// error wrapping ErrNotFound when the daemon never saw it.
	Proposal(ctx context.Context, root string, id uint64) (Proposal, error)
	// History lists votes cast, misses and participation over time.
	History(ctx context.Context) (History, error)
	// Decide stores a human decision for proposal and neuron (0: every configured neuron) of
	// the NNS (root "") or of an SNS, in that governance's store, exactly as `votebot vote` does. It returns an error wrapping ErrProposalNotOpen when the
	// proposal is unknown or no longer open and ErrNeuronNotConfigured for a neuron that is not
	// configured; the console shows those to the operator as they are.
	Decide(ctx context.Context, root string, proposal, neuron uint64, vote nns.Vote) error
	// ClearOverride removes a stored decision for proposal and neuron (0: the one for every
	// neuron), as `votebot vote PROPOSAL --clear` does.
	ClearOverride(ctx context.Context, root string, proposal, neuron uint64) error
}

// The errors a Source returns that the console (and the Telegram decision path, which shares
// them) explains to the operator rather than reporting as failures.
var (
	ErrNotFound            = errors.New("not found")
	ErrProposalNotOpen     = alert.ErrProposalNotOpen
	ErrNeuronNotConfigured = alert.ErrNeuronNotConfigured
	ErrBallotCast          = alert.ErrBallotCast
)

// Filter narrows the open proposals.
type Filter struct {
	// Topic keeps one topic; TopicUnspecified keeps all.
	Topic nns.Topic
	// NeedsMe keeps proposals where some neuron waits for a human decision.
	NeedsMe bool
	// DAO keeps one governance: an SNS's root canister id, DAONNS for the NNS, "" for all.
	DAO string
}

// DAONNS is the DAO filter's value for the NNS's own proposals.
const DAONNS = "nns"

// Overview is the front page.
type Overview struct {
	Instance      string    // which votebot instance this is
	LastPoll      time.Time // last successful poll; zero before the first
	LastPollError string    // the last poll's error, "" when it succeeded
	Neurons       []Neuron
	Alerts        []alert.State // the conditions firing now
	Endpoints     []Endpoint
}

// Neuron is one configured neuron as the overview shows it.
type Neuron struct {
	ID    uint64
	Alias string
	// DAO is an SNS neuron's DAO (a stranger's name; "" for the NNS) and ShortID its id as shown:
	// its short id's 16 hex digits. An SNS has no voting power decay.
	DAO, ShortID string
	// Readable is false when the neuron could not be read (the numbers below are unknown).
	Readable             bool
	DecidingVotingPower  uint64 // e8s
	PotentialVotingPower uint64 // e8s
	// RewardPeriod and Last30Days count the ballots voted out of those the neuron had.
	RewardPeriod Participation
	Last30Days   Participation
	// DecayStarts is when its voting power starts to decay without a refresh (zero: unknown).
	DecayStarts time.Time
	// Warnings are the bot's own sentences: hotkey missing, dissolving below the minimum…
	Warnings []string
}

// IDText is the neuron's id as shown.
func (n Neuron) IDText() string {
	if n.ShortID != "" {
		return n.ShortID
	}
	return strconv.FormatUint(n.ID, 10)
}

// Participation is voted out of eligible ballots.
type Participation struct {
	Voted, Eligible int
}

// Endpoint is the health of one API endpoint.
type Endpoint struct {
	URL       string
	Up        bool
	LastError string
	LastOK    time.Time
}

// Proposal is one proposal with what the bot plans for each neuron.
type Proposal struct {
	ID uint64
	// Root is the SNS's root canister id and DAO its name; both "" for the NNS. Proposal ids
	// are each governance's own.
	Root, DAO string
	// SNSTopic is an SNS proposal's topic name (Topic is then unset).
	SNSTopic string
	Topic    nns.Topic
	Status   nns.ProposalStatus
	Title    string // untrusted
	Summary  string // untrusted
	URL      string // untrusted; shown, never made a link
	Action   string // e.g. "Motion"
	Created  time.Time
	Deadline time.Time
	Tally    Tally
	Ballots  []Ballot
	// Closed is true for a proposal whose voting ended: the page shows what the daemon stored
	// (title, topic, deadline, each ballot's outcome), without summary or tally.
	Closed bool
}

// TopicName is the topic as shown: the SNS's for an SNS proposal.
func (p Proposal) TopicName() string {
	if p.Root != "" {
		return p.SNSTopic
	}
	return p.Topic.String()
}

// Governance is the DAO's name, "NNS" for the NNS.
func (p Proposal) Governance() string {
	if p.Root == "" {
		return "NNS"
	}
	if p.DAO == "" {
		return p.Root
	}
	return p.DAO
}

// Path is the proposal's page: the NNS's at /proposal/ID, an SNS's under its root canister.
func (p Proposal) Path() string {
	id := strconv.FormatUint(p.ID, 10)
	if p.Root == "" {
		return "/proposal/" + id
	}
	return "/sns/" + p.Root + "/proposal/" + id
}

// NeedsHuman reports whether some neuron waits for a person's decision on p.
func (p Proposal) NeedsHuman() bool {
	for _, b := range p.Ballots {
		if b.NeedsHuman() {
			return true
		}
	}
	return false
}

// Tally is a proposal's latest tally in e8s of voting power; SNS marks an SNS's, whose
// voting power is not in ICP.
type Tally struct {
	Yes, No, Total uint64
	SNS            bool
}

// Ballot is the plan for one proposal × neuron, in the words of `votebot plan`.
type Ballot struct {
	Neuron uint64
	// ShortID is an SNS neuron's id as shown: its short id's 16 hex digits ("" for the NNS).
	ShortID string
	Alias   string
	// Voted is the ballot's vote when already cast (by the bot, following or a person).
	Voted nns.Vote
	// Action is what the bot will do: "voted", "vote", "wait", "ask", "skip", "nothing"; on a
	// closed proposal also "missed".
	Action string
	Vote   nns.Vote  // the vote it will cast, when known
	At     time.Time // when it acts (zero: now or never)
	Source string    // "rule", "fallback", "override"
	Rule   string    // the deciding rule's name
	Reason string    // the policy's words
	// Manual is true when a rule asks a human to decide this ballot.
	Manual bool
	// Override is the stored human decision for this ballot (VoteUnspecified: none).
	Override nns.Vote
}

// ID is the neuron's id as shown.
func (b Ballot) ID() string {
	if b.ShortID != "" {
		return b.ShortID
	}
	return strconv.FormatUint(b.Neuron, 10)
}

// NeedsHuman reports whether this ballot waits for a person's decision.
func (b Ballot) NeedsHuman() bool {
	return b.Manual && b.Voted == nns.VoteUnspecified && b.Override == nns.VoteUnspecified
}

// History is what happened.
type History struct {
	Votes         []VoteRecord
	Misses        []Miss
	Participation []Series // one per neuron (or one total), oldest point first
	// Followees are the configured neurons' followees' records over 30
	// days, per topic, the weak ones first.
	Followees []Followee
}

// Followee is one followee's record on one topic, as `votebot followees`
// shows it.
type Followee struct {
	Neuron    uint64
	Name      string // known-neuron name, when known
	Topic     string
	Voted     int // proposals voted on, of Proposals followed on
	Proposals int
	Fallbacks int // follower ballots the fallback filled while it had not voted
	Weak      bool
	Better    string // the neurons that voted more on the topic, e.g. "27 (4/4)"
}

// VoteRecord is one vote the bot cast.
type VoteRecord struct {
	At       time.Time
	Proposal uint64
	Title    string // untrusted
	Neuron   uint64
	Alias    string
	Vote     nns.Vote
	Reason   string
}

// Miss is a ballot that closed unvoted.
type Miss struct {
	Deadline time.Time
	Proposal uint64
	Title    string // untrusted
	Neuron   uint64
	Alias    string
	// CostE8s is the estimated maturity lost (0: unknown).
	CostE8s uint64
}

// Series is participation over time for one neuron (or all).
type Series struct {
	Name   string
	Points []Point
}

// Point is the share of ballots voted (0..1) in the period ending at At.
type Point struct {
	At   time.Time
	Rate float64
}
