package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/votebot/votebot/policy"
)

// pass is what one pass works with, filled in phase by phase.
type pass struct {
	decider Decider
	opts    Options
	// reconcile: this pass makes on-chain following match the policy.
	reconcile bool
	now       time.Time // when the poll succeeded
	props     []policy.Proposal
	// state is what was read of each neuron; neuronsRead is false when
	// the read failed (nothing is known then).
	state       map[uint64]Neuron
	neuronsRead bool
	// blockers are the neurons that cannot vote (blockersOf), known only
	// when the read succeeded.
	blockers  map[uint64]*Blocker
	overrides []policy.Override
	// overridesUnknown: the stored overrides were never read by this
	// process, so any vote may be against one (see holdForOverrides).
	overridesUnknown bool
}

// Once runs one full pass, phase by phase: poll the open proposals, read
// the neurons, plan every ballot, vote what is due, settle the proposals
// whose voting ended, and account (metrics, participation, pruning).
func (b *Bot) Once(ctx context.Context) (Summary, error) {
	p, err := b.beginPass(ctx)
	if err != nil {
		return Summary{}, err
	}
	if err := b.pollPhase(ctx, p); err != nil {
		return Summary{}, err
	}
	b.neuronPhase(ctx, p)
	b.readOverrides(ctx, p)
	b.keepView(p.props, p.state, p.neuronsRead, p.now)
	if b.nothingToPlan(p.props, p.opts) {
		return b.idlePass(ctx, p), nil
	}
	plans := b.planPhase(ctx, p)
	sum, err := b.votePhase(ctx, p, plans)
	if err != nil {
		return Summary{}, err
	}
	sum.Missed = b.settlePhase(ctx, p)
	b.accountPhase(ctx, p, plans)
	return sum, nil
}

// beginPass takes the settings in force and a reload's new client, and
// starts the process's state on its first pass (until start succeeds).
func (b *Bot) beginPass(ctx context.Context) (*pass, error) {
	if g := b.takeNewGovernance(); g != nil {
		b.gov, b.open = g, openCache{} // the last full read was the old client's
	}
	decider, opts := b.settings()
	p := &pass{decider: decider, opts: opts, reconcile: b.takeReconcile()}
	if !b.started {
		if err := b.start(ctx); err != nil {
			b.startFailed(ctx, err, opts)
			if p.reconcile {
				b.requestReconcile()
			}
			return nil, fmt.Errorf("start: %w", err)
		}
		b.startSucceeded(ctx)
	}
	return p, nil
}

// pollPhase reads the open proposals, checks the clock (any reply measures
// it, a refusal too) and, once they answered, what depends on a good poll:
// readiness, votes left in flight by a restart.
func (b *Bot) pollPhase(ctx context.Context, p *pass) error {
	b.checkStore(ctx)
	props, err := b.pollOpen(ctx, p.opts, p.reconcile)
	b.checkClock(ctx, p.opts)
	if err != nil {
		b.pollFailed(ctx, err, p.opts)
		b.atRiskBlind(ctx, p.opts)
		if p.reconcile {
			b.requestReconcile() // retry next pass
		}
		return fmt.Errorf("poll proposals: %w", err)
	}
	p.props, p.now = props, b.now()
	b.pollSucceeded(ctx, p.now)
	if b.recheckInFlight {
		if err := b.recoverInFlight(ctx); err != nil {
			b.log.Warn().Err(err).Msg("re-check of votes in flight before the restart failed; retried next pass")
		} else {
			b.recheckInFlight = false
		}
	}
	return nil
}

// neuronPhase tracks the proposals, reads the neurons (when due) and runs
// the per-neuron checks: health, following, voting power, rewards.
func (b *Bot) neuronPhase(ctx context.Context, p *pass) {
	// Re-read the neurons now (not just every NeuronsTTL) when what they
	// show matters: first pass, reconcile, a proposal to settle, or a
	// ballot that vanished (the identity may have lost its hotkey).
	force := !b.checkedOnce || p.reconcile || b.votingEndedFor(p.props, p.now) || b.ballotsVanished(p.props) ||
		b.audit.PendingBefore != nil // the reward audit waits for this read (audit.go)
	idle := b.allFilled && !b.untracked(p.props)
	absent := b.absentFromNew(p.props, p.opts)
	b.trackProposals(ctx, p.props)

	reads := b.neuronReads
	p.state, p.neuronsRead = b.readNeurons(ctx, p.opts, force, idle)
	if p.neuronsRead && b.neuronReads == reads && len(absent) > 0 {
		p.state = b.rereadAbsent(ctx, p.state, absent)
	}
	b.checkedOnce = true
	b.auditRewards(ctx, p.opts, p.state)
	b.nameProposers(ctx, p.props, p.opts, p.now)
	if p.neuronsRead {
		b.checkNeurons(ctx, p.decider, p)
		// After checkNeurons: it reads the network economics a dissolve
		// delay is measured against.
		p.blockers = blockersOf(p.opts.Neurons, p.state, b.econ, b.gov.Principal(), p.props)
	} else if p.reconcile {
		b.requestReconcile() // try again next pass
	}
}

