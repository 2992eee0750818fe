package alert_test

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/store"
)

type countingNotifier struct {
	mu sync.Mutex
	n  int
}

func (c *countingNotifier) Send(context.Context, alert.Alert) error {
	c.mu.Lock()
	c.n++
	c.mu.Unlock()
	return nil
}

// TestManagerOnStoreSurvivesRestart runs the Manager on the real SQLite store, closes the database
// as a restart would, and checks that nothing is sent twice and nothing is forgotten.
func TestManagerOnStoreSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "votebot.db")
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	notifier := &countingNotifier{}
	open := func() (*store.Store, *alert.Manager) {
		t.Helper()
		s, err := store.Open(ctx, path)
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
	a := alert.Alert{Kind: alert.KindProposalAtRisk, Neuron: 1 << 63, ProposalID: 5, Deadline: now.Add(time.Hour)}

	s, m := open()
	if sent, err := m.Fire(ctx, a); !sent || err != nil {
		t.Fatalf("first Fire: sent=%v err=%v", sent, err)
	}
	s.Close()

	s, m = open()
	defer s.Close()
	now = now.Add(10 * time.Minute)
	if sent, err := m.Fire(ctx, a); sent || err != nil {
		t.Errorf("Fire after restart: sent=%v err=%v; want silent", sent, err)
	}
	if sent, err := m.Resolve(ctx, a); !sent || err != nil {
		t.Errorf("Resolve after restart: sent=%v err=%v; want the resolved message", sent, err)
	}
	if notifier.n != 2 {
		t.Errorf("%d messages, want 2 (alert, resolved)", notifier.n)
	}
}
