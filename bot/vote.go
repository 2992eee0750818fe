package bot

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
)

type voteResult int

const (
	voteSent    voteResult = iota + 1 // the bot's vote filled the ballot
	voteFilled                        // already filled, not by this vote: see castResult.vote
	voteRetry                         // transient failure: try again soon
	voteRefused                       // refused by the canister: alerted, not retried
	voteSkipped                       // an earlier attempt's outcome says do not send
	voteDryRun                        // dry run: recorded as "would vote"
)

// castResult is how one vote went. On voteFilled, vote is the vote the
// ballot holds as read back from the chain (VoteUnspecified when the read
// back failed): never the policy's.
type castResult struct {
	result voteResult
	vote   nns.Vote
}

// castOne sends one vote through the intent log: the intent is written
// before the call and finished after it, so a restart knows what was sent.
func (b *Bot) castOne(ctx context.Context, bp BallotPlan, opts Options) castResult {
	d := bp.Decision
	k := ballotKey{bp.Neuron.ID, bp.Proposal.ID}
	logv := b.log.With().Uint64("neuron", k.neuron).Str("alias", bp.Neuron.Alias).Uint64("proposal", k.proposal).
		Str("topic", bp.Proposal.TopicName()).Str("vote", d.Vote.String()).Str("source", d.Source()).
		Str("reason", d.Reason).Logger()
	intent := VoteIntent{Neuron: k.neuron, Proposal: k.proposal, Vote: d.Vote, Reason: d.Reason, Source: d.Source()}
	if opts.DryRun {
		if b.noteDryRun(k) {
			logv.Info().Msg("would vote (dry run)")
			b.emit("would_vote", k.neuron, k.proposal, "would vote %s on %d for %s — %s", d.Vote, k.proposal, bp.Neuron.Label(), d.Reason)
			if err := b.store.RecordDryRun(ctx, intent); err != nil {
				logv.Error().Err(err).Msg("record dry run")
			}
		}
		return castResult{result: voteDryRun}
	}
	if b.wasRefused(k) {
		return castResult{result: voteRefused} // alerted already; a human or an override must act
	}
	attempt, err := b.store.BeginVote(ctx, intent)
	switch {
	case errors.Is(err, ErrBallotDone):
		// Sent and accepted before, yet the ballot read empty: the read
		// lags. Never send twice for the same ballot.
		return castResult{result: voteSkipped}
	case errors.Is(err, ErrVoteInFlight):
		return castResult{result: voteRetry} // another attempt is pending; re-checked at start
	case err != nil:
		// The store cannot record the intent (disk full, corrupt): vote
		// anyway. A repeat is refused by the canister (already voted),
		// which is harmless; a missed vote is not.
		logv.Error().Err(err).Msg("cannot record the vote intent (store_unwritable); voting anyway")
		attempt = 0
	}
	err = b.gov.RegisterVote(ctx, k.neuron, k.proposal, d.Vote)
	outcome, result, errText := VoteSucceeded, voteSent, ""
	var chainVote nns.Vote
	switch {
	case err == nil:
		b.marks.set(k, markDirect)
		logv.Info().Msg("voted")
		b.emit("vote", k.neuron, k.proposal, "%s voted %s on %d (%s) — %s", bp.Neuron.Label(), d.Vote, k.proposal, bp.Proposal.TopicName(), d.Reason)
	case b.errs.AlreadyVoted(err):
		// Following, or a person with the controller or another hotkey,
		// filled it first: the vote it holds is read back, never assumed to
		// be the policy's, and it is not counted as a vote votebot cast.
		outcome, result = VoteAlreadyVoted, voteFilled
		chainVote, errText = b.readBackBallot(ctx, k)
		logv.Info().Str("ballot_vote", chainVote.String()).Str("read_back", errText).Msg("ballot already filled, not by votebot")
		b.emit("vote", k.neuron, k.proposal, "%s: ballot on %d already filled, not by votebot: %s", bp.Neuron.Label(), k.proposal, errText)
	case b.errs.Refused(err):
		outcome, result, errText = VoteRefused, voteRefused, err.Error()
		b.markRefused(k)
		logv.Error().Err(err).Msg("vote refused")
		b.fire(ctx, alert.Alert{Kind: alert.KindVoteRefused, Severity: alert.SeverityCritical, Neuron: k.neuron, ProposalID: k.proposal,
			Deadline: bp.Proposal.Deadline,
			Headline: "Vote refused on proposal " + strconv.FormatUint(k.proposal, 10) + " for neuron " + bp.Neuron.Label(),
			Text:     "The governance canister refused the " + d.Vote.String() + " vote: " + err.Error() + ". Deadline " + fmtTime(bp.Proposal.Deadline) + "."})
	default:
		outcome, result, errText = VoteFailed, voteRetry, err.Error()
		logv.Warn().Err(err).Msg("vote failed; will retry")
	}
	if attempt == 0 {
		// Nothing to finish: the intent was never written.
	} else if ferr := b.store.FinishVote(context.WithoutCancel(ctx), attempt, outcome, errText); ferr != nil {
		logv.Error().Err(ferr).Msg("record vote outcome")
	}
	if result == voteSent {
		b.metrics.VoteCast(k.neuron, bp.Proposal.TopicName(), d.Vote, d.Source())
	}
	return castResult{result: result, vote: chainVote}
}