// idlePass ends a pass that had nothing to plan (see nothingToPlan).
func (b *Bot) idlePass(ctx context.Context, p *pass) Summary {
	b.allFilled = true
	sum := Summary{Proposals: len(p.props), Ballots: len(p.props) * len(p.opts.Neurons), Blocked: blockedCount(p.blockers)}
	sum.Followed = sum.Ballots
	sum.Missed = b.settlePhase(ctx, p)
	b.accountPhase(ctx, p, nil)
	return sum
}

// planPhase decides every open ballot and records the decisions (the
// audit trail) and the "decision needed" alerts.
func (b *Bot) planPhase(ctx context.Context, p *pass) []BallotPlan {
	b.plannedRead = b.open.reads
	in := planInput{Proposals: p.props, Neurons: p.opts.Neurons, State: p.state, Overrides: p.overrides,
		OverridesUnknown: p.overridesUnknown, Decider: p.decider, Now: p.now, Blockers: p.blockers}
	plans := planBallots(in)
	if p.overridesUnknown {
		for _, bp := range plans {
			if bp.Due && !bp.Decision.Override {
				b.log.Warn().Uint64("neuron", bp.Neuron.ID).Uint64("proposal", bp.Proposal.ID).Str("vote", bp.Decision.Vote.String()).
					Msg("the deadline margin is reached and the stored overrides cannot be read: the rules vote")
			}
		}
	}
	b.withFolloweeVotes(ctx, plans, in)
	b.recordPlans(ctx, plans, p.now)
	return plans
}

// votePhase sends the votes that are due, marks what they filled, and
// alerts the ballots at risk. It fails only when ctx ends (the votes in
// flight finished).
func (b *Bot) votePhase(ctx context.Context, p *pass, plans []BallotPlan) (Summary, error) {
	results := b.castDue(ctx, plans, p.state, p.opts)
	if ctx.Err() != nil {
		return Summary{}, ctx.Err()
	}
	now := b.now()
	sum := Summary{Proposals: len(p.props), Ballots: len(plans), Plans: plans, Blocked: blockedCount(p.blockers)}
	for i := range plans {
		bp := &plans[i]
		r, tried := results[ballotKey{bp.Neuron.ID, bp.Proposal.ID}]
		switch {
		case r == voteSent:
			bp.Outcome, bp.Vote = BallotDirect, bp.Decision.Vote
			sum.VotesCast++
		case r == voteDryRun:
			sum.VotesCast++
		case bp.Outcome == BallotFollowing:
			sum.Followed++
		case bp.Outcome == BallotEmpty && bp.Decision.Action != policy.ActionNothing && !bp.Due:
			sum.Pending++
		}
		failed := tried && r != voteSent && r != voteFilled && r != voteSkipped && r != voteDryRun
		if atRisk(*bp, failed, p.opts.AtRiskThreshold, now) {
			sum.AtRisk++
			b.fire(ctx, atRiskAlert(*bp, now))
		}
	}
	// Keep only what atRiskBlind needs: ballots still empty (or unknown),
	// in a new slice: reusing the old one would keep its capacity (50,000
	// plans after a pass that waited on every ballot) for good.
	var pending []BallotPlan
	for _, bp := range plans {
		if bp.Outcome == BallotEmpty || bp.Outcome == BallotUnknown {
			pending = append(pending, bp)
		}
	}
	b.lastPlans = pending
	b.allFilled = len(b.lastPlans) == 0 && sum.VotesCast == 0 // votes just sent are read back first
	sum.NextWake = nextWake(plans, now)
	for _, r := range results {
		if r == voteRetry {
			retry := now.Add(p.opts.RetryBackoff)
			if sum.NextWake.IsZero() || retry.Before(sum.NextWake) {
				sum.NextWake = retry
			}
		}
	}
	return sum, nil
}

// settlePhase classifies the ballots of proposals whose voting ended and
// returns the misses it confirmed.
func (b *Bot) settlePhase(ctx context.Context, p *pass) int {
	return b.settle(ctx, p.props, p.state, p.blockers, p.decider, p.overrides, p.opts)
}

// accountPhase publishes the open ballots (plans nil: unchanged since the
// last planned pass) and participation, and prunes old history.
func (b *Bot) accountPhase(ctx context.Context, p *pass, plans []BallotPlan) {
	if plans != nil {
		b.updateOpenMetrics(p.props, plans)
	}
	b.updateParticipation(ctx)
	b.prune(ctx, p.opts)
}
