//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"
	"strconv"
	"strings"
	"syscall"
)

// ErrLocked is returned by Open with Exclusive when another process holds the database.
var ErrLocked = errors.New("store is in use by another process")

// maxCmdline bounds the other process's command line quoted in ErrLocked errors.
const maxCmdline = 200

// lockPath is the lock file beside the database. A separate file rather than a lock on the
// database itself, because SQLite takes and drops its own POSIX locks on the database, and
// closing any descriptor of a file drops every POSIX lock the process holds on it.
func lockPath(db string) string { return db + ".lock" }

// lockDatabase takes an exclusive flock on the lock file beside db and writes this process's pid
// into it, so a second instance can name the first. The kernel drops the lock when the process
// dies, even by kill -9, so a stale file never blocks a restart. The file is never removed:
// removing it could let a third process lock a fresh inode while the second still holds the old.
func lockDatabase(db string) (*os.File, error) {
	path := lockPath(db)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("open lock file: %w", err)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder := lockHolder(f)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("%w: %s holds the lock on %s; stop it, or give this one another store.path",
				ErrLocked, holder, path)
		}
		return nil, fmt.Errorf("lock %s: %w", path, err)
	}
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0) // only to name us to a second instance
	}
	return f, nil
}

// fileIdentity is the device and inode of path.
func fileIdentity(path string) (dev, ino uint64, err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return 0, 0, err
	}
	st, ok := fi.Sys().(*syscall.Stat_t)
	if !ok {
		return 0, 0, nil
	}
	return uint64(st.Dev), st.Ino, nil
}

// unlockDatabase drops the lock; closing the descriptor releases the flock.
func unlockDatabase(f *os.File) error {
	if f == nil {
		return nil
	}
	return f.Close()
}

// lockHolder describes the process named in the lock file: "pid 123 (votebot run -c x.yml)", or
// "pid 123" when its command line is unreadable, or "another process" when no pid was written yet.
func lockHolder(f *os.File) string {
	buf := make([]byte, 32)
	n, _ := f.ReadAt(buf, 0)
	pid, err := strconv.Atoi(strings.TrimSpace(string(buf[:n])))
	if err != nil || pid <= 0 {
		return "another process"
	}
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
	cmd := strings.TrimSpace(strings.ReplaceAll(string(raw), "\x00", " "))
	if err != nil || cmd == "" {
		return fmt.Sprintf("pid %d", pid)
	}
	if r := []rune(cmd); len(r) > maxCmdline {
		cmd = string(r[:maxCmdline]) + "…"
	}
	return fmt.Sprintf("pid %d (%s)", pid, strings.Map(printable, cmd))
}

// printable keeps a command line on one line of a log.
func printable(r rune) rune {
	if r < 0x20 || r == 0x7f {
		return ' '
	}
	return r
}
