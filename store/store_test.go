package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/policy"
	"github.com/votebot/votebot/rewards"
)

func TestOpenSetsWALAndLatestSchema(t *testing.T) {
	s, _, _ := openTemp(t)
	ctx := context.Background()
	v, err := schemaVersion(ctx, s.db)
	must(t, err)
	if v != len(migrations) {
		t.Errorf("schema version = %d, want %d", v, len(migrations))
	}
	pragmas := map[string]string{"journal_mode": "wal", "synchronous": "1", "busy_timeout": "10000",
		"cache_size": fmt.Sprint(-cacheSizeKiB)}
	// Hold one connection so the second query runs on another: every pooled connection needs them.
	held, err := s.db.Conn(ctx)
	must(t, err)
	defer held.Close()
	for name, q := range map[string]interface {
		QueryRowContext(context.Context, string, ...any) *sql.Row
	}{"first connection": held, "second connection": s.db} {
		for pragma, want := range pragmas {
			var got string
			must(t, q.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got))
			if got != want {
				t.Errorf("%s: PRAGMA %s = %q, want %q", name, pragma, got, want)
			}
		}
	}
	if got := s.db.Stats().MaxOpenConnections; got != maxConns {
		t.Errorf("pool allows %d connections, want %d (each holds a page cache)", got, maxConns)
	}
	must(t, s.IntegrityCheck(ctx))
}

func TestOpenPathNeedingEscapes(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "a#b?c%20d")
	must(t, os.Mkdir(dir, 0o700))
	path := filepath.Join(dir, "votebot.db")
	s, err := Open(ctx, path)
	must(t, err)
	defer s.Close()
	var file string
	must(t, s.db.QueryRowContext(ctx, "SELECT file FROM pragma_database_list WHERE name = 'main'").Scan(&file))
	if file != path {
		t.Errorf("opened %q, want %q", file, path)
	}
	var cache int
	must(t, s.db.QueryRowContext(ctx, "PRAGMA cache_size").Scan(&cache))
	if cache != -cacheSizeKiB {
		t.Errorf("cache_size = %d, want %d: the DSN's pragmas were lost", cache, -cacheSizeKiB)
	}
}

func TestFullSyncOption(t *testing.T) {
	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(t.TempDir(), "full.db"), WithFullSync())
	must(t, err)
	defer s.Close()
	var got string
	must(t, s.db.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&got))
	if got != "2" {
		t.Errorf("PRAGMA synchronous = %s, want 2 (FULL)", got)
	}
}

func TestOpenBadPath(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, ""); err == nil {
		t.Error("Open(\"\") succeeded")
	}
	dir := t.TempDir()
	if _, err := Open(ctx, filepath.Join(dir, "missing", "dir", "x.db")); err == nil {
		t.Error("Open in a missing directory succeeded")
	}
	notDB := filepath.Join(dir, "garbage.db")
	must(t, os.WriteFile(notDB, []byte(strings.Repeat("not a database ", 400)), 0o600))
	if _, err := Open(ctx, notDB); err == nil {
		t.Error("Open of a garbage file succeeded")
	}
}

func TestMigrateFromVersion1KeepsData(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	db, err := sql.Open("sqlite", dsn(path, false, cacheSizeKiB))
	must(t, err)
	must(t, migrate(ctx, db, 1))
	_, err = db.ExecContext(ctx, `INSERT INTO proposals VALUES (42, 4, 'old', 7, 1, 2, 1, 3, 4)`)
	must(t, err)
	_, err = db.ExecContext(ctx, `INSERT INTO vote_attempts (proposal_id, neuron_id, vote, source, reason, outcome, started_at)
		VALUES (42, 9, 1, 'rule', 'why', 'pending', 5)`)
	must(t, err)
	must(t, db.Close())

	s, err := Open(ctx, path)
	must(t, err)
	defer s.Close()
	v, err := schemaVersion(ctx, s.db)
	must(t, err)
	if v != len(migrations) {
		t.Fatalf("after Open, schema version = %d, want %d", v, len(migrations))
	}
	open, err := s.UnsettledProposals(ctx)
	must(t, err)
	if len(open) != 1 || open[0].ID != 42 || open[0].Title != "old" || open[0].Topic != nns.TopicGovernance {
		t.Errorf("proposals after migration = %+v", open)
	}
	inflight, err := s.InFlightVotes(ctx)
	must(t, err)
	if len(inflight) != 1 || inflight[0].Neuron != 9 || inflight[0].Reason != "why" {
		t.Errorf("in-flight after migration = %+v", inflight)
	}
	// Tables added by later migrations work.
	must(t, s.SetOverride(ctx, 42, 0, nns.VoteNo, "test"))
	must(t, s.RecordObservations(ctx, []rewards.Observation{{ProposalID: 42, Neuron: 9, Ballot: rewards.BallotEmpty}}))
	must(t, s.RecordDecisions(ctx, []bot.DecisionRecord{{Proposal: 42, Neuron: 9}}))
	must(t, s.IntegrityCheck(ctx))
}

func TestNewerSchemaIsRefused(t *testing.T) {
	ctx := context.Background()
	s, path, _ := openTemp(t)
	_, err := s.db.ExecContext(ctx, "INSERT INTO schema_migrations VALUES (?, 0)", len(migrations)+1)
	must(t, err)
	must(t, s.Close())
	if _, err := Open(ctx, path); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Open of a newer schema: err = %v, want a 'newer' error", err)
	}
}

