package store

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
)

// fakeClock is a settable clock for stamping records.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock { return &fakeClock{t: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }

func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// openTemp opens a fresh store in t.TempDir and closes it when the test ends.
func openTemp(t *testing.T) (*Store, string, *fakeClock) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "votebot.db")
	clock := newClock()
	s, err := Open(context.Background(), path, WithClock(clock.Now))
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path, clock
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// intent is a vote intent for a ballot.
func intent(proposal, neuron uint64, vote nns.Vote, source, reason string) bot.VoteIntent {
	return bot.VoteIntent{Proposal: proposal, Neuron: neuron, Vote: vote, Source: source, Reason: reason}
}

// doneVotes returns the attempts that filled the ballot (succeeded or already voted).
func doneVotes(t *testing.T, s *Store, proposal, neuron uint64) []VoteAttempt {
	t.Helper()
	all, err := s.VoteAttempts(context.Background(), proposal, neuron)
	must(t, err)
	var done []VoteAttempt
	for _, a := range all {
		if a.Outcome.Done() {
			done = append(done, a)
		}
	}
	return done
}

// count runs a SELECT COUNT(*) (or any one-integer query).
func count(t *testing.T, s *Store, query string, args ...any) int64 {
	t.Helper()
	var n int64
	must(t, s.db.QueryRowContext(context.Background(), query, args...).Scan(&n))
	return n
}

// failOn makes every insert into table for proposal id fail, to test that a batch is atomic.
func failOn(t *testing.T, s *Store, table string, proposal uint64) {
	t.Helper()
	_, err := s.db.ExecContext(context.Background(), fmt.Sprintf(`CREATE TRIGGER fail_%[1]s
BEFORE INSERT ON %[1]s WHEN NEW.proposal_id = %[2]d BEGIN SELECT RAISE(ABORT, 'injected failure'); END`, table, proposal))
	must(t, err)
}
