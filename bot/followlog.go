package bot

import (
	"context"
	"time"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// FollowingLog is what a Store may also keep of following, for the
// followee reliability report and backtests (issue 24); *store.Store
// implements it. A Store without it keeps no such history.
type FollowingLog interface {
	RecordFollowing(ctx context.Context, fills []FollowingFill, votes []FolloweeVote) error
}

// FollowingFill is a ballot first seen filled by following (not by the bot).
type FollowingFill struct {
	Proposal, Neuron uint64
	Vote             nns.Vote
	At               time.Time
}

// FolloweeVote is a followee's vote on a proposal, as first seen.
type FolloweeVote struct {
	Proposal, Followee uint64
	Topic              nns.Topic
	Vote               nns.Vote
	SeenAt             time.Time
}

// decisionInput is what the policy decided bp on, as a backtest replays it
// (policy.Decide through PolicyDecider, without the policy).
func decisionInput(bp BallotPlan, state map[uint64]Neuron, now time.Time) *policy.Input {
	b, has := bp.Proposal.Ballots.Get(bp.Neuron.ID)
	return &policy.Input{Proposal: *bp.Proposal, Now: now,
		Neuron: policy.Neuron{ID: bp.Neuron.ID, HasBallot: has, Ballot: b.Vote, Followees: state[bp.Neuron.ID].Followees,
			FolloweeVotes: bp.Proposal.FolloweeVotes}}
}

// logFollowing keeps, when the store can (FollowingLog), the ballots first
// seen filled by following in this pass and their followees' votes (read
// from the followees' public recent ballots, once per followee and pass),
// and the followees' votes the fallbacks due now were decided with. It is
// called before recordPlans marks the filled ballots observed.
func (b *Bot) logFollowing(ctx context.Context, plans []BallotPlan, state map[uint64]Neuron, now time.Time) {
	log, ok := b.store.(FollowingLog)
	if !ok {
		return
	}
	var fills []FollowingFill
	var votes []FolloweeVote
	recent := map[uint64]map[uint64]nns.Vote{}
	fallbackDue := false
	for _, bp := range plans {
		p := bp.Proposal
		switch {
		case bp.Outcome == BallotFollowing && !b.marks.has(ballotKey{bp.Neuron.ID, p.ID}, markObserved) &&
			!b.isDirect(ballotKey{bp.Neuron.ID, p.ID}):
			fills = append(fills, FollowingFill{Proposal: p.ID, Neuron: bp.Neuron.ID, Vote: bp.Vote, At: now})
			for _, f := range policy.EffectiveFollowees(state[bp.Neuron.ID].Followees, p.Topic) {
				rb, read := recent[f]
				if !read {
					var err error
					if rb, err = b.gov.RecentBallots(ctx, f); err != nil {
						b.log.Warn().Err(err).Uint64("followee", f).Msg("followee's recent ballots")
					}
					recent[f] = rb
				}
				if v, ok := rb[p.ID]; ok && v != nns.VoteUnspecified {
					votes = append(votes, FolloweeVote{Proposal: p.ID, Followee: f, Topic: p.Topic, Vote: v, SeenAt: now})
				}
			}
		case bp.Due && bp.Decision.Fallback:
			fallbackDue = true
			for f, v := range p.FolloweeVotes {
				if v != nns.VoteUnspecified {
					votes = append(votes, FolloweeVote{Proposal: p.ID, Followee: f, Topic: p.Topic, Vote: v, SeenAt: now})
				}
			}
		}
	}
	votes = append(votes, b.knownVotes(ctx, fallbackDue, now)...)
	if err := log.RecordFollowing(ctx, fills, votes); err != nil {
		b.log.Warn().Err(err).Msg("record following history")
	}
}

// knownVotes reads the known neurons' votes on the tracked proposals when a
// fallback acts (a followee was silent: the report then compares it with
// them), else once per known-neuron TTL. Their recent ballots hold their
// last 100 votes, more than an hour of NNS proposals.
func (b *Bot) knownVotes(ctx context.Context, fallbackDue bool, now time.Time) []FolloweeVote {
	_, opts := b.settings()
	if len(b.known) == 0 || (!fallbackDue && now.Sub(b.knownVotesAt) < opts.KnownNeuronsTTL) {
		return nil
	}
	b.knownVotesAt = now
	var votes []FolloweeVote
	for _, id := range b.known {
		rb, err := b.gov.RecentBallots(ctx, id)
		if err != nil {
			b.log.Warn().Err(err).Uint64("neuron", id).Msg("known neuron's recent ballots")
			continue
		}
		for pid, v := range rb {
			if p, ok := b.tracked[pid]; ok && v != nns.VoteUnspecified {
				votes = append(votes, FolloweeVote{Proposal: pid, Followee: id, Topic: p.Topic, Vote: v, SeenAt: now})
			}
		}
	}
	return votes
}
