package store

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Health is what the store knows about its own ability to keep state: the loop fails /readyz and
// alerts store_unwritable while Unwritable is set, and exports WriteErrors as a counter.
type Health struct {
	// Unwritable is why the store cannot keep writes right now: the last write failed for a
	// storage reason (disk full, I/O error, read-only, corrupt, locked), or the database file was
	// deleted or replaced since Open. Nil when healthy. A later successful write clears a
	// storage failure; a deleted or replaced file stays reported until restart.
	Unwritable error
	// WriteErrors counts writes that failed for a storage reason since Open.
	WriteErrors uint64
	// LastError is the most recent storage failure (nil if none), at LastErrorAt.
	LastError   error
	LastErrorAt time.Time
}

// health is the store's record of write failures. It is separate from Store's other fields so
// that recording never waits on the database.
type health struct {
	mu        sync.Mutex
	failing   error // last write's storage failure; nil after a success
	count     uint64
	last      error
	lastAt    time.Time
	dev, ino  uint64 // identity of the database file at Open
	haveIdent bool
}

// note records the outcome of a write: a storage failure is counted and makes the store
// unwritable until a later write succeeds. Errors that say nothing about storage (a constraint,
// a taken ballot, a cancelled context) leave the record as it was. It returns err unchanged.
func (s *Store) note(err error, now time.Time) error {
	h := &s.health
	h.mu.Lock()
	defer h.mu.Unlock()
	switch {
	case err == nil:
		h.failing = nil
	case storageFailure(err):
		h.failing, h.last, h.lastAt = err, err, now
		h.count++
	}
	return err
}

// noteWrite is note for a deferred call on a write method's named error.
func (s *Store) noteWrite(err *error) { s.note(*err, s.now()) }

// storageFailure says whether err means the database cannot take writes, rather than that one
// write was refused (a constraint) or abandoned (context).
func storageFailure(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff { // the primary result code
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CORRUPT,
		sqlite3.SQLITE_NOTADB, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_BUSY,
		sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_NOLFS, sqlite3.SQLITE_PROTOCOL:
		return true
	}
	return false
}

// remember records the identity of the database file, to notice it deleted or replaced later.
func (h *health) remember(path string) error {
	dev, ino, err := fileIdentity(path)
	if err != nil {
		return err
	}
	h.mu.Lock()
	h.dev, h.ino, h.haveIdent = dev, ino, true
	h.mu.Unlock()
	return nil
}

// fileProblem says whether the database file at path is still the one opened: SQLite keeps
// writing to its open descriptor, so a deleted or replaced file loses every later write at the
// next start without any write failing.
func (s *Store) fileProblem() error {
	h := &s.health
	h.mu.Lock()
	dev, ino, have := h.dev, h.ino, h.haveIdent
	h.mu.Unlock()
	if !have {
		return nil
	}
	nowDev, nowIno, err := fileIdentity(s.path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		return fmt.Errorf("database file %s was deleted while votebot runs; its writes will be lost at restart", s.path)
	case err != nil:
		return fmt.Errorf("database file %s: %w", s.path, err)
	case nowDev != dev || nowIno != ino:
		return fmt.Errorf("database file %s was replaced while votebot runs (inode %d, now %d); restart to use the new one",
			s.path, ino, nowIno)
	}
	return nil
}

// Health reports whether the store can keep writes and how many failed. It stats the database
// file, so it is cheap enough for every /readyz request but not for a hot loop.
func (s *Store) Health() Health {
	fileErr := s.fileProblem()
	h := &s.health
	h.mu.Lock()
	defer h.mu.Unlock()
	out := Health{Unwritable: h.failing, WriteErrors: h.count, LastError: h.last, LastErrorAt: h.lastAt}
	if fileErr != nil {
		out.Unwritable = fileErr
	}
	return out
}

// Writable reports whether the store can keep writes; when it cannot, err says why.
func (s *Store) Writable() (bool, error) {
	if err := s.Health().Unwritable; err != nil {
		return false, fmt.Errorf("store unwritable: %w", err)
	}
	return true, nil
}

// Probe writes a timestamp to the meta table, so that an idle store's failure (or recovery)
// shows in Health without waiting for the next real write.
func (s *Store) Probe(ctx context.Context) error {
	return s.SetMeta(ctx, MetaHealthProbe, s.now().UTC().Format(time.RFC3339Nano))
}
