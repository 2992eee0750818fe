package bot

import (
	"context"
	"fmt"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/rewards"
)

// classifySettled is pure: what happened to a neuron's ballot on a proposal
// whose voting has ended. A miss needs two sources to agree: the proposal's
// ballot is there and empty, AND the neuron's recent_ballots (read after
// the deadline) do not list the proposal. Once the canister purged the
// ballots (settlement), hadBallot (votebot saw the neuron's ballot while
// the proposal was open) stands for the first source, and recent_ballots
// prove the miss only while they are not full (see recentBallotsProveMiss).
// Anything unreadable is unknown. A ballot seen filled while the proposal
// was open (seen) stays filled: a vote cannot be taken back, and an SNS
// neuron has no recent_ballots to say so after the purge.
func classifySettled(p policy.Proposal, nc NeuronConfig, n Neuron, neuronRead bool, seen policy.Ballot, hadBallot bool) (BallotOutcome, nns.Vote) {
	b, has := p.Ballots.Get(nc.ID)
	switch {
	case has && b.Vote != nns.VoteUnspecified:
		return BallotFollowing, b.Vote
	case !has && hadBallot && seen.Vote != nns.VoteUnspecified:
		return BallotFollowing, seen.Vote
	case !has && neuronRead && n.Authorized && p.RewardStatus != nns.RewardStatusSettled:
		return BallotNone, 0
	case !has && neuronRead && n.Authorized:
		// Settled: the canister purged the ballots. The neuron's recent
		// ballots still say whether it voted.
		if v, ok := n.RecentBallots[p.ID]; ok && v != nns.VoteUnspecified {
			return BallotFollowing, v
		}
		if hadBallot && recentBallotsProveMiss(p, n) {
			return BallotMissed, 0
		}
		return BallotUnknown, 0
	case !has:
		return BallotUnknown, 0
	case !neuronRead || !n.Authorized:
		return BallotUnknown, 0
	}
	if v, ok := n.RecentBallots[p.ID]; ok && v != nns.VoteUnspecified {
		return BallotFollowing, v // the proposal read lags the neuron
	}
	return BallotMissed, 0
}

// recentBallotsProveMiss reports whether the neuron's recent_ballots, which
// do not list p, prove it never voted on p: the list keeps the newest
// nns.MaxRecentBallots votes, so one that is not full holds every vote
// (the canister records none on ExchangeRate, so there it proves nothing).
// An SNS neuron has no recent_ballots: nothing proves its miss after the
// purge.
func recentBallotsProveMiss(p policy.Proposal, n Neuron) bool {
	return p.SNS == nil && len(n.RecentBallots) < nns.MaxRecentBallots && p.Topic != nns.TopicExchangeRate
}

