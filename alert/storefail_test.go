package alert

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// failingState is a StateStore whose reads and writes can be made to fail, as a full or
// corrupted disk makes them.
type failingState struct {
	*MemoryState
	mu                    sync.Mutex
	failReads, failWrites bool
	puts                  int // failed and successful PutAlertState calls
}

var errDiskFull = errors.New("database or disk is full")

func (f *failingState) set(reads, writes bool) {
	f.mu.Lock()
	f.failReads, f.failWrites = reads, writes
	f.mu.Unlock()
}

func (f *failingState) fails() (reads, writes bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.failReads, f.failWrites
}

func (f *failingState) AlertState(ctx context.Context, key string) (State, bool, error) {
	if r, _ := f.fails(); r {
		return State{}, false, errDiskFull
	}
	return f.MemoryState.AlertState(ctx, key)
}

func (f *failingState) ActiveAlertStates(ctx context.Context) ([]State, error) {
	if r, _ := f.fails(); r {
		return nil, errDiskFull
	}
	return f.MemoryState.ActiveAlertStates(ctx)
}

func (f *failingState) PutAlertState(ctx context.Context, st State) error {
	f.mu.Lock()
	f.puts++
	fail := f.failWrites
	f.mu.Unlock()
	if fail {
		return errDiskFull
	}
	return f.MemoryState.PutAlertState(ctx, st)
}

// TestStoreFailureStillAlertsOnce: while the state store cannot write (or read), each alert is
// still delivered, exactly once; when the store recovers the states are written through, so
// neither the same Manager nor one started after a restart sends a duplicate.
func TestStoreFailureStillAlertsOnce(t *testing.T) {
	for _, tc := range []struct {
		name          string
		failReads     bool
		loadedAlready bool // the active states were loaded before the store failed
	}{
		{"writes fail", false, false},
		{"reads and writes fail", true, false},
		{"fails after load", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			state := &failingState{MemoryState: NewMemoryState()}
			f := newFixture(t, state)
			if tc.loadedAlready {
				_, err := f.manager.Active(ctx)
				must(t, err)
			}
			state.set(tc.failReads, true)
			risk := atRisk(f.clock.Now().Add(5 * time.Hour))
			missed := Alert{Kind: KindVoteMissed, Neuron: 7, ProposalID: 99}

			for range 3 {
				fire(t, f.manager, risk)
				fire(t, f.manager, missed)
				f.clock.Add(time.Minute)
			}
			if n := len(f.chat.sent()); n != 2 {
				t.Fatalf("%d messages while the store fails, want 2 (at risk, missed)", n)
			}
			h := f.manager.StoreHealth()
			if h.Errors == 0 || h.Unsaved != 2 || h.Last == nil {
				t.Errorf("store health while failing = %+v, want errors counted and 2 unsaved", h)
			}
			state.set(false, true) // reads come back first: memory still wins over the store
			active, err := f.manager.Active(ctx)
			must(t, err)
			if len(active) != 1 || active[0].Key != KeyFor(risk.Kind, 7, 100) || active[0].TimesSent != 1 {
				t.Errorf("Active while writes fail = %+v, want the at-risk alert, sent once", active)
			}

			state.set(false, false)
			fire(t, f.manager, risk) // flushes, then is silent
			if h := f.manager.StoreHealth(); h.Unsaved != 0 || h.Last != nil {
				t.Errorf("store health after recovery = %+v, want nothing unsaved", h)
			}
			f.restart(t)
			fire(t, f.manager, risk)
			fire(t, f.manager, missed)
			if n := len(f.chat.sent()); n != 2 {
				t.Fatalf("%d messages after the store recovered and a restart, want still 2", n)
			}
			if !resolve(t, f.manager, risk) {
				t.Error("the at-risk alert written through was not resolved after the restart")
			}
		})
	}
}

// TestStoreFailureResolve: an alert fired before the store failed is resolved once while it
// fails, and not again after.
func TestStoreFailureResolve(t *testing.T) {
	state := &failingState{MemoryState: NewMemoryState()}
	f := newFixture(t, state)
	a := atRisk(f.clock.Now().Add(5 * time.Hour))
	fire(t, f.manager, a)
	state.set(true, true)
	if !resolve(t, f.manager, a) {
		t.Fatal("no resolved message while the store fails")
	}
	if resolve(t, f.manager, a) {
		t.Error("resolved twice")
	}
	state.set(false, false)
	f.manager.Flush(context.Background())
	f.restart(t)
	if resolve(t, f.manager, a) {
		t.Error("resolved again after recovery and restart")
	}
	if n := len(f.chat.sent()); n != 2 {
		t.Errorf("%d messages, want 2 (alert, resolved)", n)
	}
}

// TestFlushStopsAtFirstFailure: a store that is still down costs one failed write per Flush,
// not one per unsaved state.
func TestFlushStopsAtFirstFailure(t *testing.T) {
	state := &failingState{MemoryState: NewMemoryState()}
	f := newFixture(t, state)
	state.set(false, true)
	for n := range uint64(10) {
		fire(t, f.manager, Alert{Kind: KindFollowingDrift, Neuron: n})
	}
	state.mu.Lock()
	state.puts = 0
	state.mu.Unlock()
	f.manager.Flush(context.Background())
	if state.puts != 1 {
		t.Errorf("Flush tried %d writes on a failing store, want 1", state.puts)
	}
}

// TestStoreFailureConcurrentFire: concurrent Fires of one alert and Flushes while the store
// fails, then recovers, still send it once.
func TestStoreFailureConcurrentFire(t *testing.T) {
	state := &failingState{MemoryState: NewMemoryState()}
	f := newFixture(t, state)
	state.set(true, true)
	a := atRisk(f.clock.Now().Add(time.Hour))
	var wg sync.WaitGroup
	for i := range 20 {
		if i == 10 {
			state.set(false, false)
		}
		wg.Add(2)
		go func() { defer wg.Done(); _, _ = f.manager.Fire(context.Background(), a) }()
		go func() { defer wg.Done(); f.manager.Flush(context.Background()) }()
	}
	wg.Wait()
	f.manager.Flush(context.Background())
	if n := len(f.chat.sent()); n != 1 {
		t.Errorf("%d messages from 20 concurrent Fires, want 1", n)
	}
	st, ok, err := state.MemoryState.AlertState(context.Background(), KeyFor(a.Kind, a.Neuron, a.ProposalID))
	if err != nil || !ok || st.TimesSent != 1 || st.Pending {
		t.Errorf("stored state after recovery = %+v, %v, %v; want sent once, not pending", st, ok, err)
	}
}