func TestReopenKeepsData(t *testing.T) {
	ctx := context.Background()
	s, path, _ := openTemp(t)
	must(t, s.SaveProposal(ctx, policy.Proposal{ID: 1, Title: "t"}))
	a, err := s.BeginVote(ctx, intent(1, 2, nns.VoteYes, "rule", "r"))
	must(t, err)
	must(t, s.FinishVote(ctx, a, bot.VoteSucceeded, ""))
	must(t, s.SetOverride(ctx, 1, 0, nns.VoteNo, "n"))
	must(t, s.Close())

	s2, err := Open(ctx, path)
	must(t, err)
	defer s2.Close()
	if open, _ := s2.UnsettledProposals(ctx); len(open) != 1 || open[0].ID != 1 {
		t.Errorf("proposal lost after reopen: %+v", open)
	}
	if len(doneVotes(t, s2, 1, 2)) != 1 {
		t.Error("vote lost after reopen")
	}
	if _, err := s2.BeginVote(ctx, intent(1, 2, nns.VoteYes, "rule", "r")); !errors.Is(err, bot.ErrBallotDone) {
		t.Errorf("BeginVote after reopen: %v, want bot.ErrBallotDone", err)
	}
	if ovs, _ := s2.Overrides(ctx); len(ovs) != 1 || ovs[0].Note != "n" {
		t.Errorf("override after reopen = %+v", ovs)
	}
}

func TestConcurrentBeginVoteOnlyOneWins(t *testing.T) {
	ctx := context.Background()
	s, path, _ := openTemp(t)
	// A second handle on the same file stands in for a second process.
	other, err := Open(ctx, path)
	must(t, err)
	defer other.Close()

	const workers = 16
	var (
		wg       sync.WaitGroup
		mu       sync.Mutex
		wins     int
		inFlight int
	)
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st := s
			if i%2 == 1 {
				st = other
			}
			_, err := st.BeginVote(ctx, intent(7, 8, nns.VoteYes, "rule", "r"))
			mu.Lock()
			defer mu.Unlock()
			switch {
			case err == nil:
				wins++
			case errors.Is(err, bot.ErrVoteInFlight):
				inFlight++
			default:
				t.Errorf("BeginVote: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins != 1 || inFlight != workers-1 {
		t.Errorf("wins = %d, in flight = %d; want 1 and %d", wins, inFlight, workers-1)
	}
}

func TestConcurrentWritesAllLand(t *testing.T) {
	ctx := context.Background()
	s, _, _ := openTemp(t)
	const workers, each = 8, 25
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				p := uint64(w*each + i + 1)
				if err := s.SaveProposal(ctx, policy.Proposal{ID: p, Title: fmt.Sprint(p)}); err != nil {
					t.Error(err)
					return
				}
				a, err := s.BeginVote(ctx, intent(p, 1, nns.VoteNo, "rule", "r"))
				if err != nil {
					t.Error(err)
					return
				}
				if err := s.FinishVote(ctx, a, bot.VoteSucceeded, ""); err != nil {
					t.Error(err)
					return
				}
				if _, err := s.UnsettledProposals(ctx); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	if n := count(t, s, "SELECT COUNT(*) FROM vote_attempts WHERE outcome = 'succeeded'"); n != workers*each {
		t.Errorf("%d votes succeeded, want %d", n, workers*each)
	}
	if n := count(t, s, "SELECT COUNT(*) FROM proposals"); n != workers*each {
		t.Errorf("%d proposals saved, want %d", n, workers*each)
	}
	must(t, s.IntegrityCheck(ctx))
}

func TestClosedStoreErrors(t *testing.T) {
	ctx := context.Background()
	s, _, _ := openTemp(t)
	must(t, s.Close())
	if err := s.SetOverride(ctx, 1, 0, nns.VoteYes, "x"); err == nil {
		t.Error("SetOverride on a closed store succeeded")
	}
}

func TestMigrateEveryOldVersion(t *testing.T) {
	ctx := context.Background()
	for from := 1; from < len(migrations); from++ {
		t.Run(fmt.Sprint("from ", from), func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "old.db")
			db, err := sql.Open("sqlite", dsn(path, false, cacheSizeKiB))
			must(t, err)
			must(t, migrate(ctx, db, from))
			_, err = db.ExecContext(ctx, `INSERT INTO meta VALUES ('k', 'v')`)
			must(t, err)
			if from >= 3 {
				_, err = db.ExecContext(ctx, `INSERT INTO observations (proposal_id, neuron_id, topic, reward_status,
					ballot, ballot_vp, vote, proposal_time, deadline, observed_at) VALUES (1, 2, 4, 3, 'empty', 10, 0, 0, 0, 0)`)
				must(t, err)
			}
			must(t, db.Close())
			s, err := Open(ctx, path)
			must(t, err)
			defer s.Close()
			if v, _ := schemaVersion(ctx, s.db); v != len(migrations) {
				t.Errorf("version %d, want %d", v, len(migrations))
			}
			var v string
			if err := s.db.QueryRowContext(ctx, "SELECT value FROM meta WHERE key = 'k'").Scan(&v); err != nil || v != "v" {
				t.Errorf("meta lost in migration: %q, %v", v, err)
			}
			if from >= 3 {
				missed, err := s.MissedVotes(ctx)
				must(t, err)
				if len(missed) != 1 || missed[0].Count != 1 {
					t.Errorf("observation lost in migration: %+v", missed)
				}
			}
			must(t, s.IntegrityCheck(ctx))
		})
	}
}
