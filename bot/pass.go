package bot

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/rewards"
)

// Summary is what one pass did.
type Summary struct {
	Proposals int // open proposals seen
	Ballots   int // open proposal × neuron pairs
	VotesCast int // votes sent successfully (or would be, in dry-run)
	Followed  int // ballots filled by following
	AtRisk    int // ballots at risk after the pass
	Missed    int // misses confirmed in this pass
	Pending   int // votes scheduled for later
	// Blocked counts the neurons that cannot vote at all (no hotkey, no
	// such neuron): their ballots are in none of the counts above, their
	// one alert each stands for them.
	Blocked int
	// NextWake is the earliest moment a scheduled vote or fallback is due
	// (zero when none).
	NextWake time.Time
	// Plans are this pass's plans; nil when the pass reused the last
	// full read and every ballot in it was filled (nothing to plan).
	Plans []BallotPlan
}

// start runs once per process: rebuild what must survive restarts.
func (b *Bot) start(ctx context.Context) error {
	var recheck *recheckError
	switch err := b.recoverInFlight(ctx); {
	case errors.As(err, &recheck):
		// The endpoints may be down: re-check after the next good poll.
		// Those ballots stay pending in the store, so nothing is sent twice,
		// and polling (and its alerts) must not wait for them.
		b.log.Warn().Err(err).Msg("re-check of votes in flight before the restart failed; retried after the next successful poll")
		b.recheckInFlight = true
	case err != nil:
		return err
	}
	b.upAt = b.now()
	var err error
	if b.downFrom, err = b.store.LastHeartbeat(ctx); err != nil {
		return fmt.Errorf("read the last poll of the previous run: %w", err)
	}
	unsettled, err := b.store.UnsettledProposals(ctx)
	if err != nil {
		return fmt.Errorf("load unsettled proposals: %w", err)
	}
	b.amu.Lock()
	for _, p := range unsettled {
		b.tracked[p.ID] = p
		b.titles[p.ID] = p
	}
	b.amu.Unlock()
	active, err := b.alerter.Active(ctx)
	if err != nil {
		return fmt.Errorf("load firing alerts: %w", err)
	}
	b.amu.Lock()
	for _, st := range active {
		if !st.Kind.IsEvent() {
			// The lane's own store holds only its DAO's states.
			a := alert.Alert{Kind: st.Kind, Governance: b.governance, Neuron: st.Neuron, ProposalID: st.ProposalID,
				Deadline: st.Deadline}
			b.firing[a.ID()] = a
		}
	}
	b.amu.Unlock()
	b.updateFiring()
	// This process started, so its configuration is valid: an invalid
	// reload of the previous process no longer matters.
	b.ResolveConfigInvalid(ctx)
	missed, err := b.store.MissedVotes(ctx)
	if err != nil {
		return fmt.Errorf("load missed votes: %w", err)
	}
	b.metrics.RebuildMissed(missed)
	b.started = true
	return nil
}

func (b *Bot) pollSucceeded(ctx context.Context, now time.Time) {
	if b.failedPolls > 0 {
		b.log.Info().Int("failed_polls", b.failedPolls).Msg("polling recovered")
	}
	b.failedPolls = 0
	b.downSince = time.Time{}
	b.lastPoll = now
	b.lastPollNano.Store(now.UnixNano())
	b.resolve(ctx, alert.KindAllEndpointsDown, 0, 0)
	b.resolve(ctx, alert.KindPollStale, 0, 0)
	b.metrics.PollSucceeded(now)
	if now.Sub(b.beatAt) >= time.Minute {
		if err := b.store.Heartbeat(ctx, now); err != nil {
			b.log.Debug().Err(err).Msg("heartbeat")
		} else {
			b.beatAt = now
		}
	}
	if b.notify != nil {
		if !b.ready {
			b.notify("READY=1")
		}
		b.notify("WATCHDOG=1")
	}
	b.ready = true
}

