package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/votebot/votebot/backtest"
	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// decisionInput is what a decision row keeps of its policy.Input beyond the proposals table:
// what can change while the proposal is open (deadline, tally), the proposer's known-neuron name
// (learnt after the proposal is saved) and the neuron's side. Followees are the effective ones
// on the proposal's topic, which is all policy.Decide reads of them.
type decisionInput struct {
	Deadline     int64            `json:"deadline,omitempty"` // Unix nanoseconds
	Margin       int64            `json:"margin,omitempty"`
	Tally        [3]uint64        `json:"tally"`
	ProposerName string           `json:"proposer_name,omitempty"`
	NoBallot     bool             `json:"no_ballot,omitempty"`
	Followees    []uint64         `json:"followees,omitempty"`
	Votes        map[string]int32 `json:"votes,omitempty"` // followee id → nns.Vote
}

// encodeInput renders r.Input as the input column ("" when there is none).
func encodeInput(r bot.DecisionRecord) (string, error) {
	in := r.Input
	if in == nil {
		return "", nil
	}
	p := in.Proposal
	di := decisionInput{Deadline: unixNano(p.Deadline), Margin: unixNano(r.Decision.Margin),
		Tally: [3]uint64{p.Tally.Yes, p.Tally.No, p.Tally.Total}, ProposerName: p.ProposerName,
		NoBallot: !in.Neuron.HasBallot, Followees: policy.EffectiveFollowees(in.Neuron.Followees, p.Topic)}
	for id, v := range in.Neuron.FolloweeVotes {
		if di.Votes == nil {
			di.Votes = map[string]int32{}
		}
		di.Votes[strconv.FormatUint(id, 10)] = int32(v)
	}
	data, err := json.Marshal(di)
	if err != nil {
		return "", fmt.Errorf("encode input: %w", err)
	}
	return string(data), nil
}

// DecisionHistory lists the decisions recorded with their input (since migration 12) on the
// proposals created at or after since, by proposal, neuron and time. Each has its Input rebuilt
// as the policy saw it: the proposal from the proposals table and the decision's input, the
// neuron's ballot empty (a decision is recorded only for an empty ballot), its followees on the
// topic and their votes then; Now is the decision's time. Decision.Margin is restored too.
func (s *Store) DecisionHistory(ctx context.Context, since time.Time) ([]bot.DecisionRecord, error) {
	out, err := queryAll(ctx, s, scanHistory, `SELECT d.proposal_id, d.neuron_id, d.action, d.vote, d.rule, d.source,
	d.reason, d.at, d.input, p.topic, p.title, p.summary, p.url, p.action, p.action_tag, p.nns_function, p.proposer,
	p.created_at
FROM decisions d JOIN proposals p ON p.id = d.proposal_id
WHERE d.input != '' AND p.created_at >= ?
ORDER BY d.proposal_id, d.neuron_id, d.id`, unixNano(since))
	if err != nil {
		return nil, fmt.Errorf("list decision history: %w", err)
	}
	return out, nil
}

