//go:build linux

package alert_test

import (
	"github.com/votebot/votebot/internal/tmpfstest"

	"context"
	"errors"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/store"
)

// TestManagerOnFullDisk runs the Manager on the real store on a 1 MiB tmpfs filled to the last
// byte, as in the fault probe where no alert left: each alert is delivered once while the disk
// is full, the store says it is unwritable, and once space is freed the states are written
// through so a restart sends nothing twice. Mounting needs root; elsewhere the test skips and
// TestStoreFailureStillAlertsOnce (a failing StateStore) covers the Manager.
func TestManagerOnFullDisk(t *testing.T) {
	dir := tmpfstest.Mount(t, "1m")
	ctx := context.Background()
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	notifier := &countingNotifier{}
	path := filepath.Join(dir, "votebot.db")
	open := func() (*store.Store, *alert.Manager) {
		t.Helper()
		s, err := store.Open(ctx, path, store.Exclusive())
		if err != nil {
			t.Fatal(err)
		}
		m, err := alert.NewManager(alert.ManagerConfig{Instance: "vb-1", State: s, Now: func() time.Time { return now },
			Reminder: time.Hour, Routes: []alert.Route{{Name: "n", Notifier: notifier}}})
		if err != nil {
			t.Fatal(err)
		}
		return s, m
	}
	s, m := open()
	filler := fillDisk(t, dir)

	risk := alert.Alert{Kind: alert.KindProposalAtRisk, Neuron: 1, ProposalID: 5, Deadline: now.Add(time.Hour)}
	missed := alert.Alert{Kind: alert.KindVoteMissed, Neuron: 1, ProposalID: 4}
	for range 3 {
		for _, a := range []alert.Alert{risk, missed} {
			if _, err := m.Fire(ctx, a); err != nil {
				t.Fatalf("Fire on a full disk: %v", err)
			}
		}
		now = now.Add(time.Minute)
	}
	if notifier.n != 2 {
		t.Fatalf("%d messages on a full disk, want 2", notifier.n)
	}
	if ok, err := s.Writable(); ok {
		t.Error("store says writable on a full disk")
	} else {
		t.Logf("store: %v", err)
	}
	if h := m.StoreHealth(); h.Unsaved != 2 || h.Errors == 0 {
		t.Errorf("manager store health %+v, want 2 unsaved", h)
	}

	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	m.Flush(ctx)
	if h := m.StoreHealth(); h.Unsaved != 0 {
		t.Fatalf("after freeing space: %+v", h)
	}
	if ok, err := s.Writable(); !ok {
		t.Errorf("store after freeing space: %v", err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s, m = open()
	defer s.Close()
	for _, a := range []alert.Alert{risk, missed} {
		if sent, err := m.Fire(ctx, a); sent || err != nil {
			t.Errorf("Fire %s after recovery and restart: sent=%v err=%v, want silent", a.Kind, sent, err)
		}
	}
}

// fillDisk writes a file in dir until the file system is full and returns its path.
func fillDisk(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 4096)
	for {
		if _, err := f.Write(chunk); err != nil {
			if errors.Is(err, syscall.ENOSPC) {
				return path
			}
			t.Fatal(err)
		}
	}
}