// settle checks the tracked proposals that left the open list: each
// neuron's ballot is classified, observations recorded, misses alerted.
// Returns the number of misses confirmed.
//
// A neuron that cannot vote at all (blocked: no hotkey, no such neuron)
// raised its one alert already: the ballots it could not be seen to fill
// are logged and recorded unknown, not alerted one by one.
func (b *Bot) settle(ctx context.Context, open []policy.Proposal, state map[uint64]Neuron, blocked map[uint64]*Blocker, d Decider, overrides []policy.Override, opts Options) int {
	inOpen := make(map[uint64]bool, len(open))
	for _, p := range open {
		inOpen[p.ID] = true
	}
	missed := 0
	for id, tp := range b.tracked {
		now := b.now()
		if inOpen[id] && now.Before(tp.Deadline) {
			continue
		}
		p, err := b.gov.Proposal(ctx, id)
		if err != nil {
			b.log.Warn().Err(err).Uint64("proposal", id).Msg("re-read ended proposal; will retry")
			continue
		}
		if p == nil { // unknown to the canister (purged): as settled
			c := tp
			c.Ballots, c.RewardStatus = policy.Ballots{}, nns.RewardStatusSettled
			p = &c
		}
		if !p.VotingEnded(now) {
			continue // deadline moved (wait-for-quiet)
		}
		done := true
		var obs []rewards.Observation
		for _, nc := range opts.Neurons {
			n, read := state[nc.ID]
			// tp holds the ballots last seen open (kept in the store across a restart).
			seen, hadBallot := tp.Ballots.Get(nc.ID)
			outcome, vote := classifySettled(*p, nc, n, read, seen, hadBallot)
			if bl := blocked[nc.ID]; outcome == BallotUnknown && !hadBallot && bl != nil && bl.Kind == alert.KindNeuronCannotVote {
				// Below the minimum dissolve delay, the neuron got no ballot
				// while the proposal was open: nothing to confirm once the
				// ballots are purged (its cannot-vote alert covers it).
				outcome = BallotNone
			}
			if outcome != BallotMissed && outcome != BallotUnknown {
				// Voting ended with the ballot filled (or none to fill).
				b.resolve(ctx, alert.KindProposalAtRisk, nc.ID, id)
			}
			if outcome == BallotUnknown && p.RewardStatus != nns.RewardStatusSettled {
				b.resolveWith(ctx, alert.KindProposalAtRisk, nc.ID, id, "Voting ended, but this neuron's ballot "+
					"could not be read (is the hotkey still on the neuron?): whether it voted is not known yet.")
				// Ballots may become readable again before settlement; until
				// then the report says unknown, never missed.
				if o, ok := b.unknownObservation(*p, nc, now); ok {
					obs = append(obs, o)
				}
				done = false
				continue
			}
			if o, ok := b.settledObservation(*p, nc, outcome, vote, now); ok {
				if o.BallotVP == 0 { // purged at settlement: the ballot as seen open
					o.BallotVP = seen.VotingPower
				}
				obs = append(obs, o)
			}
			if outcome == BallotMissed && b.skipped(d, *p, nc, n, overrides, now) {
				continue // a deliberate abstention: recorded as missed, not alerted
			}
			if outcome == BallotUnknown && b.marks.set(ballotKey{nc.ID, id}, markMissed) {
				// Voting ended and the canister no longer has the ballots:
				// never passed off as filled, nor as missed.
				if bl := blocked[nc.ID]; bl != nil && bl.AllBallots {
					b.log.Warn().Uint64("neuron", nc.ID).Uint64("proposal", id).Str("cause", string(bl.Kind)).
						Msg("voting ended on a ballot of a neuron that cannot vote: recorded unknown, covered by the neuron's alert")
				} else {
					b.unconfirmed(ctx, *p, nc, chainSilence(*p, n, read, hadBallot), now)
				}
			}
			b.resolve(ctx, alert.KindManualDecisionNeeded, nc.ID, id)
			b.resolve(ctx, alert.KindVoteRefused, nc.ID, id)
			if outcome == BallotMissed && b.marks.set(ballotKey{nc.ID, id}, markMissed) {
				// Once: the proposal may stay unsettled for passes while
				// another neuron's ballot is unknown.
				missed++
				b.missed(ctx, *p, nc, missProof(*p, nc), now)
				b.resolveWith(ctx, alert.KindProposalAtRisk, nc.ID, id, "Voting ended without a vote from this neuron: see the vote missed alert.")
			}
		}
		if !b.recordObservations(ctx, obs) {
			done = false // settle again next pass, so nothing is lost
		}
		if done {
			if err := b.store.MarkSettled(ctx, *p); err != nil {
				b.log.Error().Err(err).Uint64("proposal", id).Msg("mark settled")
				continue
			}
			delete(b.tracked, id)
			b.forgetBallots(id)
			b.amu.Lock()
			delete(b.titles, id)
			b.amu.Unlock()
			b.metrics.ProposalSettled(id)
		}
	}
	return missed
}

func (b *Bot) skipped(d Decider, p policy.Proposal, nc NeuronConfig, n Neuron, overrides []policy.Override, now time.Time) bool {
	// Decide as of the deadline's eve: was this a deliberate skip?
	return d.Decide(p, n, overrides, p.Deadline.Add(-time.Second)).Skip
}

