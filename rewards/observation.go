package rewards

import (
	"fmt"
	"slices"
	"time"

	"github.com/votebot/votebot/nns"
)

// BallotState is what the bot saw of one neuron's ballot on one proposal.
type BallotState string

const (
	// BallotNone: the neuron had no ballot (not eligible when the proposal
	// was made). Never counts for or against the neuron.
	BallotNone BallotState = "none"
	// BallotEmpty: a ballot with no vote yet.
	BallotEmpty BallotState = "empty"
	// BallotVotedDirect: the neuron voted itself (the bot or its owner).
	BallotVotedDirect BallotState = "direct"
	// BallotVotedFollowing: the vote came through following.
	BallotVotedFollowing BallotState = "following"
	// BallotUnknown: the bot could not read the ballot.
	BallotUnknown BallotState = "unknown"
)

// Valid reports whether s is one of the defined states.
func (s BallotState) Valid() bool {
	switch s {
	case BallotNone, BallotEmpty, BallotVotedDirect, BallotVotedFollowing, BallotUnknown:
		return true
	}
	return false
}

// Voted reports a filled ballot, directly or by following.
func (s BallotState) Voted() bool { return s == BallotVotedDirect || s == BallotVotedFollowing }

// Observation is one sighting of a neuron's ballot on a proposal. The store
// persists these; the same (proposal, neuron) may be observed many times.
type Observation struct {
	ProposalID   uint64           `json:"proposal_id"`
	Topic        nns.Topic        `json:"topic"`
	RewardStatus nns.RewardStatus `json:"reward_status"`
	ProposalTime time.Time        `json:"proposal_time"`
	Deadline     time.Time        `json:"deadline"`
	Neuron       uint64           `json:"neuron"`
	Ballot       BallotState      `json:"ballot"`
	// BallotVP is the ballot's voting power (the neuron's deciding voting
	// power when the proposal was made).
	BallotVP uint64   `json:"ballot_vp"`
	Vote     nns.Vote `json:"vote,omitempty"`
	// TotalPotentialVP is the proposal's total_potential_voting_power, when
	// known (0 otherwise); it prices a missed vote.
	TotalPotentialVP uint64 `json:"total_potential_vp,omitempty"`
	// ObservedAt is when the bot saw it; zero means "as of RewardStatus".
	ObservedAt time.Time `json:"observed_at,omitempty"`
}

// Validate reports an observation the ledger cannot use.
func (o Observation) Validate() error {
	if !o.Ballot.Valid() {
		return fmt.Errorf("observation of proposal %d, neuron %d: unknown ballot state %q", o.ProposalID, o.Neuron, o.Ballot)
	}
	if o.Topic < 0 {
		return fmt.Errorf("observation of proposal %d: invalid topic %d", o.ProposalID, o.Topic)
	}
	return nil
}

// RewardEligible reports whether the proposal pays voting rewards at all:
// a topic with a positive weight and a reward status other than Ineligible.
func (o Observation) RewardEligible() bool {
	return o.Topic.RewardWeightCents() > 0 && o.RewardStatus != nns.RewardStatusIneligible
}

// closingTime is the deadline, or the proposal time when no deadline was
// recorded.
func (o Observation) closingTime() time.Time {
	if !o.Deadline.IsZero() {
		return o.Deadline
	}
	return o.ProposalTime
}

// final reports whether the observation was made after voting ended, so an
// empty ballot in it is a definite miss.
func (o Observation) final() bool {
	if o.RewardStatus == nns.RewardStatusReadyToSettle || o.RewardStatus == nns.RewardStatusSettled {
		return true
	}
	return !o.ObservedAt.IsZero() && !o.Deadline.IsZero() && !o.ObservedAt.Before(o.Deadline)
}

// Outcome is the ledger's verdict on one neuron's ballot on one proposal.
type Outcome string

const (
	OutcomeVoted      Outcome = "voted"      // counts for the neuron
	OutcomeMissed     Outcome = "missed"     // counts against it
	OutcomePending    Outcome = "pending"    // voting still open
	OutcomeUnknown    Outcome = "unknown"    // never seen a final state: not a miss
	OutcomeNoBallot   Outcome = "no_ballot"  // not eligible: never counts
	OutcomeIneligible Outcome = "ineligible" // proposal pays no rewards
)

