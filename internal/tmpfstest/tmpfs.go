//go:build linux

// Package tmpfstest mounts a small tmpfs for tests that need a disk that
// really fills up (the state database's full-disk faults).
package tmpfstest

import (
	"errors"
	"syscall"
	"testing"
)

// Mount mounts a tmpfs of size (e.g. "1m") on a new temporary directory
// for the test and returns it. Mounting needs root (CAP_SYS_ADMIN):
// without it the test is skipped, saying so.
func Mount(t testing.TB, size string) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size); err != nil {
		if errors.Is(err, syscall.EPERM) {
			t.Skipf("mount tmpfs: %v (needs root)", err)
		}
		t.Fatalf("mount tmpfs: %v", err)
	}
	// Lazy: a failed test may leave files open on it.
	t.Cleanup(func() { _ = syscall.Unmount(dir, syscall.MNT_DETACH) })
	return dir
}