// readBackBallot reads from the chain the vote a ballot that "already
// voted" holds: the proposal's ballot, else the neuron's recent ballots. It
// returns the vote (VoteUnspecified when neither read tells) and a line for
// the vote log saying what filled it and where that was read.
func (b *Bot) readBackBallot(ctx context.Context, k ballotKey) (nns.Vote, string) {
	const filled = "filled before votebot's vote, by following or by a controller or hotkey (the NNS dapp)"
	p, perr := b.gov.Proposal(ctx, k.proposal)
	if p != nil {
		if bl, ok := p.Ballots.Get(k.neuron); ok && bl.Vote != nns.VoteUnspecified {
			return bl.Vote, filled + ": " + bl.Vote.String() + " (read back from the proposal's ballot)"
		}
	}
	recent, rerr := b.gov.RecentBallots(ctx, k.neuron)
	if v, ok := recent[k.proposal]; ok && v != nns.VoteUnspecified {
		return v, filled + ": " + v.String() + " (read back from the neuron's recent ballots)"
	}
	why := "the proposal's ballot reads empty and the neuron's recent ballots do not list it"
	if err := errors.Join(perr, rerr); err != nil {
		why = err.Error()
	}
	return nns.VoteUnspecified, filled + "; its vote could not be read back: " + why
}

func (b *Bot) wasRefused(k ballotKey) bool { return b.marks.has(k, markRefused) }

func (b *Bot) markRefused(k ballotKey) { b.marks.set(k, markRefused) }

// noteDryRun reports whether this "would vote" is new.
func (b *Bot) noteDryRun(k ballotKey) bool { return b.marks.set(k, markDryRun) }

// recoverInFlight settles attempts a crash left pending: the ballot is
// re-read; filled means the vote landed, empty means it did not (and may be
// sent again), unreadable keeps it pending for the next start.
func (b *Bot) recoverInFlight(ctx context.Context) error {
	pending, err := b.store.InFlightVotes(ctx)
	if err != nil {
		return fmt.Errorf("list in-flight votes: %w", err)
	}
	for _, v := range pending {
		p, err := b.gov.Proposal(ctx, v.Proposal)
		if err != nil {
			return &recheckError{fmt.Errorf("re-check in-flight vote %d/%d: %w", v.Proposal, v.Neuron, err)}
		}
		outcome, text := VoteAbandoned, "interrupted; ballot still empty after restart"
		if p != nil {
			if bl, ok := p.Ballots.Get(v.Neuron); ok && bl.Vote != nns.VoteUnspecified {
				outcome, text = VoteSucceeded, "interrupted; ballot found filled after restart"
				if bl.Vote != v.Vote {
					outcome = VoteAlreadyVoted
					text = "interrupted; ballot found filled after restart with " + bl.Vote.String() +
						", not votebot's " + v.Vote.String() + " (following, or a controller or hotkey)"
				}
			}
		}
		if err := b.store.FinishVote(ctx, v.Attempt, outcome, text); err != nil {
			return fmt.Errorf("finish in-flight vote %d/%d: %w", v.Proposal, v.Neuron, err)
		}
		b.log.Info().Uint64("neuron", v.Neuron).Uint64("proposal", v.Proposal).Str("outcome", string(outcome)).
			Msg("in-flight vote re-checked after restart")
	}
	return nil
}

// recheckError is a failed re-read of an in-flight vote's ballot (the
// endpoints, not the store): start-up goes on and tries again later.
type recheckError struct{ err error }

func (e *recheckError) Error() string { return e.err.Error() }
func (e *recheckError) Unwrap() error { return e.err }
