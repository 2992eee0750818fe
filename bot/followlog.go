package bot

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// FollowingLog is what a Store may also keep of following, for the
// followee reliability report and backtests (issue 24); *store.Store
// implements it. A Store without it keeps no such history.
type FollowingLog interface {
	RecordFollowing(ctx context.Context, fills []FollowingFill, votes []FolloweeVote) error
}

// FollowingFill is a ballot first seen filled by following (not by the bot),
// with the neuron's followees on the proposal's topic then.
type FollowingFill struct {
	Proposal, Neuron uint64
	Vote             nns.Vote
	At               time.Time
	Topic            nns.Topic
	Followees        []uint64
}

// FolloweeVote is a followee's vote on a proposal, as first seen.
type FolloweeVote struct {
	Proposal, Followee uint64
	Topic              nns.Topic
	Vote               nns.Vote
	SeenAt             time.Time
}

// FolloweeRecord is one followee's record on one topic, as the followers'
// ballots saw it.
type FolloweeRecord struct {
	Followee  uint64    `json:"followee"`
	Name      string    `json:"name,omitempty"`
	Topic     nns.Topic `json:"-"`
	TopicName string    `json:"topic"`
	Followers []uint64  `json:"followers"`
	// Proposals it was followed on, and how many of them it voted on
	// before the follower's ballot was settled (by following or the
	// fallback).
	Proposals int     `json:"proposals"`
	Voted     int     `json:"voted"`
	Share     float64 `json:"share"`
	// MedianLead and WorstLead: how long before the follower's deadline
	// margin its vote was seen (negative: after). Seen is an upper bound
	// of when it voted: the loop looks when it needs to.
	MedianLead time.Duration `json:"median_lead_ns"`
	WorstLead  time.Duration `json:"worst_lead_ns"`
	// Timed is how many votes the leads are of: those on ballots the loop
	// decided on (a margin was computed); 0 when none.
	Timed int `json:"timed"`
	// Fallbacks counts the follower ballots the fallback filled while this
	// followee had not voted.
	Fallbacks int  `json:"fallbacks"`
	Weak      bool `json:"weak"`
	// Better are neurons seen voting with a better share on the topic's
	// stored proposals of the window, best first.
	Better []Candidate `json:"better,omitempty"`
}

// Candidate is a neuron's voting record on one topic.
type Candidate struct {
	Neuron uint64  `json:"neuron"`
	Name   string  `json:"name,omitempty"`
	Voted  int     `json:"voted"`
	Of     int     `json:"of"`
	Share  float64 `json:"share"`
}

