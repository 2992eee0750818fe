package store

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
)

// withPragma adds a per-connection pragma, e.g. max_page_count to make a disk "full".
func withPragma(p string) Option { return func(s *Store) { s.pragmas = append(s.pragmas, p) } }

// TestFileModesIgnoreUmask: with a permissive umask the database, its -wal, -shm and lock files
// are still readable by their owner only, and an existing 0644 database is tightened.
func TestFileModesIgnoreUmask(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	dir := t.TempDir()
	path := filepath.Join(dir, "votebot.db")
	s, err := Open(context.Background(), path, Exclusive())
	must(t, err)
	must(t, s.SaveProposal(context.Background(), policy.Proposal{ID: 1, Title: "p"}))
	for _, f := range []string{path, path + "-wal", path + "-shm", path + ".lock"} {
		checkMode(t, f, 0o600)
	}
	must(t, s.Close())

	older := filepath.Join(dir, "older.db")
	must(t, os.WriteFile(older, nil, 0o644))
	s, err = Open(context.Background(), older)
	must(t, err)
	defer s.Close()
	checkMode(t, older, 0o600)
}

func checkMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("%s: mode %v, want %v", filepath.Base(path), got, want)
	}
}

// TestHealthDiskFull fills the database to SQLite's page limit, which fails writes with
// SQLITE_FULL as a full disk does: the store must count the failure and say it is unwritable,
// and say it is writable again once a write fits.
func TestHealthDiskFull(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "votebot.db")
	s, err := Open(ctx, path, withPragma("max_page_count(64)"))
	must(t, err)
	defer s.Close()
	if ok, err := s.Writable(); !ok {
		t.Fatalf("fresh store: %v", err)
	}
	failed := fill(t, s)
	if !isFull(failed) {
		t.Fatalf("fill failed with %v, want SQLITE_FULL", failed)
	}
	h := s.Health()
	if h.WriteErrors == 0 || h.Unwritable == nil || !isFull(h.LastError) {
		t.Fatalf("health after a full disk = %+v", h)
	}
	if ok, err := s.Writable(); ok || !strings.Contains(err.Error(), "full") {
		t.Fatalf("Writable = %v, %v; want false, database or disk is full", ok, err)
	}
	count := h.WriteErrors

	_, err = s.db.ExecContext(ctx, "DELETE FROM proposals") // frees pages, as freeing disk space would
	must(t, err)
	must(t, s.Probe(ctx))
	if ok, err := s.Writable(); !ok {
		t.Fatalf("after space was freed: %v", err)
	}
	if h := s.Health(); h.WriteErrors != count || h.LastError == nil {
		t.Errorf("recovery changed the error record: %+v, want %d errors kept", h, count)
	}
}

// fill upserts proposals with long titles until a write fails, and returns that error.
func fill(t *testing.T, s *Store) error {
	t.Helper()
	title := strings.Repeat("x", 4000)
	for id := uint64(1); id < 10_000; id++ {
		if err := s.SaveProposal(context.Background(), policy.Proposal{ID: id, Title: title, RewardStatus: nns.RewardStatusAcceptVotes}); err != nil {
			return err
		}
	}
	t.Fatal("the store never filled up")
	return nil
}

func isFull(err error) bool {
	var se *sqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL
}

// TestHealthIgnoresRefusals: a refused write (a ballot already in flight) is not a storage
// failure.
func TestHealthIgnoresRefusals(t *testing.T) {
	s, _, _ := openTemp(t)
	ctx := context.Background()
	_, err := s.BeginVote(ctx, bot.VoteIntent{Proposal: 1, Neuron: 1, Vote: nns.VoteYes, Source: "rule", Reason: "r"})
	must(t, err)
	if _, err := s.BeginVote(ctx, bot.VoteIntent{Proposal: 1, Neuron: 1, Vote: nns.VoteYes, Source: "rule", Reason: "r"}); !errors.Is(err, bot.ErrVoteInFlight) {
		t.Fatalf("second BeginVote: %v", err)
	}
	if h := s.Health(); h.WriteErrors != 0 || h.Unwritable != nil {
		t.Errorf("health after a refusal = %+v, want healthy", h)
	}
}

// TestHealthFileGone: SQLite keeps writing to a deleted or replaced database without an error,
// so the store must notice by itself.
func TestHealthFileGone(t *testing.T) {
	tests := []struct {
		name string
		do   func(path string) error
		want string
	}{
		{"deleted", os.Remove, "was deleted"},
		{"replaced", func(path string) error {
			other := path + ".new"
			if err := os.WriteFile(other, nil, 0o600); err != nil {
				return err
			}
			return os.Rename(other, path)
		}, "was replaced"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, path, _ := openTemp(t)
			must(t, tc.do(path))
			must(t, s.SaveProposal(context.Background(), policy.Proposal{ID: 1, Title: "p"})) // succeeds all the same
			ok, err := s.Writable()
			if ok || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("Writable = %v, %v; want false, %q naming the file", ok, err, tc.want)
			}
		})
	}
}
