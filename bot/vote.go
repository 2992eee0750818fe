package bot

import (
	"context"
	"strings"
	"sync"
	"time"
)

type voteResult int

const (
	voteSent    voteResult = iota + 1 // the ballot is filled (by us, or already)
	voteRetry                         // transient failure: try again soon
	voteRefused                       // refused by the canister: alerted, not retried
	voteSkipped                       // an earlier attempt's outcome says do not send
)

// castDue sends every due vote, at most VoteConcurrency at a time. In-flight
// votes finish even when ctx is cancelled (SIGTERM), bounded by
// ShutdownGrace, so a vote is never left half-recorded by a clean stop.
func (b *Bot) castDue(ctx context.Context, plans []BallotPlan, opts Options) map[ballotKey]voteResult {
	results := map[ballotKey]voteResult{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, opts.VoteConcurrency)
	detached := context.WithoutCancel(ctx)
	for _, bp := range plans {
		if !bp.Due {
			continue
		}
		if ctx.Err() != nil {
			break // stopping: send nothing new
		}
		sem <- struct{}{}
		wg.Add(1)
		go func(bp BallotPlan) {
			defer func() { <-sem; wg.Done() }()
			vctx, cancel := context.WithTimeout(detached, opts.CallTimeout)
			defer cancel()
			stop := context.AfterFunc(ctx, func() {
				// On shutdown give the call ShutdownGrace, then abandon it.
				t := time.AfterFunc(opts.ShutdownGrace, cancel)
				context.AfterFunc(vctx, func() { t.Stop() })
			})
			defer stop()
			r := b.castOne(vctx, bp, opts)
			mu.Lock()
			results[ballotKey{bp.Neuron.ID, bp.Proposal.ID}] = r
			mu.Unlock()
		}(bp)
	}
	wg.Wait()
	return results
}

// castOne sends one vote through the intent log: the intent is written
// before the call and finished after it, so a restart knows what was sent.
func (b *Bot) castOne(ctx context.Context, bp BallotPlan, opts Options) voteResult {
	d := bp.Decision
	k := ballotKey{bp.Neuron.ID, bp.Proposal.ID}
	logv := b.log.With().Uint64("neuron", k.neuron).Str("alias", bp.Neuron.Alias).Uint64("proposal", k.proposal).
		Str("topic", bp.Proposal.Topic.String()).Str("vote", d.Vote.String()).Str("source", d.Source).
		Str("reason", d.Reason).Logger()
	if opts.DryRun {
		if !b.observed[k] {
			logv.Info().Msg("would vote (dry run)")
			b.emit("would_vote", k.neuron, k.proposal, "would vote %s on %d for %s — %s", d.Vote, k.proposal, neuronLabel(bp.Neuron), d.Reason)
		}
		return voteSkipped
	}
	intent := VoteIntent{Neuron: k.neuron, Proposal: k.proposal, Topic: bp.Proposal.Topic, Vote: d.Vote, Reason: d.Reason, Source: d.Source}
	prior, err := b.store.BeginVote(ctx, intent)
	if err != nil {
		logv.Error().Err(err).Msg("record vote intent; not sending")
		return voteRetry
	}
	if prior != nil {
		switch {
		case prior.Outcome == "voted" || prior.Outcome == "already_voted":
			// Sent and accepted before, yet the ballot read empty: the read
			// lags. Never send twice for the same ballot.
			return voteSkipped
		case strings.HasPrefix(prior.Outcome, "refused"):
			return voteRefused
		}
		// In flight when the process died, or a transient failure: the
		// ballot read in this pass is still empty, so the earlier call did
		// not land; sending again is safe (a filled ballot answers 19).
		logv.Info().Str("prior_outcome", prior.Outcome).Msg("retrying vote after an unfinished attempt")
	}
	err = b.gov.RegisterVote(ctx, k.neuron, k.proposal, d.Vote)
	outcome, result := "voted", voteSent
	source := d.Source
	switch {
	case err == nil:
		b.amu.Lock()
		b.direct[k] = true
		b.amu.Unlock()
		logv.Info().Msg("voted")
		b.emit("vote", k.neuron, k.proposal, "%s voted %s on %d (%s) — %s", neuronLabel(bp.Neuron), d.Vote, k.proposal, bp.Proposal.Topic, d.Reason)
	case b.errs.AlreadyVoted(err):
		outcome, source = "already_voted", "following"
		logv.Info().Msg("ballot already filled (following)")
		b.emit("vote", k.neuron, k.proposal, "%s: ballot on %d already filled by following", neuronLabel(bp.Neuron), k.proposal)
	case b.errs.Refused(err):
		outcome, result = "refused: "+err.Error(), voteRefused
		logv.Error().Err(err).Msg("vote refused")
		b.fire(ctx, Alert{Kind: AlertRefused, Severity: SeverityCritical, Neuron: k.neuron, Proposal: k.proposal, Resolvable: true,
			Deadline: bp.Proposal.Deadline,
			Title:    "Vote refused on proposal " + itoa(k.proposal) + " for neuron " + neuronLabel(bp.Neuron),
			Text:     "The governance canister refused the " + d.Vote.String() + " vote: " + err.Error() + ". Deadline " + fmtTime(bp.Proposal.Deadline) + "."})
	default:
		outcome, result = "failed: "+err.Error(), voteRetry
		logv.Warn().Err(err).Msg("vote failed; will retry")
	}
	if ferr := b.store.FinishVote(context.WithoutCancel(ctx), k.neuron, k.proposal, outcome); ferr != nil {
		logv.Error().Err(ferr).Msg("record vote outcome")
	}
	if result == voteSent && b.metrics != nil {
		b.metrics.VotesCast.WithLabelValues(itoa(k.neuron), bp.Proposal.Topic.String(), strings.ToLower(d.Vote.String()), source).Inc()
	}
	return result
}
