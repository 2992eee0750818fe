package bot

import (
	"context"
	"errors"
	"fmt"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/store"
)

// SQLStore adapts *store.Store to the loop's Store.
type SQLStore struct{ S *store.Store }

var _ Store = SQLStore{}

// BeginVote implements Store.
func (s SQLStore) BeginVote(ctx context.Context, v VoteIntent) (int64, error) {
	a, err := s.S.BeginVote(ctx, v.Proposal, v.Neuron, v.Vote, v.Source, v.Reason)
	switch {
	case errors.Is(err, store.ErrBallotDone):
		return 0, fmt.Errorf("%w: %v", ErrBallotDone, err)
	case errors.Is(err, store.ErrVoteInFlight):
		return 0, fmt.Errorf("%w: %v", ErrVoteInFlight, err)
	case err != nil:
		return 0, err
	}
	return a.ID, nil
}

// FinishVote implements Store.
func (s SQLStore) FinishVote(ctx context.Context, attempt int64, o VoteOutcome, errText string) error {
	return s.S.FinishVote(ctx, attempt, store.VoteOutcome(o), errText)
}

// InFlightVotes implements Store.
func (s SQLStore) InFlightVotes(ctx context.Context) ([]VoteIntent, error) {
	as, err := s.S.InFlightVotes(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]VoteIntent, len(as))
	for i, a := range as {
		out[i] = VoteIntent{Attempt: a.ID, Neuron: a.NeuronID, Proposal: a.ProposalID, Vote: a.Vote,
			Reason: a.Reason, Source: a.Source}
	}
	return out, nil
}

// RecordDryRun implements Store.
func (s SQLStore) RecordDryRun(ctx context.Context, v VoteIntent) error {
	_, err := s.S.RecordDryRun(ctx, v.Proposal, v.Neuron, v.Vote, v.Source, v.Reason)
	return err
}

// RecordDecisions implements Store.
func (s SQLStore) RecordDecisions(ctx context.Context, ds []DecisionRecord) error {
	rows := make([]store.Decision, len(ds))
	for i, d := range ds {
		rows[i] = store.Decision{ProposalID: d.Proposal, NeuronID: d.Neuron,
			Action: decisionAction(d.Decision), Vote: d.Decision.Vote, Rule: d.Decision.Source,
			Reason: d.Decision.Reason, At: d.At}
	}
	_, err := s.S.RecordDecisions(ctx, rows)
	return err
}

func decisionAction(d Decision) string {
	switch {
	case d.Skip:
		return "skip"
	case d.Manual && d.Kind != DecideVote:
		return "ask"
	}
	return d.Kind.String()
}

// RecordObservations implements Store.
func (s SQLStore) RecordObservations(ctx context.Context, obs []Observation) error {
	rows := make([]store.Observation, len(obs))
	for i, o := range obs {
		rows[i] = storeObservation(o)
	}
	return s.S.UpsertObservations(ctx, rows)
}

// storeObservation converts an observation. A confirmed miss is stored as
// an empty ballot after voting closed, which is how store/ and rewards/
// count misses; an unconfirmed one is stored as unknown.
func storeObservation(o Observation) store.Observation {
	kind := store.BallotKind(o.Outcome)
	status := o.RewardStatus
	switch o.Outcome {
	case BallotMissed:
		kind = store.BallotEmpty
		if status == nns.RewardStatusAcceptVotes || status == nns.RewardStatusUnspecified {
			status = nns.RewardStatusReadyToSettle
		}
	case BallotEmpty:
		// never stored after the deadline: that is what a miss looks like
	}
	return store.Observation{ProposalID: o.Proposal, NeuronID: o.Neuron,
		Topic: o.Topic, RewardStatus: status, Ballot: kind, BallotVP: o.VotingPower, Vote: o.Vote,
		ProposalTime: o.Created, Deadline: o.Deadline, ObservedAt: o.ObservedAt}
}

// SaveProposal implements Store.
func (s SQLStore) SaveProposal(ctx context.Context, p Proposal) error {
	return s.S.UpsertProposal(ctx, store.Proposal{ID: p.ID, Topic: p.Topic, Title: p.Title,
		Proposer: p.Proposer, Created: p.Created, Deadline: p.Deadline, RewardStatus: nns.RewardStatusAcceptVotes})
}

// UnsettledProposals implements Store: those still stored as AcceptVotes.
func (s SQLStore) UnsettledProposals(ctx context.Context) ([]Proposal, error) {
	ps, err := s.S.ProposalsByRewardStatus(ctx, nns.RewardStatusAcceptVotes)
	if err != nil {
		return nil, err
	}
	out := make([]Proposal, len(ps))
	for i, p := range ps {
		out[i] = Proposal{ID: p.ID, Topic: p.Topic, Title: p.Title, Proposer: p.Proposer,
			Created: p.Created, Deadline: p.Deadline, RewardStatus: p.RewardStatus}
	}
	return out, nil
}

// MarkSettled implements Store.
func (s SQLStore) MarkSettled(ctx context.Context, p Proposal) error {
	st := p.RewardStatus
	if st == nns.RewardStatusAcceptVotes || st == nns.RewardStatusUnspecified {
		st = nns.RewardStatusReadyToSettle
	}
	return s.S.UpsertProposal(ctx, store.Proposal{ID: p.ID, Topic: p.Topic, Title: p.Title,
		Proposer: p.Proposer, Created: p.Created, Deadline: p.Deadline, RewardStatus: st})
}

// Overrides implements Store.
func (s SQLStore) Overrides(ctx context.Context) ([]Override, error) {
	os, err := s.S.Overrides(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Override, len(os))
	for i, o := range os {
		out[i] = Override{Proposal: o.ProposalID, Neuron: o.NeuronID, Vote: o.Vote}
	}
	return out, nil
}

// PutOverride implements Store.
func (s SQLStore) PutOverride(ctx context.Context, o Override) error {
	return s.S.SetOverride(ctx, o.Proposal, o.Neuron, o.Vote, "votebot vote")
}

// MissedVotes implements Store.
func (s SQLStore) MissedVotes(ctx context.Context) ([]MissedCount, error) {
	ms, err := s.S.MissedVotes(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]MissedCount, len(ms))
	for i, m := range ms {
		out[i] = MissedCount{Neuron: m.NeuronID, Topic: m.Topic, Count: m.Count}
	}
	return out, nil
}