// decisionInput is what the policy decided bp on, as a backtest replays it
// (policy.Decide through PolicyDecider, without the policy).
func decisionInput(bp BallotPlan, state map[uint64]Neuron, now time.Time) *policy.Input {
	b, has := bp.Proposal.Ballots.Get(bp.Neuron.ID)
	return &policy.Input{Proposal: *bp.Proposal, Now: now,
		Neuron: policy.Neuron{ID: bp.Neuron.ID, HasBallot: has, Ballot: b.Vote, Followees: state[bp.Neuron.ID].Followees, SNSFollowees: state[bp.Neuron.ID].SNSFollowees,
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
	// After a fallback acted (its decision is recorded by the next pass),
	// else hourly, which keeps the metrics current.
	if _, opts := b.settings(); b.followeeCheck || now.Sub(b.followeesAt) >= opts.KnownNeuronsTTL {
		b.followeeCheck, b.followeesAt = false, now
		b.checkFollowees(ctx, now)
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
			fs := policy.FolloweesFor(*p, state[bp.Neuron.ID].Followees, state[bp.Neuron.ID].SNSFollowees)
			fills = append(fills, FollowingFill{Proposal: p.ID, Neuron: bp.Neuron.ID, Vote: bp.Vote, At: now,
				Topic: p.Topic, Followees: fs})
			if len(fs) == 1 {
				// One followee filled it: it voted so, whatever its recent
				// ballots show (they never list ExchangeRate).
				votes = append(votes, FolloweeVote{Proposal: p.ID, Followee: fs[0], Topic: p.Topic, Vote: bp.Vote, SeenAt: now})
				continue
			}
			for _, f := range fs {
				rb, read := recent[f]
				if !read {
					var err error
					if rb, err = b.gov.RecentBallots(ctx, f); err != nil && !errors.Is(err, ErrNoRecentBallots) {
						b.log.Warn().Err(err).Uint64("followee", f).Msg("followee's recent ballots")
					}
					recent[f] = rb
				}
				if v, ok := rb[p.ID]; ok && v != nns.VoteUnspecified {
					votes = append(votes, FolloweeVote{Proposal: p.ID, Followee: f, Topic: p.Topic, Vote: v, SeenAt: now})
				}
			}
		case bp.Due && bp.Decision.Fallback:
			fallbackDue, b.followeeCheck = true, true
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

// FolloweeReporter is a Store that can also compute the followees' records
// (backtest.Followees over its history); *store.Store implements it.
type FolloweeReporter interface {
	FolloweeRecords(ctx context.Context, since time.Time, threshold int) ([]FolloweeRecord, error)
}

// FolloweeMetrics is a Metrics that also publishes the followees' records;
// metrics.Metrics implements it.
type FolloweeMetrics interface {
	FolloweesChecked(recs []FolloweeRecord)
}

// followeeWindow is how far back followee_unreliable counts fallbacks.
const followeeWindow = 30 * 24 * time.Hour

// checkFollowees fires followee_unreliable for every followee whose silence
// made the fallback fill more than Options.FolloweeFallbacks ballots on a
// topic in the window: an event, at most one a week per followee and topic.
func (b *Bot) checkFollowees(ctx context.Context, now time.Time) {
	r, ok := b.store.(FolloweeReporter)
	if !ok {
		return
	}
	_, opts := b.settings()
	recs, err := r.FolloweeRecords(ctx, now.Add(-followeeWindow), opts.FolloweeFallbacks)
	if err != nil {
		b.log.Warn().Err(err).Msg("followee records")
		return
	}
	if m, ok := b.metrics.(FolloweeMetrics); ok {
		m.FolloweesChecked(recs)
	}
	names := make(map[uint64]string, len(b.known))
	for name, id := range b.known {
		names[id] = name
	}
	for _, rec := range recs {
		if !rec.Weak {
			continue
		}
		a := followeeAlert(rec, names, now)
		if b.followeeAlerted[a.Key] {
			continue
		}
		if b.followeeAlerted == nil {
			b.followeeAlerted = map[string]bool{}
		}
		b.followeeAlerted[a.Key] = true
		b.fire(ctx, a)
	}
}

// followeeAlert tells which followee made the fallback act, how often, and
// which neurons voted more on the topic.
func followeeAlert(rec FolloweeRecord, names map[uint64]string, now time.Time) alert.Alert {
	who := neuronName(rec.Followee, names)
	week := now.Unix() / int64(7*24*time.Hour/time.Second)
	var followers []string
	for _, f := range rec.Followers {
		followers = append(followers, fmt.Sprint(f))
	}
	text := fmt.Sprintf("Followee %s voted on %d of the %d %s proposals it was followed on by neuron %s in the last 30 days; "+
		"the fallback had to fill %d ballots because it had not voted.", who, rec.Voted, rec.Proposals, rec.TopicName,
		strings.Join(followers, ", "), rec.Fallbacks)
	if len(rec.Better) > 0 {
		var better []string
		for _, c := range rec.Better {
			better = append(better, fmt.Sprintf("%s (%d of %d)", neuronName(c.Neuron, names), c.Voted, c.Of))
		}
		text += " Neurons that voted more on " + rec.TopicName + ": " + strings.Join(better, ", ") + "."
	}
	text += " Consider another followee for this topic (policies.*.following); votebot followees shows every record."
	return alert.Alert{Kind: alert.KindFolloweeUnreliable, Severity: alert.SeverityWarning, Topic: rec.TopicName,
		Key:      fmt.Sprintf("%s/topic%d/week%d", alert.KeyFor(alert.KindFolloweeUnreliable, rec.Followee, 0), int(rec.Topic), week),
		Headline: fmt.Sprintf("Followee %s unreliable on %s: %d fallbacks", who, rec.TopicName, rec.Fallbacks),
		Text:     text}
}

func neuronName(id uint64, names map[uint64]string) string {
	if n := names[id]; n != "" {
		return fmt.Sprintf("%d (%s)", id, n)
	}
	return fmt.Sprint(id)
}