func scanHistory(row rowScanner) (bot.DecisionRecord, error) {
	var (
		r                          bot.DecisionRecord
		pid, nid, vote, at         int64
		verb, source, input        string
		topic, nnsFn, proposer, cr int64
		p                          policy.Proposal
		action                     string
	)
	if err := row.Scan(&pid, &nid, &verb, &vote, &r.Decision.Rule, &source, &r.Decision.Reason, &at, &input,
		&topic, &p.Title, &p.Summary, &p.URL, &action, &p.ActionTag, &nnsFn, &proposer, &cr); err != nil {
		return bot.DecisionRecord{}, err
	}
	r.Proposal, r.Neuron, r.At, r.Decision.Vote = uint64(pid), uint64(nid), fromUnixNano(at), nns.Vote(vote)
	if err := setVerb(&r.Decision, verb); err != nil {
		return bot.DecisionRecord{}, fmt.Errorf("decision %d/%d: %w", r.Proposal, r.Neuron, err)
	}
	r.Decision.Override, r.Decision.Fallback = source == "override", source == "fallback"
	var di decisionInput
	if err := json.Unmarshal([]byte(input), &di); err != nil {
		return bot.DecisionRecord{}, fmt.Errorf("decision %d/%d: input: %w", r.Proposal, r.Neuron, err)
	}
	r.Decision.Margin = fromUnixNano(di.Margin)
	p.ID, p.Topic, p.Action, p.NNSFunction = r.Proposal, nns.Topic(topic), policy.ActionKind(action), int32(nnsFn)
	p.Proposer, p.ProposerName, p.Created = uint64(proposer), di.ProposerName, fromUnixNano(cr)
	p.Deadline, p.Tally = fromUnixNano(di.Deadline), policy.Tally{Yes: di.Tally[0], No: di.Tally[1], Total: di.Tally[2]}
	n := policy.Neuron{ID: r.Neuron, HasBallot: !di.NoBallot, Followees: map[nns.Topic][]uint64{}}
	if len(di.Followees) > 0 {
		n.Followees[p.Topic] = di.Followees
	}
	for k, v := range di.Votes {
		id, err := strconv.ParseUint(k, 10, 64)
		if err != nil {
			return bot.DecisionRecord{}, fmt.Errorf("decision %d/%d: followee %q: %w", r.Proposal, r.Neuron, k, err)
		}
		if n.FolloweeVotes == nil {
			n.FolloweeVotes = map[uint64]nns.Vote{}
		}
		n.FolloweeVotes[id] = nns.Vote(v)
	}
	p.FolloweeVotes = n.FolloweeVotes
	if n.HasBallot {
		p.Ballots = policy.NewBallots([]policy.NeuronBallot{{Neuron: r.Neuron}})
	}
	r.Input = &policy.Input{Proposal: p, Neuron: n, Now: r.At}
	return r, nil
}