// settledObservation is what to record of a ballot whose voting ended;
// ok is false when there is nothing (new) to record.
func (b *Bot) settledObservation(p policy.Proposal, nc NeuronConfig, outcome BallotOutcome, vote nns.Vote, now time.Time) (o rewards.Observation, ok bool) {
	k := ballotKey{nc.ID, p.ID}
	if outcome == BallotNone || (b.marks.has(k, markObserved) && outcome != BallotMissed) {
		return o, false
	}
	if outcome == BallotFollowing && b.isDirect(k) {
		outcome = BallotDirect
	}
	return observation(&p, nc.ID, outcome, vote, now), true
}

// recordObservations writes a batch in one transaction and marks each
// ballot on success (unknown or observed, by its outcome). It reports
// false when the batch was not written.
func (b *Bot) recordObservations(ctx context.Context, obs []rewards.Observation) bool {
	if len(obs) == 0 {
		return true
	}
	if err := b.store.RecordObservations(ctx, obs); err != nil {
		b.log.Error().Err(err).Int("observations", len(obs)).Msg("record observations")
		return false
	}
	for _, o := range obs {
		if o.Ballot == rewards.BallotUnknown {
			b.marks.set(ballotKey{o.Neuron, o.ProposalID}, markUnknown)
			continue
		}
		b.marks.set(ballotKey{o.Neuron, o.ProposalID}, markObserved)
		b.obsChanged = true
	}
	return true
}

// missProof says how a miss was confirmed, for the alert.
func missProof(p policy.Proposal, nc NeuronConfig) string {
	if _, has := p.Ballots.Get(nc.ID); has {
		return "Confirmed from the proposal's ballots and the neuron's recent ballots."
	}
	return fmt.Sprintf("Confirmed after settlement: votebot saw the neuron's ballot while the proposal was open, and the "+
		"neuron's recent ballots, which hold its last %d votes and are not full, do not list the proposal.", nns.MaxRecentBallots)
}

func (b *Bot) missed(ctx context.Context, p policy.Proposal, nc NeuronConfig, proof string, now time.Time) {
	b.log.Error().Uint64("neuron", nc.ID).Uint64("proposal", p.ID).Str("topic", p.TopicName()).
		Time("deadline", p.Deadline).Msg("vote missed")
	b.metrics.VoteMissed(nc.ID, p.TopicName())
	b.emit("missed", nc.ID, p.ID, "%s MISSED proposal %d (%s)", nc.Label(), p.ID, p.TopicName())
	b.fire(ctx, alert.Alert{Kind: alert.KindVoteMissed, Severity: alert.SeverityCritical, Neuron: nc.ID, ProposalID: p.ID,
		Deadline: p.Deadline,
		Headline: fmt.Sprintf("Vote missed: proposal %d, neuron %s", p.ID, nc.Label()),
		Text: fmt.Sprintf("Neuron %s did not vote on proposal %d (%s): %s. The deadline was %s. %s",
			nc.Label(), p.ID, topicAndWeight(p), p.Title, fmtTime(p.Deadline), proof)})
}

// topicAndWeight names a proposal's topic and what a ballot on it weighs
// in the rewards.
func topicAndWeight(p policy.Proposal) string {
	if p.SNS != nil {
		return p.SNS.Topic.String() + ", rewarded pro rata of the voting power exercised"
	}
	return fmt.Sprintf("%s, reward weight %g", p.Topic, p.Topic.RewardWeight())
}

// unknownObservation records once that a ballot could not be read after
// voting ended (the store never lets "unknown" overwrite a known outcome).
func (b *Bot) unknownObservation(p policy.Proposal, nc NeuronConfig, now time.Time) (o rewards.Observation, ok bool) {
	k := ballotKey{nc.ID, p.ID}
	if b.marks.has(k, markObserved) || b.marks.has(k, markUnknown) {
		return o, false
	}
	return observation(&p, nc.ID, BallotUnknown, 0, now), true
}

