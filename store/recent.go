package store

import (
	"context"
	"fmt"
)

// RecentVotes lists the newest votes cast (succeeded, and dry-run "would
// vote"s), newest first, at most limit: the console's history.
func (s *Store) RecentVotes(ctx context.Context, limit int) ([]VoteAttempt, error) {
	out, err := queryAll(ctx, s, scanAttempt, "SELECT "+attemptColumns+
		" FROM vote_attempts WHERE outcome IN ('succeeded', 'dry_run') ORDER BY id DESC LIMIT ?", limit)
	if err != nil {
		return nil, fmt.Errorf("list recent votes: %w", err)
	}
	return out, nil
}
