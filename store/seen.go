package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/votebot/votebot/policy"
)

// SeenProposals returns what the store keeps of the given proposals (id, topic, title,
// proposer, creation time, deadline, reward status, the ballots as seen open), open or closed, by id: the console shows
// a closed proposal's page and title from it. Ids the loop never saw are absent.
func (s *Store) SeenProposals(ctx context.Context, ids []uint64) (map[uint64]policy.Proposal, error) {
	out := make(map[uint64]policy.Proposal, len(ids))
	// In chunks: SQLite bounds the number of parameters of a statement.
	for len(ids) > 0 {
		n := min(len(ids), 500)
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id64(id)
		}
		got, err := queryAll(ctx, s, scanProposal, `SELECT id, topic, title, proposer, created_at, deadline, reward_status, ballots, sns
FROM proposals WHERE id IN (?`+strings.Repeat(", ?", n-1)+`)`, args...)
		if err != nil {
			return nil, fmt.Errorf("read seen proposals: %w", err)
		}
		for _, p := range got {
			out[p.ID] = p
		}
		ids = ids[n:]
	}
	return out, nil
}

// CastVotes lists the votes votebot cast (sent and accepted) on proposal, oldest first, each
// with the source (rule, fallback, override) and reason it was cast for.
func (s *Store) CastVotes(ctx context.Context, proposal uint64) ([]VoteAttempt, error) {
	out, err := s.queryAttempts(ctx, "proposal_id = ? AND outcome = 'succeeded'", id64(proposal))
	if err != nil {
		return nil, fmt.Errorf("list votes cast on %d: %w", proposal, err)
	}
	return out, nil
}