// pollFailed alerts when every endpoint is down or polls have failed for
// too long; error logs are rate-limited to one a minute.
func (b *Bot) pollFailed(ctx context.Context, err error, opts Options) {
	b.failedPolls++
	now := b.now()
	if now.Sub(b.loggedErr) >= time.Minute || b.failedPolls == 1 {
		b.log.Error().Err(err).Int("failed_polls", b.failedPolls).Msg("poll failed")
		b.loggedErr = now
	}
	if !b.errs.AllEndpointsDown(err) {
		b.downSince = time.Time{}
	} else {
		if b.downSince.IsZero() {
			b.downSince = now
		}
		// A blip is not a page: only an outage that lasts (the docs'
		// VotebotAllEndpointsDown says 5 minutes, severity warning).
		if now.Sub(b.downSince) >= opts.EndpointsDownAfter {
			b.fire(ctx, alert.Alert{Kind: alert.KindAllEndpointsDown, Severity: alert.SeverityWarning,
				Headline: "All API endpoints are down",
				Text: fmt.Sprintf("No IC API endpoint answered for %s (last successful poll %s): %v. "+
					"Check the server's network, DNS and firewall (outbound HTTPS), and network.urls.",
					now.Sub(b.downSince).Round(time.Second), fmtTime(b.lastPoll), err)})
		}
	}
	stale := time.Duration(opts.StaleIntervals) * opts.PollInterval
	since := b.lastPoll
	if since.IsZero() {
		since = b.startedAt(now)
	}
	if now.Sub(since) >= stale {
		b.fire(ctx, alert.Alert{Kind: alert.KindPollStale, Severity: alert.SeverityCritical,
			Headline: "No successful poll",
			Text:     fmt.Sprintf("No successful poll for %s (last: %s): %v", now.Sub(since).Round(time.Second), fmtTime(b.lastPoll), err)})
	}
}

func (b *Bot) startedAt(now time.Time) time.Time {
	if b.firstTry.IsZero() {
		b.firstTry = now
	}
	return b.firstTry
}

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

// trackProposals remembers newly seen open proposals (in memory and in the
// store, so they are checked for a miss after a restart).
func (b *Bot) trackProposals(ctx context.Context, props []policy.Proposal) {
	b.amu.Lock()
	for _, p := range props {
		// Only the start of the summary: channels show no more.
		b.titles[p.ID] = policy.Proposal{ID: p.ID, Topic: p.Topic, Title: p.Title, Summary: alert.Truncate(p.Summary, alert.SummaryRunes)}
	}
	b.amu.Unlock()
	for _, p := range props {
		old, seen := b.tracked[p.ID]
		if seen && old.Deadline.Equal(p.Deadline) {
			b.tracked[p.ID] = p
			continue
		}
		if err := b.store.SaveProposal(ctx, p); err != nil {
			b.log.Error().Err(err).Uint64("proposal", p.ID).Msg("save proposal")
			continue
		}
		b.tracked[p.ID] = p
		if !seen {
			b.noteUnknownKinds(ctx, p)
			b.log.Info().Uint64("proposal", p.ID).Str("topic", p.TopicName()).Str("title", alert.BoundTitle(p.Title)).
				Time("deadline", p.Deadline).Msg("proposal seen")
			b.emit("proposal", 0, p.ID, "%s · %q · deadline %s", p.Topic, alert.Truncate(p.Title, 60), p.Deadline.Format("15:04:05"))
		} else {
			b.log.Info().Uint64("proposal", p.ID).Time("old_deadline", old.Deadline).Time("deadline", p.Deadline).Msg("deadline moved")
		}
	}
}

// recordPlans stores each decision when it changes (the audit trail) and
// raises "decision needed" alerts.
func (b *Bot) recordPlans(ctx context.Context, plans []BallotPlan, state map[uint64]Neuron, now time.Time) {
	// First the records, each kind in one transaction (50,000 ballots can
	// fill in one pass), then the alerts.
	var decisions []DecisionRecord
	var obs []rewards.Observation
	for _, bp := range plans {
		k := ballotKey{bp.Neuron.ID, bp.Proposal.ID}
		switch {
		case bp.Outcome == BallotFollowing:
			if o, ok := b.filledObservation(bp, now); ok {
				obs = append(obs, o)
			}
		case (bp.Outcome == BallotEmpty || bp.Outcome == BallotUnknown) && b.marks.decisionChanged(k, bp.Decision):
			decisions = append(decisions, DecisionRecord{Neuron: k.neuron, Proposal: k.proposal, Decision: bp.Decision, At: now,
				Input: decisionInput(bp, state, now)})
		}
	}
	b.recordDecisions(ctx, decisions)
	b.recordObservations(ctx, obs)
	for _, bp := range plans {
		k := ballotKey{bp.Neuron.ID, bp.Proposal.ID}
		if bp.Outcome == BallotFollowing {
			b.resolve(ctx, alert.KindManualDecisionNeeded, k.neuron, k.proposal)
			b.resolve(ctx, alert.KindProposalAtRisk, k.neuron, k.proposal)
			b.resolve(ctx, alert.KindVoteRefused, k.neuron, k.proposal)
			continue
		}
		if bp.Outcome != BallotEmpty && bp.Outcome != BallotUnknown {
			continue
		}
		d := bp.Decision
		if d.NeedsHuman && !d.Votes() {
			b.fire(ctx, manualAlert(bp))
		} else if d.Votes() {
			b.resolve(ctx, alert.KindManualDecisionNeeded, k.neuron, k.proposal)
		}
	}
}