// RecordFollowing implements bot.FollowingLog: the first sighting of each is kept.
func (s *Store) RecordFollowing(ctx context.Context, fills []bot.FollowingFill, votes []bot.FolloweeVote) (err error) {
	if len(fills) == 0 && len(votes) == 0 {
		return nil
	}
	defer s.noteWrite(&err)
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("record following: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	for _, f := range fills {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO following_fills (proposal_id, neuron_id, vote, filled_at, topic, followees)
VALUES (?, ?, ?, ?, ?, ?)`, id64(f.Proposal), id64(f.Neuron), int64(f.Vote), unixNano(f.At), int64(f.Topic), joinIDs(f.Followees)); err != nil {
			return fmt.Errorf("record following fill %d/%d: %w", f.Proposal, f.Neuron, err)
		}
	}
	for _, v := range votes {
		if _, err := tx.ExecContext(ctx, `INSERT OR IGNORE INTO followee_votes (proposal_id, followee_id, topic, vote, seen_at)
VALUES (?, ?, ?, ?, ?)`, id64(v.Proposal), id64(v.Followee), int64(v.Topic), int64(v.Vote), unixNano(v.SeenAt)); err != nil {
			return fmt.Errorf("record followee vote %d/%d: %w", v.Proposal, v.Followee, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("record following: %w", err)
	}
	return nil
}

// FollowingFills lists the ballots seen filled by following on proposals created at or after since.
func (s *Store) FollowingFills(ctx context.Context, since time.Time) ([]bot.FollowingFill, error) {
	out, err := queryAll(ctx, s, func(row rowScanner) (bot.FollowingFill, error) {
		var f bot.FollowingFill
		var pid, nid, vote, at, topic int64
		var followees string
		if err := row.Scan(&pid, &nid, &vote, &at, &topic, &followees); err != nil {
			return f, err
		}
		f.Proposal, f.Neuron, f.Vote, f.At = uint64(pid), uint64(nid), nns.Vote(vote), fromUnixNano(at)
		f.Topic = nns.Topic(topic)
		var err error
		if f.Followees, err = splitIDs(followees); err != nil {
			return f, fmt.Errorf("following fill %d/%d: %w", pid, nid, err)
		}
		return f, nil
	}, `SELECT f.proposal_id, f.neuron_id, f.vote, f.filled_at, f.topic, f.followees FROM following_fills f
JOIN proposals p ON p.id = f.proposal_id WHERE p.created_at >= ? ORDER BY f.proposal_id, f.neuron_id`, unixNano(since))
	if err != nil {
		return nil, fmt.Errorf("list following fills: %w", err)
	}
	return out, nil
}

// FolloweeVotes lists the followees' votes seen on proposals created at or after since.
func (s *Store) FolloweeVotes(ctx context.Context, since time.Time) ([]bot.FolloweeVote, error) {
	out, err := queryAll(ctx, s, func(row rowScanner) (bot.FolloweeVote, error) {
		var v bot.FolloweeVote
		var pid, fid, topic, vote, at int64
		err := row.Scan(&pid, &fid, &topic, &vote, &at)
		v.Proposal, v.Followee, v.Topic, v.Vote, v.SeenAt = uint64(pid), uint64(fid), nns.Topic(topic), nns.Vote(vote), fromUnixNano(at)
		return v, err
	}, `SELECT v.proposal_id, v.followee_id, v.topic, v.vote, v.seen_at FROM followee_votes v
JOIN proposals p ON p.id = v.proposal_id WHERE p.created_at >= ? ORDER BY v.proposal_id, v.followee_id`, unixNano(since))
	if err != nil {
		return nil, fmt.Errorf("list followee votes: %w", err)
	}
	return out, nil
}

// StoredProposals lists the proposals created at or after since, with what the store keeps of
// them (no ballots' votes), by id.
func (s *Store) StoredProposals(ctx context.Context, since time.Time) ([]policy.Proposal, error) {
	out, err := queryAll(ctx, s, func(row rowScanner) (policy.Proposal, error) {
		var p policy.Proposal
		var id, topic, proposer, created, deadline, nnsFn int64
		var action, snsFacts string
		if err := row.Scan(&id, &topic, &p.Title, &p.Summary, &action, &nnsFn, &proposer, &created, &deadline, &snsFacts); err != nil {
			return p, err
		}
		p.ID, p.Topic, p.Action, p.NNSFunction = uint64(id), nns.Topic(topic), policy.ActionKind(action), int32(nnsFn)
		p.Proposer, p.Created, p.Deadline = uint64(proposer), fromUnixNano(created), fromUnixNano(deadline)
		if snsFacts != "" { // an SNS lane's proposal: what its rules match on
			p.SNS = new(policy.SNSProposal)
			if err := json.Unmarshal([]byte(snsFacts), p.SNS); err != nil {
				return p, fmt.Errorf("proposal %d: sns facts: %w", id, err)
			}
		}
		return p, nil
	}, `SELECT id, topic, title, summary, action, nns_function, proposer, created_at, deadline, sns FROM proposals
WHERE created_at >= ? ORDER BY id`, unixNano(since))
	if err != nil {
		return nil, fmt.Errorf("list proposals: %w", err)
	}
	return out, nil
}

var _ bot.FollowingLog = (*Store)(nil)

// FolloweeRecords implements bot.FolloweeReporter: backtest.Followees over the history of the
// proposals created at or after since.
func (s *Store) FolloweeRecords(ctx context.Context, since time.Time, threshold int) ([]bot.FolloweeRecord, error) {
	h, err := backtest.Load(ctx, s, since, s.now())
	if err != nil {
		return nil, err
	}
	return backtest.Followees(h, threshold, nil), nil
}

var _ bot.FolloweeReporter = (*Store)(nil)

func joinIDs(ids []uint64) string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatUint(id, 10)
	}
	return strings.Join(parts, ",")
}

func splitIDs(s string) ([]uint64, error) {
	if s == "" {
		return nil, nil
	}
	var out []uint64
	for _, part := range strings.Split(s, ",") {
		id, err := strconv.ParseUint(part, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("followee %q: %w", part, err)
		}
		out = append(out, id)
	}
	return out, nil
}
