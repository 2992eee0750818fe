//go:build unix

package store

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

const lockChildEnv = "VOTEBOT_STORE_LOCK_CHILD_DB"

// TestLockChildHolder is the child process of TestExclusiveNamesOtherProcess: it opens the store
// with Exclusive, says so, and holds it until its stdin closes.
func TestLockChildHolder(t *testing.T) {
	path := os.Getenv(lockChildEnv)
	if path == "" {
		t.Skip("child process of TestExclusiveNamesOtherProcess")
	}
	s, err := Open(context.Background(), path, Exclusive())
	if err != nil {
		fmt.Println("open:", err)
		os.Exit(2)
	}
	fmt.Println("locked")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
	s.Close()
	os.Exit(0)
}

// TestExclusiveNamesOtherProcess runs a second daemon on a database another process holds: it
// must fail at Open with ErrLocked naming that process, while a read-only opener still works,
// and start once the first is gone.
func TestExclusiveNamesOtherProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "votebot.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockChildHolder$", "-test.count=1")
	cmd.Env = append(os.Environ(), lockChildEnv+"="+path)
	stdin, err := cmd.StdinPipe()
	must(t, err)
	out, err := cmd.StdoutPipe()
	must(t, err)
	must(t, cmd.Start())
	t.Cleanup(func() { stdin.Close(); _ = cmd.Wait() })
	lines := bufio.NewScanner(out)
	if !lines.Scan() || lines.Text() != "locked" {
		t.Fatalf("child: %q", lines.Text())
	}

	ctx := context.Background()
	_, err = Open(ctx, path, Exclusive())
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second exclusive Open: err = %v, want ErrLocked", err)
	}
	t.Logf("second daemon: %v", err)
	pid := "pid " + strconv.Itoa(cmd.Process.Pid) + " ("
	for _, want := range []string{pid, "-test.run=^TestLockChildHolder$", path + ".lock"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q", err, want)
		}
	}

	reader, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("non-exclusive Open beside the daemon: %v", err)
	}
	must(t, reader.Close())

	stdin.Close()
	must(t, cmd.Wait())
	s, err := Open(ctx, path, Exclusive())
	if err != nil {
		t.Fatalf("exclusive Open after the holder exited: %v", err)
	}
	must(t, s.Close())
}

// TestExclusiveInProcess: the lock is per open, so even one process cannot open the database
// exclusively twice, and Close releases it.
func TestExclusiveInProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "votebot.db")
	ctx := context.Background()
	first, err := Open(ctx, path, Exclusive())
	must(t, err)
	_, err = Open(ctx, path, Exclusive())
	if !errors.Is(err, ErrLocked) || !strings.Contains(err.Error(), fmt.Sprintf("pid %d (", os.Getpid())) {
		t.Fatalf("second Open: err = %v, want ErrLocked naming pid %d", err, os.Getpid())
	}
	must(t, first.Close())
	second, err := Open(ctx, path, Exclusive())
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	must(t, second.Close())
}
