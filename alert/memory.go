package alert

import (
	"context"
	"sort"
	"sync"
)

// MemoryState is an in-memory StateStore, for tests and for running without a database.
type MemoryState struct {
	mu     sync.Mutex
	states map[string]State
}

// NewMemoryState returns an empty MemoryState.
func NewMemoryState() *MemoryState { return &MemoryState{states: map[string]State{}} }

// AlertState implements StateStore.
func (m *MemoryState) AlertState(_ context.Context, key string) (State, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	st, ok := m.states[key]
	return st, ok, nil
}

// PutAlertState implements StateStore.
func (m *MemoryState) PutAlertState(_ context.Context, st State) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.states[st.Key] = st
	return nil
}

// ActiveAlertStates implements StateStore.
func (m *MemoryState) ActiveAlertStates(_ context.Context) ([]State, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var out []State
	for _, st := range m.states {
		if st.Active() {
			out = append(out, st)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out, nil
}
