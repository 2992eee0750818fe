package daemon

import (
	"context"
	"fmt"

	"github.com/votebot/votebot/console"
	"github.com/votebot/votebot/rewards"
	"github.com/votebot/votebot/sns"
	"github.com/votebot/votebot/store"
)

// closedProposal is a proposal the last pass no longer lists, from the
// store: its title, topic and deadline as the loop last saw them, and each
// configured neuron's ballot as last observed, with the reason of a vote
// votebot cast. The store keeps no summary or tally.
func (s consoleSource) closedProposal(ctx context.Context, l consoleLane, id uint64) (console.Proposal, error) {
	seen, err := l.Store.SeenProposals(ctx, []uint64{id})
	if err != nil {
		return console.Proposal{}, err
	}
	sp, ok := seen[id]
	if !ok {
		return console.Proposal{}, fmt.Errorf("proposal %d: votebot never saw it open: %w", id, console.ErrNotFound)
	}
	obs, err := l.Store.ObservationsOf(ctx, []uint64{id})
	if err != nil {
		return console.Proposal{}, err
	}
	last := map[uint64]rewards.Observation{}
	for _, o := range obs {
		last[o.Neuron] = o
	}
	p := console.Proposal{ID: id, Topic: sp.Topic, Title: sp.Title, Created: sp.Created, Deadline: sp.Deadline, Closed: true}
	if sp.SNS != nil {
		p.Root, p.DAO, p.SNSTopic, p.Tally.SNS = sp.SNS.Root, sp.SNS.DAO, sp.TopicName(), true
	} else if l.Root != "" {
		p.Root, p.DAO = l.Root, l.DAO
	}
	for _, nc := range l.Bot.Neurons() {
		b := closedBallot(nc.ID, nc.Alias, last[nc.ID])
		if nc.SNSID != "" {
			b.ShortID = sns.FormatShortID(nc.ID)
		}
		p.Ballots = append(p.Ballots, b)
	}
	if err := s.castBy(ctx, l, &p); err != nil {
		return console.Proposal{}, err
	}
	return p, nil
}

// closedBallot says what became of a neuron's ballot on a closed proposal.
func closedBallot(neuron uint64, alias string, o rewards.Observation) console.Ballot {
	b := console.Ballot{Neuron: neuron, Alias: alias}
	switch {
	case o.Ballot.Voted():
		b.Action, b.Voted, b.Reason = "voted", o.Vote, "ballot filled by following or by its owner"
	case o.Ballot == rewards.BallotNone:
		b.Action, b.Reason = "nothing", "no ballot (not eligible)"
	case o.Ballot == rewards.BallotEmpty:
		b.Action, b.Reason = "missed", "voting ended with the ballot empty"
	default:
		b.Action, b.Reason = "nothing", "votebot did not see this ballot"
	}
	return b
}

// castBy says, on each filled ballot of p votebot itself cast, which rule,
// fallback or override cast it: the plan only knows the ballot is filled.
func (s consoleSource) castBy(ctx context.Context, l consoleLane, p *console.Proposal) error {
	filled := false
	for _, b := range p.Ballots {
		filled = filled || b.Voted != 0
	}
	if !filled {
		return nil
	}
	cast, err := l.Store.CastVotes(ctx, p.ID)
	if err != nil {
		return err
	}
	by := make(map[uint64]store.VoteAttempt, len(cast))
	for _, a := range cast {
		by[a.Neuron] = a
	}
	for i := range p.Ballots {
		b := &p.Ballots[i]
		if a, ok := by[b.Neuron]; ok && b.Voted != 0 {
			b.Source, b.Rule = a.Source, ""
			b.Reason = "votebot voted " + a.Vote.String() + " by " + a.Source + ": " + a.Reason
		}
	}
	return nil
}
