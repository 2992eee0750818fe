package store

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// The proposals table remembers the proposals the loop has seen open, so each is settled (its
// ballots classified, a miss counted) after its deadline even across restarts. A proposal stored
// as AcceptVotes is unsettled; MarkSettled moves it on.

// The ballots column keeps which of the caller's neurons had a ballot, and its voting power, as
// seen open: after settlement the canister purges the ballots, and only this says a neuron had
// one to miss. A save without ballots (the canister's settled copy) keeps the ones stored.
const proposalUpsertSQL = `
INSERT INTO proposals (id, topic, title, proposer, created_at, deadline, reward_status, first_seen, last_seen, ballots,
	summary, url, action, action_tag, nns_function, sns)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
	topic = excluded.topic, title = excluded.title, proposer = excluded.proposer,
	summary = CASE WHEN excluded.title != '' THEN excluded.summary ELSE proposals.summary END,
	url = CASE WHEN excluded.title != '' THEN excluded.url ELSE proposals.url END,
	action = CASE WHEN excluded.action != '' THEN excluded.action ELSE proposals.action END,
	action_tag = CASE WHEN excluded.action != '' THEN excluded.action_tag ELSE proposals.action_tag END,
	nns_function = CASE WHEN excluded.action != '' THEN excluded.nns_function ELSE proposals.nns_function END,
	sns = CASE WHEN excluded.sns != '' THEN excluded.sns ELSE proposals.sns END,
	created_at = excluded.created_at, deadline = excluded.deadline,
	reward_status = excluded.reward_status, last_seen = excluded.last_seen,
	ballots = CASE WHEN length(excluded.ballots) > 0 THEN excluded.ballots ELSE proposals.ballots END`

// SaveProposal remembers p as seen open now: it is stored as AcceptVotes whatever p.RewardStatus
// says, so it stays unsettled until MarkSettled. Seen again, its title, deadline (wait-for-quiet
// moves it) and the like are updated.
func (s *Store) SaveProposal(ctx context.Context, p policy.Proposal) error {
	if err := s.upsertProposal(ctx, p, nns.RewardStatusAcceptVotes); err != nil {
		return fmt.Errorf("save proposal %d: %w", p.ID, err)
	}
	return nil
}

// MarkSettled records that voting on p ended and every ballot was classified. Its reward status
// is stored as p's, except that AcceptVotes or Unspecified (the canister has not moved it on yet)
// becomes ReadyToSettle, so the proposal is no longer unsettled.
func (s *Store) MarkSettled(ctx context.Context, p policy.Proposal) error {
	st := p.RewardStatus
	if st == nns.RewardStatusAcceptVotes || st == nns.RewardStatusUnspecified {
		st = nns.RewardStatusReadyToSettle
	}
	if err := s.upsertProposal(ctx, p, st); err != nil {
		return fmt.Errorf("mark proposal %d settled: %w", p.ID, err)
	}
	return nil
}

// upsertProposal inserts p with reward status st, or updates it; first_seen is written once,
// last_seen every time (for a person reading the database; nothing reads them back).
func (s *Store) upsertProposal(ctx context.Context, p policy.Proposal, st nns.RewardStatus) (err error) {
	defer s.noteWrite(&err)
	now := unixNano(s.now())
	snsFacts, err := encodeSNS(p.SNS)
	if err != nil {
		return err
	}
	_, err = s.stmts.proposalUpsert.ExecContext(ctx,
		id64(p.ID), int64(p.Topic), p.Title, id64(p.Proposer), unixNano(p.Created), unixNano(p.Deadline),
		int64(st), now, now, encodeBallots(p.Ballots),
		p.Summary, p.URL, string(p.Action), p.ActionTag, int64(p.NNSFunction), snsFacts)
	return err
}

// encodeSNS is an SNS proposal's facts as stored; "" for the NNS.
func encodeSNS(f *policy.SNSProposal) (string, error) {
	if f == nil {
		return "", nil
	}
	b, err := json.Marshal(f)
	if err != nil {
		return "", fmt.Errorf("encode sns facts: %w", err)
	}
	return string(b), nil
}

// encodeBallots packs who had a ballot and its voting power (not the vote) as uvarint pairs:
// about 8 bytes a ballot, 8 KB for 1,000 neurons.
func encodeBallots(bs policy.Ballots) []byte {
	out := make([]byte, 0, 8*bs.Len())
	for n, b := range bs.All() {
		out = binary.AppendUvarint(out, n)
		out = binary.AppendUvarint(out, b.VotingPower)
	}
	return out
}

func decodeBallots(data []byte) (policy.Ballots, error) {
	var list []policy.NeuronBallot
	for len(data) > 0 {
		n, k := binary.Uvarint(data)
		if k <= 0 {
			return policy.Ballots{}, errors.New("malformed ballots")
		}
		vp, k2 := binary.Uvarint(data[k:])
		if k2 <= 0 {
			return policy.Ballots{}, errors.New("malformed ballots")
		}
		list = append(list, policy.NeuronBallot{Neuron: n, Ballot: policy.Ballot{VotingPower: vp}})
		data = data[k+k2:]
	}
	return policy.NewBallots(list), nil
}

// UnsettledProposals lists the proposals saved and not yet marked settled, by id, with what the
// store keeps of them: id, topic, title, proposer, creation time, deadline, reward status
// (AcceptVotes) and the ballots as seen open (who had one, its voting power; no votes). The loop
// re-reads each from the canister to settle it.
func (s *Store) UnsettledProposals(ctx context.Context) ([]policy.Proposal, error) {
	out, err := queryAll(ctx, s, scanProposal, `SELECT id, topic, title, proposer, created_at, deadline, reward_status, ballots, sns
FROM proposals WHERE reward_status = ? ORDER BY id`, int64(nns.RewardStatusAcceptVotes))
	if err != nil {
		return nil, fmt.Errorf("list unsettled proposals: %w", err)
	}
	return out, nil
}

func scanProposal(row rowScanner) (policy.Proposal, error) {
	var (
		p                               policy.Proposal
		id, proposer, created, deadline int64
		topic, status                   int64
		ballots                         []byte
		snsFacts                        string
	)
	if err := row.Scan(&id, &topic, &p.Title, &proposer, &created, &deadline, &status, &ballots, &snsFacts); err != nil {
		return policy.Proposal{}, err
	}
	if snsFacts != "" {
		p.SNS = new(policy.SNSProposal)
		if err := json.Unmarshal([]byte(snsFacts), p.SNS); err != nil {
			return policy.Proposal{}, fmt.Errorf("proposal %d: sns facts: %w", id, err)
		}
	}
	bs, err := decodeBallots(ballots)
	if err != nil {
		return policy.Proposal{}, fmt.Errorf("proposal %d: %w", id, err)
	}
	p.Ballots = bs
	p.ID, p.Proposer = uint64(id), uint64(proposer)
	p.Topic, p.RewardStatus = nns.Topic(topic), nns.RewardStatus(status)
	p.Created, p.Deadline = fromUnixNano(created), fromUnixNano(deadline)
	return p, nil
}