// forgetBallots drops what the loop remembered about a settled proposal's
// ballots: kept, it would grow with every proposal for as long as the
// daemon runs.
func (b *Bot) forgetBallots(proposal uint64) {
	b.marks.forget(proposal)
}

// observation is what rewards/ records of a ballot. A confirmed miss is an
// empty ballot seen after voting closed, which is how rewards/ counts a
// miss: its status says voting closed.
func observation(p *policy.Proposal, neuron uint64, outcome BallotOutcome, vote nns.Vote, now time.Time) rewards.Observation {
	state, status := rewards.BallotState(outcome), p.RewardStatus
	if outcome == BallotMissed {
		state = rewards.BallotEmpty
		if status == nns.RewardStatusAcceptVotes || status == nns.RewardStatusUnspecified {
			status = nns.RewardStatusReadyToSettle
		}
	}
	o := rewards.Observation{ProposalID: p.ID, Neuron: neuron, Topic: p.Topic, RewardStatus: status,
		Ballot: state, BallotVP: p.Ballots.VotingPower(neuron), Vote: vote,
		ProposalTime: p.Created, Deadline: p.Deadline, ObservedAt: now,
		TotalPotentialVP: p.TotalPotentialVP} // prices a miss in the report
	if p.SNS != nil {
		o.SNS, o.SNSTopic = true, p.SNS.Topic
	}
	return o
}

// chainSilence says why the chain cannot tell whether a settled ballot was
// voted (classifySettled found it unknown).
func chainSilence(p policy.Proposal, n Neuron, neuronRead, hadBallot bool) string {
	switch {
	case !neuronRead || !n.Authorized:
		return "the neuron itself could not be read"
	case !hadBallot:
		return "votebot never saw this neuron's ballot while the proposal was open, so the chain cannot tell a miss from no ballot"
	case p.Topic == nns.TopicExchangeRate:
		return "the neuron's recent ballots never list ExchangeRate proposals"
	}
	return fmt.Sprintf("the neuron's recent ballots are full (its newest %d votes), so their not listing the proposal proves nothing",
		nns.MaxRecentBallots)
}

// unconfirmed tells a person that a ballot's outcome cannot be known: voting
// ended while votebot could not see it (typically it was not running) and
// the canister has since purged the proposal's ballots.
func (b *Bot) unconfirmed(ctx context.Context, p policy.Proposal, nc NeuronConfig, silence string, now time.Time) {
	why := "votebot could not read the ballot before the canister purged it"
	if !b.downFrom.IsZero() && p.Deadline.After(b.downFrom) && p.Deadline.Before(b.upAt) {
		why = fmt.Sprintf("votebot was down from %s to %s", fmtTime(b.downFrom), fmtTime(b.upAt))
	} else if b.downFrom.IsZero() && !b.upAt.IsZero() && p.Deadline.Before(b.upAt) {
		why = "votebot was not running when voting ended (it started at " + fmtTime(b.upAt) + ")"
	}
	text := fmt.Sprintf("Could not confirm neuron %s voted on proposal %d (%s) before its deadline %s; %s, and %s. "+
		"It is counted neither voted nor missed (the report shows it as unknown): check the neuron's voting "+
		"history in the NNS dapp.", nc.Label(), p.ID, p.TopicName(), fmtTime(p.Deadline), why, silence)
	b.log.Error().Uint64("neuron", nc.ID).Uint64("proposal", p.ID).Msg(text)
	b.emit("unconfirmed", nc.ID, p.ID, "%s: vote on %d not confirmed", nc.Label(), p.ID)
	b.fire(ctx, alert.Alert{Kind: alert.KindVoteUnconfirmed, Severity: alert.SeverityWarning, Neuron: nc.ID,
		ProposalID: p.ID, Deadline: p.Deadline, Text: text,
		Headline: fmt.Sprintf("Vote on proposal %d not confirmed for neuron %s", p.ID, nc.Label())})
	b.resolveWith(ctx, alert.KindProposalAtRisk, nc.ID, p.ID, "Voting ended and the vote could not be confirmed: see the vote not confirmed alert.")
}
