package daemon

import (
	"context"
	"fmt"
	"sort"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/console"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// consoleSource is the console's view of a running App: it reads the last
// pass (bot.View, bot.Plans), the store and the alert manager, and never
// calls a canister for a page load. Deciding asks the network only for a
// proposal the last pass did not see.
type consoleSource struct{ app *App }

// ConsoleSource returns the console.Source of a running App.
func (a *App) ConsoleSource() console.Source { return consoleSource{app: a} }

// Decide stores a decision made in the console; the loop votes it at once.
func (s consoleSource) Decide(ctx context.Context, proposal, neuron uint64, v nns.Vote) error {
	return s.app.Decide(ctx, proposal, neuron, v, "console")
}

// ClearOverride removes a stored decision and wakes the loop, which plans
// the ballot by its rules again.
func (s consoleSource) ClearOverride(ctx context.Context, proposal, neuron uint64) error {
	if _, err := s.app.Store.DeleteOverride(ctx, proposal, neuron); err != nil {
		return err
	}
	s.app.Bot.Wake()
	return nil
}

// Decide stores a person's decision exactly as `votebot vote` does (an
// override), then wakes the loop so it votes now rather than at its next
// poll. via says where it came from ("console", "telegram"), kept as the
// override's note. It refuses, with errors wrapping alert.ErrProposalNotOpen,
// alert.ErrNeuronNotConfigured or alert.ErrBallotCast, what cannot apply.
func (a *App) Decide(ctx context.Context, proposal, neuron uint64, v nns.Vote, via string) error {
	if v != nns.VoteYes && v != nns.VoteNo {
		return fmt.Errorf("decide %d: vote must be yes or no", proposal)
	}
	neurons := a.Bot.Neurons()
	if neuron != 0 && !hasNeuron(neurons, neuron) {
		return fmt.Errorf("neuron %d: %w", neuron, alert.ErrNeuronNotConfigured)
	}
	p, err := a.openProposal(ctx, proposal)
	if err != nil {
		return err
	}
	if allCast(p, neurons, neuron) {
		return fmt.Errorf("proposal %d: %w", proposal, alert.ErrBallotCast)
	}
	if err := a.Store.SetOverride(ctx, proposal, neuron, v, "votebot vote ("+via+")"); err != nil {
		return err
	}
	a.Bot.Wake()
	return nil
}

// openProposal finds proposal among the last pass's open proposals, or
// reads it from the network (a proposal newer than the last pass).
func (a *App) openProposal(ctx context.Context, id uint64) (*policy.Proposal, error) {
	now := a.opts.Now()
	props, _, _, _ := a.Bot.View()
	for i := range props {
		if props[i].ID == id {
			if !now.Before(props[i].Deadline) {
				return nil, fmt.Errorf("proposal %d: voting ended: %w", id, alert.ErrProposalNotOpen)
			}
			return &props[i], nil
		}
	}
	p, err := (AgentGov{C: a.Governance(), Now: a.opts.Now}).Proposal(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("read proposal %d: %w", id, err)
	}
	if p == nil {
		return nil, fmt.Errorf("proposal %d does not exist: %w", id, alert.ErrProposalNotOpen)
	}
	if p.VotingEnded(now) {
		return nil, fmt.Errorf("proposal %d: voting ended: %w", id, alert.ErrProposalNotOpen)
	}
	return p, nil
}

func hasNeuron(ns []bot.NeuronConfig, id uint64) bool {
	for _, n := range ns {
		if n.ID == id {
			return true
		}
	}
	return false
}

// allCast reports whether every ballot the decision is for is already
// filled (neuron 0: every configured neuron's).
func allCast(p *policy.Proposal, ns []bot.NeuronConfig, neuron uint64) bool {
	for _, n := range ns {
		if neuron != 0 && n.ID != neuron {
			continue
		}
		if b, ok := p.Ballots.Get(n.ID); !ok || b.Vote == nns.VoteUnspecified {
			return false
		}
	}
	return true
}

// OpenProposals lists the open proposals with every neuron's plan.
func (s consoleSource) OpenProposals(ctx context.Context) ([]console.Proposal, error) {
	ps, err := s.proposals(ctx)
	if err != nil {
		return nil, err
	}
	for i := range ps {
		if err := s.castBy(ctx, &ps[i]); err != nil {
			return nil, err
		}
	}
	sort.SliceStable(ps, func(i, j int) bool { return ps[i].Deadline.Before(ps[j].Deadline) })
	return ps, nil
}

// Proposal returns one proposal: an open one with its plans, a closed one
// from the store (what the loop saw of it and each neuron's ballot).
func (s consoleSource) Proposal(ctx context.Context, id uint64) (console.Proposal, error) {
	ps, err := s.proposals(ctx)
	if err != nil {
		return console.Proposal{}, err
	}
	for _, p := range ps {
		if p.ID == id {
			// Only this one: castBy reads the store, once per proposal.
			if err := s.castBy(ctx, &p); err != nil {
				return console.Proposal{}, err
			}
			return p, nil
		}
	}
	return s.closedProposal(ctx, id)
}

// proposals groups the last pass's plans by proposal, in plan's words
// (without castBy's reasons: the callers add them where shown).
func (s consoleSource) proposals(ctx context.Context) ([]console.Proposal, error) {
	plans, overrides, _, ok, err := s.app.Bot.Plans(ctx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, nil
	}
	var out []console.Proposal
	index := map[uint64]int{}
	for _, bp := range plans {
		i, seen := index[bp.Proposal.ID]
		if !seen {
			i = len(out)
			index[bp.Proposal.ID] = i
			out = append(out, consoleProposal(bp.Proposal))
		}
		out[i].Ballots = append(out[i].Ballots, consoleBallot(bp, overrides))
	}
	return out, nil
}

func consoleProposal(p *policy.Proposal) console.Proposal {
	return console.Proposal{ID: p.ID, Topic: p.Topic, Status: p.Status, Title: p.Title, Summary: p.Summary,
		URL: p.URL, Action: string(p.Action), Created: p.Created, Deadline: p.Deadline,
		Tally: console.Tally{Yes: p.Tally.Yes, No: p.Tally.No, Total: p.Tally.Total}}
}

// consoleBallot says what `votebot plan` says about one ballot.
func consoleBallot(bp bot.BallotPlan, overrides []policy.Override) console.Ballot {
	b := console.Ballot{Neuron: bp.Neuron.ID, Alias: bp.Neuron.Alias}
	if action, reason, ok := bp.Outcome.Describe(); ok {
		b.Action, b.Reason = action, reason
		if bp.Outcome != bot.BallotNone {
			b.Voted = bp.Vote
		}
		return b
	}
	// A stored decision shows (with "clear my override") only while the
	// ballot is open: once cast, clearing it changes nothing.
	b.Override = storedOverride(overrides, bp)
	d := bp.Decision
	b.Action, b.Reason, b.Source, b.Rule, b.At = d.Verb(), d.Reason, d.Source(), d.Rule, d.At
	if d.Votes() {
		b.Vote = d.Vote
	}
	// A rule asked a person; with an override stored the decision comes from
	// it, and the ballot still offers "clear my override".
	b.Manual = d.NeedsHuman || d.Override
	return b
}

// storedOverride is the override that applies to the ballot: the neuron's
// own, else the one for every neuron.
func storedOverride(os []policy.Override, bp bot.BallotPlan) nns.Vote {
	if o, ok := policy.FindOverride(os, bp.Proposal.ID, bp.Neuron.ID); ok {
		return o.Vote
	}
	return nns.VoteUnspecified
}
