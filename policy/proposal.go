package policy

import (
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/sns"
)

// Proposal is votebot's one view of an NNS proposal: what the policy
// decides on and what the loop, the store, the metrics and the console know
// of it. FromProposalInfo decodes it from the Candid record; no package
// keeps a copy of its own.
type Proposal struct {
	ID           uint64
	Topic        nns.Topic
	Status       nns.ProposalStatus
	RewardStatus nns.RewardStatus
	Title        string
	Summary      string
	URL          string
	// Action is the Action variant's name, e.g. ActionMotion; ActionUnknown
	// when it is a kind votebot does not know; empty when there is none.
	Action ActionKind
	// ActionTag is the unknown action's variant tag, as the wire names it
	// ("#<hash>" when the name is unknown too); empty otherwise.
	ActionTag string
	// NNSFunction is ExecuteNnsFunction.nns_function, else 0.
	NNSFunction  int32
	Proposer     uint64
	ProposerName string // known-neuron name of the proposer, if any
	Tally        Tally  // latest_tally, for FallbackWithMajority
	// TotalPotentialVP prices a missed vote (0 when unknown).
	TotalPotentialVP uint64
	Created          time.Time // proposal_timestamp_seconds
	Deadline         time.Time // deadline_timestamp_seconds; re-read every poll
	// Ballots holds the ballots of the caller's neurons only (the query is
	// signed by the bot identity). A neuron absent here has no ballot.
	Ballots Ballots
	// FolloweeVotes are votes of followees on this proposal, where the
	// loop could learn them (their recent ballots); nil when unknown.
	FolloweeVotes map[uint64]nns.Vote
	// SNS is set for a proposal of an SNS DAO, nil for the NNS. Topic is
	// then TopicUnspecified and Action, NNSFunction and Proposer are unset:
	// an SNS rule matches what SNS says (see SNSProposal). ID is the
	// DAO's own proposal number, unique only within the DAO.
	SNS *SNSProposal
}

// SNSProposal is what an SNS proposal has that an NNS one has not.
type SNSProposal struct {
	Root string // the DAO's root canister id: names the DAO
	DAO  string // its display name ("OpenChat"), from config or get_metadata
	// Topic is the proposal's SNS topic; Critical that list_topics marks
	// it critical (the catch-all following does not cover it).
	Topic    sns.TopicID
	Critical bool
	// FunctionID is ProposalData.action: native 1-999, custom ≥ 1000.
	FunctionID uint64
	// ActionName is the Action variant's name ("Motion"), or the custom
	// function's name.
	ActionName string
	Proposer   string // the proposing neuron's id in hex
}

// Governance is the DAO's display name, or "" for the NNS.
func (p Proposal) Governance() string {
	if p.SNS == nil {
		return ""
	}
	return p.SNS.DAO
}

// TopicName is the proposal's topic as a person reads it, of the NNS or
// of its SNS.
func (p Proposal) TopicName() string {
	if p.SNS != nil {
		return p.SNS.Topic.String()
	}
	return p.Topic.String()
}

// VotingEnded reports whether the proposal no longer accepts votes: its
// reward status left AcceptVotes, or its deadline as last read has passed
// (a copy read before the deadline still says AcceptVotes).
func (p Proposal) VotingEnded(now time.Time) bool {
	return p.RewardStatus != nns.RewardStatusAcceptVotes || !now.Before(p.Deadline)
}

// Tally is the proposal's latest tally in e8s of voting power.
type Tally struct{ Yes, No, Total uint64 }

// Ballot is one neuron's ballot on a proposal.
type Ballot struct {
	Vote        nns.Vote
	VotingPower uint64
}

// FromProposalInfo decodes the Candid record into a Proposal.
func FromProposalInfo(pi nns.ProposalInfo) Proposal {
	p := Proposal{Topic: nns.Topic(pi.Topic), Status: nns.ProposalStatus(pi.Status),
		RewardStatus: nns.RewardStatus(pi.RewardStatus), Created: unixTime(pi.ProposalTimestampSeconds)}
	if pi.Id != nil {
		p.ID = pi.Id.Id
	}
	if pi.DeadlineTimestampSeconds != nil {
		p.Deadline = unixTime(*pi.DeadlineTimestampSeconds)
	}
	if pi.Proposer != nil {
		p.Proposer = pi.Proposer.Id
	}
	if pi.LatestTally != nil {
		p.Tally = Tally{Yes: pi.LatestTally.Yes, No: pi.LatestTally.No, Total: pi.LatestTally.Total}
	}
	if pi.TotalPotentialVotingPower != nil {
		p.TotalPotentialVP = *pi.TotalPotentialVotingPower
	}
	if pr := pi.Proposal; pr != nil {
		p.URL, p.Summary = pr.Url, pr.Summary
		if pr.Title != nil {
			p.Title = *pr.Title
		}
		if pr.Action != nil {
			p.Action = ActionKind(pr.Action.Kind())
			p.ActionTag, _ = pr.Action.UnknownTag()
			if pr.Action.ExecuteNnsFunction != nil {
				p.NNSFunction = pr.Action.ExecuteNnsFunction.NnsFunction
			}
		}
	}
	list := make([]NeuronBallot, len(pi.Ballots))
	for i, b := range pi.Ballots {
		list[i] = NeuronBallot{Neuron: b.NeuronId, Ballot: Ballot{Vote: nns.Vote(b.Ballot.Vote), VotingPower: b.Ballot.VotingPower}}
	}
	p.Ballots = NewBallots(list)
	return p
}

func unixTime(s uint64) time.Time {
	if s == 0 {
		return time.Time{}
	}
	return time.Unix(int64(s), 0)
}
