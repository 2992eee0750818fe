//go:build !unix

package store

import (
	"errors"
	"os"
)

// ErrLocked is returned by Open with Exclusive when another process holds the database.
var ErrLocked = errors.New("store is in use by another process")

func lockDatabase(string) (*os.File, error) {
	return nil, errors.New("an exclusive store lock is not supported on this system")
}

func unlockDatabase(f *os.File) error {
	if f == nil {
		return nil
	}
	return f.Close()
}

// fileIdentity only says whether path exists: a replaced file goes unnoticed here.
func fileIdentity(path string) (dev, ino uint64, err error) {
	_, err = os.Stat(path)
	return 0, 0, err
}
