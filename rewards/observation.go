package rewards

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/sns"
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
	// SNS marks a ballot of an SNS proposal (kept in its DAO's store);
	// Topic is then unset and SNSTopic says the topic. Every SNS proposal
	// weighs 1: an SNS pays pro rata of the voting power exercised.
	SNS      bool        `json:"sns,omitempty"`
	SNSTopic sns.TopicID `json:"sns_topic,omitempty"`
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
	if o.SNS {
		return o.RewardStatus != nns.RewardStatusIneligible
	}
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

// Final reports whether the observation was made after voting ended, so an
// empty ballot in it is a definite miss. The store's SQL mirrors it
// (store/observations.go, checked by its tests).
func (o Observation) Final() bool {
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
	SNS              bool        `json:"sns,omitempty"` // see Observation.SNS
	SNSTopic         sns.TopicID `json:"sns_topic,omitempty"`
}

// Weight is the proposal's reward weight: its topic's for the NNS, 1 for
// an SNS.
func (e Entry) Weight() float64 {
	if e.SNS {
		return 1
	}
	return e.Topic.RewardWeight()
}

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
	// Oldest first: the fold keeps the latest proposal facts (a deadline
	// moved by wait-for-quiet, a later reward status), the newest of equal
	// time being the one with the later status.
	slices.SortStableFunc(g, func(a, b Observation) int {
		if c := a.ObservedAt.Compare(b.ObservedAt); c != 0 {
			return c
		}
		return cmp.Compare(a.RewardStatus, b.RewardStatus)
	})
	acc := g[0]
	for _, o := range g[1:] {
		acc = Fold(acc, o)
	}
	e := Entry{ProposalID: acc.ProposalID, Topic: acc.Topic, Neuron: acc.Neuron,
		ProposalTime: acc.ProposalTime, Deadline: acc.Deadline, BallotVP: acc.BallotVP,
		TotalPotentialVP: acc.TotalPotentialVP, Ballot: acc.Ballot, Vote: acc.Vote, SNS: acc.SNS, SNSTopic: acc.SNSTopic}
	if !acc.RewardEligible() {
		e.Outcome = OutcomeIneligible
		return e
	}
	closed := acc.Final() || !now.Before(acc.closingTime())
	switch {
	case acc.Ballot.Voted():
		e.Outcome = OutcomeVoted
	case acc.Ballot == BallotEmpty && acc.Final():
		e.Outcome = OutcomeMissed
	case (acc.Ballot == BallotEmpty || acc.Ballot == BallotUnknown) && !closed:
		e.Outcome, e.Vote = OutcomePending, 0
	case acc.Ballot == BallotEmpty || acc.Ballot == BallotUnknown:
		e.Outcome, e.Ballot, e.Vote = OutcomeUnknown, BallotUnknown, 0
	default:
		e.Outcome, e.Ballot, e.Vote = OutcomeNoBallot, BallotNone, 0
	}
	return e
}

// Fold merges a newer observation of a ballot into the one kept: the
// proposal's facts are the newer's, the ballot and vote are chosen by
// Supersede, the voting powers are the larger. The store applies the same
// rule in its upsert (store/observations.go generates the SQL from
// Supersede), so a stored row judges as Merge judges the sightings.
func Fold(kept, seen Observation) Observation {
	out := seen
	ballot, fromKept := Supersede(kept.Sighting(), seen.Sighting())
	out.Ballot = ballot
	if fromKept {
		out.Vote = kept.Vote
	}
	out.BallotVP = max(kept.BallotVP, seen.BallotVP)
	out.TotalPotentialVP = max(kept.TotalPotentialVP, seen.TotalPotentialVP)
	return out
}

// Sighting is what ballot precedence looks at in an observation: the
// ballot's state and whether it was seen after voting closed.
type Sighting struct {
	Ballot BallotState
	Final  bool
}

// Sighting is o's ballot state and finality.
func (o Observation) Sighting() Sighting { return Sighting{o.Ballot, o.Final()} }

// Supersede is ballot precedence, the one rule for Merge and the store:
// given the sighting kept of a ballot and a newer one, it returns the
// ballot state to keep, and fromKept when the vote is the kept one's.
// The sighting that proves more wins, the newer among equals (see rank):
// a filled ballot is never emptied, the bot's own vote is not replaced by
// "following", a failed read or a purged ballot hides nothing. An empty
// ballot seen while voting was open that outranks what came after (its
// ballot purged, or "none") becomes unknown: it never turns into a miss
// because a later sighting was made after voting closed.
func Supersede(kept, seen Sighting) (ballot BallotState, fromKept bool) {
	if rank(kept) <= rank(seen) {
		return seen.Ballot, false
	}
	if kept.Ballot == BallotEmpty && !kept.Final {
		return BallotUnknown, true
	}
	return kept.Ballot, true
}

// rank is how much a sighting proves about a ballot.
func rank(s Sighting) int {
	switch {
	case s.Ballot == BallotVotedDirect:
		return 4 // the bot cast it: the most specific
	case s.Ballot == BallotVotedFollowing:
		return 3 // filled, and ballots are never emptied
	case s.Ballot == BallotEmpty && s.Final:
		return 2 // empty after voting closed: a miss
	case s.Ballot == BallotEmpty, s.Ballot == BallotUnknown:
		return 1 // not voted yet, or not read: pending, unknown once closed
	}
	return 0 // no ballot seen: counts only when nothing contradicts it
}

// BallotStates lists every defined state, for tables built from the rules
// (the store's SQL).
func BallotStates() []BallotState {
	return []BallotState{BallotNone, BallotEmpty, BallotVotedDirect, BallotVotedFollowing, BallotUnknown}
}

// MissedCount is the number of confirmed misses of a neuron on a topic.
type MissedCount struct {
	Neuron uint64
	Topic  nns.Topic
	// SNS marks misses on SNS proposals (see Observation.SNS): SNSTopic
	// is then their topic.
	SNS      bool
	SNSTopic sns.TopicID
	Count    int64
}

// TopicName is the topic as a person reads it (and metrics label it), of
// the NNS or of the SNS.
func (c MissedCount) TopicName() string {
	if c.SNS {
		return c.SNSTopic.String()
	}
	return c.Topic.String()
}
