// Package store keeps votebot's state in one embedded SQLite file (modernc.org/sqlite, pure Go):
// proposals seen, decisions and their reasons, a crash-safe log of votes sent, manual overrides,
// alert states, participation observations and a small key/value table.
//
// The database runs in WAL mode. With the default synchronous=NORMAL a crash or kill -9 of the
// process at any moment loses no committed write and never corrupts the file; only a power loss
// or kernel crash may roll back the last commits, which is harmless because the bot re-reads every
// ballot before voting. WithFullSync trades ~25× slower writes (an fsync per commit) for
// durability against power loss too.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/votebot/votebot/bot"
)

var (
	_ bot.Store      = (*Store)(nil)
	_ bot.AuditStore = (*Store)(nil)
)

// busyTimeout is how long a writer waits for another connection's lock before giving up.
const busyTimeout = 10 * time.Second

// The pool and page cache are sized for memory, not for parallel writes. SQLite serialises
// writers anyway: with an unbounded pool the bot's 32 vote workers opened a connection each, and
// each grew its own page cache in modernc's C heap, which keeps what it once mapped. Two
// connections (a writer and a reader) with a 256 KiB cache each cost ~3 MiB of RssAnon instead
// of ~9 MiB after logging 50,000 ballots, and logging got faster, not slower: waiting
// for a connection in Go is cheaper than SQLite's busy-wait (TestStoreRSS, BenchmarkVote).
const (
	maxConns     = 2
	cacheSizeKiB = 256 // per connection; SQLite's default is 2,000 KiB
)

// Store is a handle on the state database. It is safe for concurrent use.
//
// It is the loop's state store: the types it takes and returns are the project's own
// (policy.Proposal, rewards.Observation, bot.VoteIntent, ...), not copies.
type Store struct {
	db        *sql.DB
	stmts     stmts
	now       func() time.Time
	fullSync  bool
	exclusive bool
	path      string
	lock      *os.File // held with Exclusive until Close
	health    health
	pragmas   []string // more per-connection pragmas; tests use them
	cacheKiB  int      // cacheSizeKiB unless Small
}

// Option adjusts Open.
type Option func(*Store)

// WithClock makes the store stamp records (last seen, decision time, vote start) with now instead
// of the wall clock; tests use it.
// A nil now keeps the wall clock.
func WithClock(now func() time.Time) Option {
	return func(s *Store) {
		if now != nil {
			s.now = now
		}
	}
}

// WithFullSync makes every commit fsync (synchronous=FULL), so not even a power loss rolls one
// back. It costs milliseconds per write.
func WithFullSync() Option { return func(s *Store) { s.fullSync = true } }

// Exclusive makes Open take an exclusive lock on the database (a flock on <path>.lock) and hold
// it until Close, so that a second instance fails at start with ErrLocked naming the first
// (pid and command line) instead of running beside it and sending every alert twice. The daemon
// opens its store with Exclusive; the short-lived commands (report, plan, vote) do not, so they
// work while the daemon runs: SQLite's own locking serialises their few writes with the
// daemon's, and an exclusive daemon still refuses a second daemon.
func Exclusive() Option { return func(s *Store) { s.exclusive = true } }

// Small gives each connection a 64 KiB page cache instead of 256 KiB: for
// an SNS lane's store, one of fifty, a few rows written a pass. With 50
// lanes the idle daemon's RSS went from 65.1 MB to 57.1 and 56.9 MB
// (TestBenchIdleSNSProcess): the caches were most of a lane's cost.
func Small() Option { return func(s *Store) { s.cacheKiB = 64 } }

// dbFileMode is the mode of the database and its -wal and -shm files, whatever the umask: they
// say which neurons an operator controls and how they vote.
const dbFileMode fs.FileMode = 0o600

