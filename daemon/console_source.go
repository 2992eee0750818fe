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
	"github.com/votebot/votebot/sns"
)

// consoleSource is the console's view of a running App: it reads the last
// pass (bot.View, bot.Plans), the store and the alert manager, and never
// calls a canister for a page load. Deciding asks the network only for a
// proposal the last pass did not see.
type consoleSource struct{ app *App }

// ConsoleSource returns the console.Source of a running App.
func (a *App) ConsoleSource() console.Source { return consoleSource{app: a} }

// Decide stores a decision made in the console in the governance's own
// store; the loop of that governance votes it at once.
func (s consoleSource) Decide(ctx context.Context, root string, proposal, neuron uint64, v nns.Vote) error {
	l, err := s.app.consoleLane(root)
	if err != nil {
		return err
	}
	return s.app.decideIn(ctx, l, proposal, neuron, v, "console")
}

// ClearOverride removes a stored decision and wakes the loop, which plans
// the ballot by its rules again.
func (s consoleSource) ClearOverride(ctx context.Context, root string, proposal, neuron uint64) error {
	l, err := s.app.consoleLane(root)
	if err != nil {
		return err
	}
	if _, err := l.Store.DeleteOverride(ctx, proposal, neuron); err != nil {
		return err
	}
	l.Bot.Wake()
	return nil
}

// Decide stores a person's decision on an NNS proposal exactly as `votebot
// vote` does (an override), then wakes the loop so it votes now rather than
// at its next poll. via says where it came from ("console", "telegram"),
// kept as the override's note. It refuses, with errors wrapping
// alert.ErrProposalNotOpen, alert.ErrNeuronNotConfigured or
// alert.ErrBallotCast, what cannot apply.
func (a *App) Decide(ctx context.Context, proposal, neuron uint64, v nns.Vote, via string) error {
	return a.decideIn(ctx, a.nnsLane(), proposal, neuron, v, via)
}

// decideIn is Decide in one governance: the override goes to its store,
// keyed (neuron, proposal) as that lane knows them.
func (a *App) decideIn(ctx context.Context, l consoleLane, proposal, neuron uint64, v nns.Vote, via string) error {
	if v != nns.VoteYes && v != nns.VoteNo {
		return fmt.Errorf("decide %d: vote must be yes or no", proposal)
	}
	neurons := l.Bot.Neurons()
	if neuron != 0 && !hasNeuron(neurons, neuron) {
		return fmt.Errorf("%sneuron %s: %w", l.prefix(), l.neuronText(neuron), alert.ErrNeuronNotConfigured)
	}
	p, err := a.openProposal(ctx, l, proposal)
	if err != nil {
		return err
	}
	if allCast(p, neurons, neuron) {
		return fmt.Errorf("%sproposal %d: %w", l.prefix(), proposal, alert.ErrBallotCast)
	}
	if err := l.Store.SetOverride(ctx, proposal, neuron, v, "votebot vote ("+via+")"); err != nil {
		return err
	}
	l.Bot.Wake()
	return nil
}

// openProposal finds proposal among the lane's last pass's open proposals,
// or reads it from the network (a proposal newer than the last pass).
func (a *App) openProposal(ctx context.Context, l consoleLane, id uint64) (*policy.Proposal, error) {
	now := a.opts.Now()
	props, _, _, _ := l.Bot.View()
	for i := range props {
		if props[i].ID == id {
			if !now.Before(props[i].Deadline) {
				return nil, fmt.Errorf("%sproposal %d: voting ended: %w", l.prefix(), id, alert.ErrProposalNotOpen)
			}
			return &props[i], nil
		}
	}
	if l.read == nil {
		return nil, fmt.Errorf("%sproposal %d: not among the open proposals of the last poll: %w", l.prefix(), id, alert.ErrProposalNotOpen)
	}
	p, err := l.read(ctx, id)
	if err != nil {
		return nil, fmt.Errorf("read %sproposal %d: %w", l.prefix(), id, err)
	}
	if p == nil {
		return nil, fmt.Errorf("%sproposal %d does not exist: %w", l.prefix(), id, alert.ErrProposalNotOpen)
	}
	if p.VotingEnded(now) {
		return nil, fmt.Errorf("%sproposal %d: voting ended: %w", l.prefix(), id, alert.ErrProposalNotOpen)
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

// OpenProposals lists the open proposals of every governance with every
// neuron's plan, deadline first.
func (s consoleSource) OpenProposals(ctx context.Context) ([]console.Proposal, error) {
	var all []console.Proposal
	for _, l := range s.app.consoleLanes() {
		ps, err := s.proposals(ctx, l)
		if err != nil {
			return nil, fmt.Errorf("%s%w", l.prefix(), err)
		}
		for i := range ps {
			if err := s.castBy(ctx, l, &ps[i]); err != nil {
				return nil, err
			}
		}
		all = append(all, ps...)
	}
	sort.SliceStable(all, func(i, j int) bool { return all[i].Deadline.Before(all[j].Deadline) })
	return all, nil
}

// Proposal returns one proposal of a governance: an open one with its
// plans, a closed one from its store (what the loop saw of it and each
// neuron's ballot).
func (s consoleSource) Proposal(ctx context.Context, root string, id uint64) (console.Proposal, error) {
	l, err := s.app.consoleLane(root)
	if err != nil {
		return console.Proposal{}, err
	}
	ps, err := s.proposals(ctx, l)
	if err != nil {
		return console.Proposal{}, err
	}
	for _, p := range ps {
		if p.ID == id {
			// Only this one: castBy reads the store, once per proposal.
			if err := s.castBy(ctx, l, &p); err != nil {
				return console.Proposal{}, err
			}
			return p, nil
		}
	}
	return s.closedProposal(ctx, l, id)
}

// proposals groups a lane's last pass's plans by proposal, in plan's words
// (without castBy's reasons: the callers add them where shown).
func (s consoleSource) proposals(ctx context.Context, l consoleLane) ([]console.Proposal, error) {
	plans, overrides, _, ok, err := l.Bot.Plans(ctx)
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
	cp := console.Proposal{ID: p.ID, Topic: p.Topic, Status: p.Status, Title: p.Title, Summary: p.Summary,
		URL: p.URL, Action: string(p.Action), Created: p.Created, Deadline: p.Deadline,
		Tally: console.Tally{Yes: p.Tally.Yes, No: p.Tally.No, Total: p.Tally.Total}}
	if p.SNS != nil {
		cp.Root, cp.DAO, cp.SNSTopic, cp.Action, cp.Tally.SNS = p.SNS.Root, p.SNS.DAO, p.TopicName(), p.SNS.ActionName, true
	}
	return cp
}

// consoleBallot says what `votebot plan` says about one ballot.
func consoleBallot(bp bot.BallotPlan, overrides []policy.Override) console.Ballot {
	b := console.Ballot{Neuron: bp.Neuron.ID, Alias: bp.Neuron.Alias}
	if bp.Neuron.SNSID != "" {
		b.ShortID = sns.FormatShortID(bp.Neuron.ID)
	}
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
