package bot

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/votebot/votebot/policy"
)

// view is what the last successful pass saw, kept for readers outside the
// loop (the console): the open proposals and the neurons as last read.
// It holds references, not copies: a pass replaces both wholesale and
// never mutates what it handed over.
type view struct {
	mu      sync.Mutex
	valid   bool
	props   []policy.Proposal
	neurons map[uint64]Neuron
	econ    *Economics
	// principal is the bot identity's, for the blockers' words.
	principal string
	at        time.Time
}

// keepView records what a pass saw.
// A failed neuron read keeps the neurons of the last good one.
func (b *Bot) keepView(props []policy.Proposal, state map[uint64]Neuron, neuronsRead bool, now time.Time) {
	b.view.mu.Lock()
	defer b.view.mu.Unlock()
	b.view.valid, b.view.props, b.view.at = true, props, now
	if neuronsRead {
		b.view.neurons, b.view.principal = state, b.gov.Principal()
	}
	if b.econ != nil {
		e := *b.econ
		b.view.econ = &e
	}
}

// Economics are the network parameters last read (nil: not yet).
func (b *Bot) Economics() *Economics {
	b.view.mu.Lock()
	defer b.view.mu.Unlock()
	return b.view.econ
}

// View is the state of the last successful pass: the open proposals, the
// neurons as last read (a missing entry: could not be read) and when.
// ok is false before the first pass. It makes no canister call.
func (b *Bot) View() (props []policy.Proposal, neurons map[uint64]Neuron, at time.Time, ok bool) {
	b.view.mu.Lock()
	defer b.view.mu.Unlock()
	return b.view.props, b.view.neurons, b.view.at, b.view.valid
}

// Plans is what the loop would do now for each open proposal × configured
// neuron, from the last pass's proposals and neurons and the stored
// overrides (the words of `votebot plan`), with the overrides it read. It
// makes no canister call, so a page load costs a store read and the
// policy's evaluation only. ok is false before the first pass.
func (b *Bot) Plans(ctx context.Context) (plans []BallotPlan, overrides []policy.Override, at time.Time, ok bool, err error) {
	props, state, at, ok := b.View()
	if !ok {
		return nil, nil, time.Time{}, false, nil
	}
	overrides, err = b.store.Overrides(ctx)
	if err != nil {
		return nil, nil, at, true, fmt.Errorf("read overrides: %w", err)
	}
	d, opts := b.settings()
	in := planInput{Proposals: props, Neurons: opts.Neurons, State: state, Overrides: overrides, Decider: d, Now: b.now()}
	if state != nil { // from a read that succeeded (keepView)
		b.view.mu.Lock()
		principal := b.view.principal
		b.view.mu.Unlock()
		in.Blockers = blockersOf(opts.Neurons, state, b.Economics(), principal, props)
	}
	plans = planBallots(in)
	// A vote the loop cast shows as the bot's, also before the proposals
	// are read again: the operator who just decided sees it voted, not
	// "votes now".
	for i := range plans {
		bp := &plans[i]
		if !b.isDirect(ballotKey{bp.Neuron.ID, bp.Proposal.ID}) {
			continue
		}
		switch bp.Outcome {
		case BallotEmpty:
			bp.Outcome, bp.Vote = BallotDirect, bp.Decision.Vote
		case BallotFollowing:
			bp.Outcome = BallotDirect
		}
	}
	return plans, overrides, at, true, nil
}

// Neurons are the configured neurons (aliases) in force.
func (b *Bot) Neurons() []NeuronConfig {
	_, opts := b.settings()
	return append([]NeuronConfig(nil), opts.Neurons...)
}