// Open opens (creating if needed) the database at path and migrates its schema to the newest
// version. A database written by a newer votebot is refused rather than misread.
func Open(ctx context.Context, path string, opts ...Option) (*Store, error) {
	if path == "" {
		return nil, errors.New("open store: empty database path")
	}
	s := &Store{now: time.Now, path: path, cacheKiB: cacheSizeKiB}
	for _, o := range opts {
		o(s)
	}
	if s.exclusive {
		lock, err := lockDatabase(path)
		if err != nil {
			return nil, fmt.Errorf("open store %s: %w", path, err)
		}
		s.lock = lock
	}
	if err := s.openDB(ctx); err != nil {
		_ = unlockDatabase(s.lock)
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// openDB creates the database file private to its owner, opens and migrates it, and remembers
// the file's identity to notice it deleted or replaced later.
func (s *Store) openDB(ctx context.Context) error {
	if err := createPrivate(s.path); err != nil {
		return err
	}
	db, err := sql.Open("sqlite", dsn(s.path, s.fullSync, s.cacheKiB, s.pragmas...))
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(maxConns)
	db.SetMaxIdleConns(maxConns)
	s.db = db
	if err := s.init(ctx); err != nil {
		db.Close()
		return err
	}
	// SQLite gives -wal and -shm the database file's mode; these catch files left by an older
	// votebot that followed the umask.
	for _, suffix := range []string{"", "-wal", "-shm"} {
		if err := restrict(s.path + suffix); err != nil {
			db.Close()
			return err
		}
	}
	if err := s.health.remember(s.path); err != nil {
		db.Close()
		return err
	}
	return nil
}

// createPrivate creates the database file with dbFileMode if it does not exist yet, before
// SQLite would create it with 0644 less the umask.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, dbFileMode)
	if err != nil {
		return fmt.Errorf("create database file: %w", err)
	}
	return f.Close()
}

// restrict takes group and other permissions off an existing file. A file owned by another user
// (a report run by an operator on the daemon's database) is left as it is.
func restrict(path string) error {
	fi, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if fi.Mode().Perm()&^dbFileMode == 0 {
		return nil
	}
	if err := os.Chmod(path, fi.Mode().Perm()&dbFileMode); err != nil && !errors.Is(err, fs.ErrPermission) {
		return fmt.Errorf("restrict %s to its owner: %w", path, err)
	}
	return nil
}

// dsn sets the pragmas on every pooled connection. _txlock=immediate makes transactions take the
// write lock up front, so two writers never deadlock upgrading a read lock.
func dsn(path string, fullSync bool, cacheKiB int, pragmas ...string) string {
	sync := "NORMAL"
	if fullSync {
		sync = "FULL"
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeout.Milliseconds()))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous("+sync+")")
	q.Add("_pragma", "foreign_keys(ON)")
	q.Add("_pragma", fmt.Sprintf("cache_size(%d)", -cacheKiB))
	for _, p := range pragmas {
		q.Add("_pragma", p)
	}
	q.Set("_txlock", "immediate")
	return "file:" + uriPath.Replace(path) + "?" + q.Encode()
}

// uriPath escapes what would end the path of a file: URI early ('?' starts the query, '#' the
// fragment, where everything after, pragmas included, was silently dropped); SQLite unescapes it.
var uriPath = strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23")

func (s *Store) init(ctx context.Context) error {
	var mode string
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		return fmt.Errorf("read journal mode: %w", err)
	}
	if mode != "wal" {
		return fmt.Errorf("journal mode is %q, want wal", mode)
	}
	if err := migrate(ctx, s.db, len(migrations)); err != nil {
		return err
	}
	return s.stmts.prepare(ctx, s.db)
}

// Close checkpoints the WAL and closes the database.
func (s *Store) Close() error {
	// A checkpoint keeps the -wal file small for the next start; failing it loses nothing.
	_, _ = s.db.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	if err := errors.Join(s.stmts.close(), s.db.Close(), unlockDatabase(s.lock)); err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// IntegrityCheck runs PRAGMA integrity_check and returns an error naming the problems if the
// database is not intact.
func (s *Store) IntegrityCheck(ctx context.Context) error {
	rows, err := s.db.QueryContext(ctx, "PRAGMA integrity_check")
	if err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("integrity check: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("integrity check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("integrity check failed: %v", problems)
	}
	return nil
}

// Neuron and proposal ids are u64 on the IC; SQLite integers are signed 64-bit. They are stored
// bit-for-bit as int64 (equality and lookups are exact; only ordering of ids ≥ 2^63 differs).
func id64(v uint64) int64 { return int64(v) }

// unixNano stores a time; the zero time is stored as 0 so it reads back as the zero time.
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// inTx runs fn with stmt bound to an immediate transaction, committing if fn succeeds.
func (s *Store) inTx(ctx context.Context, stmt *sql.Stmt, fn func(*sql.Stmt) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	defer func() { _ = tx.Rollback() }() // a no-op once committed
	if err := fn(tx.StmtContext(ctx, stmt)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}