// Entry merges every observation of one (proposal, neuron).
type Entry struct {
	ProposalID       uint64      `json:"proposal_id"`
	Topic            nns.Topic   `json:"topic"`
	Neuron           uint64      `json:"neuron"`
	ProposalTime     time.Time   `json:"proposal_time"`
	Deadline         time.Time   `json:"deadline"`
	Outcome          Outcome     `json:"outcome"`
	Ballot           BallotState `json:"ballot"`
	BallotVP         uint64      `json:"ballot_vp"`
	Vote             nns.Vote    `json:"vote,omitempty"`
	TotalPotentialVP uint64      `json:"total_potential_vp,omitempty"`
}

// Weight is the proposal's reward weight.
func (e Entry) Weight() float64 { return e.Topic.RewardWeight() }

// Merge folds observations into one Entry per (proposal, neuron), judged at
// now. A filled ballot wins over everything (ballots are never emptied); an
// empty ballot seen after voting ended is a miss; an empty or unreadable
// ballot never seen after the deadline is pending while voting is open and
// unknown afterwards; "no ballot" counts only when nothing contradicts it.
// Invalid observations are skipped and returned as errors.
func Merge(obs []Observation, now time.Time) ([]Entry, []error) {
	type key struct{ proposal, neuron uint64 }
	groups := map[key][]Observation{}
	var errs []error
	for _, o := range obs {
		if err := o.Validate(); err != nil {
			errs = append(errs, err)
			continue
		}
		k := key{o.ProposalID, o.Neuron}
		groups[k] = append(groups[k], o)
	}
	out := make([]Entry, 0, len(groups))
	for _, g := range groups {
		out = append(out, mergeOne(g, now))
	}
	slices.SortFunc(out, func(a, b Entry) int {
		if c := cmpUint(a.Neuron, b.Neuron); c != 0 {
			return c
		}
		return cmpUint(a.ProposalID, b.ProposalID)
	})
	return out, errs
}

func mergeOne(g []Observation, now time.Time) Entry {
	// Proposal facts: the latest observation knows the most (a deadline
	// moved by wait-for-quiet, a later reward status).
	latest := g[0]
	var vp, total uint64
	for _, o := range g {
		if o.ObservedAt.After(latest.ObservedAt) || (o.ObservedAt.Equal(latest.ObservedAt) && o.RewardStatus > latest.RewardStatus) {
			latest = o
		}
		vp = max(vp, o.BallotVP)
		total = max(total, o.TotalPotentialVP)
	}
	e := Entry{ProposalID: latest.ProposalID, Topic: latest.Topic, Neuron: latest.Neuron,
		ProposalTime: latest.ProposalTime, Deadline: latest.Deadline, BallotVP: vp,
		TotalPotentialVP: total, Ballot: latest.Ballot}
	if !latest.RewardEligible() {
		e.Outcome = OutcomeIneligible
		return e
	}
	var voted, emptyFinal, emptyOrUnknown bool
	for _, o := range g {
		switch {
		case o.Ballot.Voted():
			if !voted || o.Ballot == BallotVotedDirect {
				e.Ballot, e.Vote = o.Ballot, o.Vote
			}
			voted = true
		case o.Ballot == BallotEmpty && o.final():
			emptyFinal = true
		case o.Ballot == BallotEmpty || o.Ballot == BallotUnknown:
			emptyOrUnknown = true
		}
	}
	closed := latest.final() || !now.Before(latest.closingTime())
	switch {
	case voted:
		e.Outcome = OutcomeVoted
	case emptyFinal:
		e.Outcome, e.Ballot = OutcomeMissed, BallotEmpty
	case emptyOrUnknown && !closed:
		e.Outcome = OutcomePending
	case emptyOrUnknown:
		e.Outcome, e.Ballot = OutcomeUnknown, BallotUnknown
	default:
		e.Outcome, e.Ballot = OutcomeNoBallot, BallotNone
	}
	return e
}

// MissedCount is the number of confirmed misses of a neuron on a topic.
type MissedCount struct {
	Neuron uint64
	Topic  nns.Topic
	Count  int64
}
