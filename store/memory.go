package store

import (
	"context"
)

// ReleaseMemory closes the pool's idle connections, handing back the page cache, schema and
// prepared statements each of them holds in SQLite's C heap (the Go GC cannot see or free it).
// The next call opens a connection again. Call it after a heavy pass.
func (s *Store) ReleaseMemory(ctx context.Context) error {
	s.poolMu.Lock()
	defer s.poolMu.Unlock()
	s.db.SetMaxIdleConns(0) // closes every idle connection now
	s.db.SetMaxIdleConns(maxIdleConns)
	return nil
}
