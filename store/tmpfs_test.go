//go:build linux

package store

import (
	"github.com/votebot/votebot/internal/tmpfstest"

	"context"
	"os"
	"path/filepath"
	"testing"
)

// TestHealthRealDiskFull puts the database on a 1 MiB tmpfs beside a filler file, writes until
// the disk is full, then frees the filler: the store reports unwritable, then writable again.
// Mounting needs root (CAP_SYS_ADMIN); elsewhere the test skips and TestHealthDiskFull, which
// makes SQLite itself return SQLITE_FULL, stands in for it.
func TestHealthRealDiskFull(t *testing.T) {
	dir := tmpfstest.Mount(t, "1m")
	filler := filepath.Join(dir, "filler")
	must(t, os.WriteFile(filler, make([]byte, 256<<10), 0o600))

	ctx := context.Background()
	s, err := Open(ctx, filepath.Join(dir, "votebot.db"), Exclusive())
	must(t, err)
	defer s.Close()
	failed := fill(t, s)
	if !isFull(failed) {
		t.Fatalf("fill failed with %v, want SQLITE_FULL", failed)
	}
	if ok, err := s.Writable(); ok {
		t.Fatal("Writable = true on a full disk")
	} else {
		t.Logf("full disk: %v", err)
	}
	if h := s.Health(); h.WriteErrors == 0 {
		t.Errorf("health on a full disk = %+v, want write errors counted", h)
	}

	must(t, os.Remove(filler))
	must(t, s.Probe(ctx))
	if ok, err := s.Writable(); !ok {
		t.Fatalf("after freeing space: %v", err)
	}
}