// recordDecisions writes the decisions that changed, in one transaction.
// If that fails they are forgotten, so the next pass tries again.
func (b *Bot) recordDecisions(ctx context.Context, ds []DecisionRecord) {
	if len(ds) == 0 {
		return
	}
	if err := b.store.RecordDecisions(ctx, ds); err != nil {
		b.log.Error().Err(err).Int("decisions", len(ds)).Msg("record decisions")
		for _, d := range ds {
			b.marks.forgetDecision(ballotKey{d.Neuron, d.Proposal})
		}
	}
}

// filledObservation is what to record, once, of a filled ballot for
// rewards/ (ok false when it was recorded already).
func (b *Bot) filledObservation(bp BallotPlan, now time.Time) (o rewards.Observation, ok bool) {
	k := ballotKey{bp.Neuron.ID, bp.Proposal.ID}
	if b.marks.has(k, markObserved) {
		return o, false
	}
	outcome := BallotFollowing
	if b.isDirect(k) {
		outcome = BallotDirect
	}
	return observation(bp.Proposal, k.neuron, outcome, bp.Vote, now), true
}

// ballotsVanished reports whether a ballot seen in the last read of a
// proposal is missing from this one.
func (b *Bot) ballotsVanished(open []policy.Proposal) bool {
	for _, p := range open {
		old, ok := b.tracked[p.ID]
		if !ok {
			continue
		}
		for n := range old.Ballots.All() {
			if _, still := p.Ballots.Get(n); !still {
				return true
			}
		}
	}
	return false
}

// untracked reports whether a proposal is new to the loop.
func (b *Bot) untracked(open []policy.Proposal) bool {
	for _, p := range open {
		if _, ok := b.tracked[p.ID]; !ok {
			return true
		}
	}
	return false
}

// votingEndedFor reports whether a tracked proposal's voting has ended
// (it left the open list or its deadline passed): settling it needs fresh
// neuron reads.
func (b *Bot) votingEndedFor(open []policy.Proposal, now time.Time) bool {
	inOpen := make(map[uint64]bool, len(open))
	for _, p := range open {
		inOpen[p.ID] = true
	}
	for id, p := range b.tracked {
		if !inOpen[id] || !now.Before(p.Deadline) {
			return true
		}
	}
	return false
}

// atRiskBlind runs when the poll failed: ballots last seen empty whose
// deadline comes within the threshold are at risk, since nothing can be
// sent while the endpoints are down.
func (b *Bot) atRiskBlind(ctx context.Context, opts Options) {
	now := b.now()
	for _, bp := range b.lastPlans {
		if atRisk(bp, true, opts.AtRiskThreshold, now) {
			b.fire(ctx, atRiskAlert(bp, now))
		}
	}
}

// nameProposers fills ProposerName from the known neurons, for rules that
// match on a proposer's name.
func (b *Bot) nameProposers(ctx context.Context, props []policy.Proposal, opts Options, now time.Time) {
	known := b.knownNeurons(ctx, opts, now, false)
	if len(known) == 0 {
		return
	}
	names := make(map[uint64]string, len(known))
	for name, id := range known {
		names[id] = name
	}
	for i := range props {
		props[i].ProposerName = names[props[i].Proposer]
	}
}

// nothingToPlan reports whether this pass may skip planning: it reuses the
// full read the last planned pass used and every configured neuron's ballot
// in it is filled. Plans of filled ballots depend on nothing else (not the
// policy, overrides or neuron state), so that pass already recorded
// everything they would (observations, resolved alerts, metrics).
func (b *Bot) nothingToPlan(props []policy.Proposal, opts Options) bool {
	if b.plannedRead == 0 || b.plannedRead != b.open.reads {
		return false
	}
	for _, p := range props {
		for _, n := range opts.Neurons {
			if bal, ok := p.Ballots.Get(n.ID); !ok || bal.Vote == nns.VoteUnspecified {
				return false
			}
		}
	}
	return true
}
