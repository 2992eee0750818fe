package alert

import "context"

// StoreHealth is what the Manager knows about its StateStore.
type StoreHealth struct {
	Errors  uint64 // reads and writes of the StateStore that failed since NewManager
	Unsaved int    // states held in memory only, waiting for Flush
	Last    error  // the last failure; nil once a write succeeds with nothing left unsaved
}

// StoreHealth reports the StateStore's failures as the Manager saw them.
func (m *Manager) StoreHealth() StoreHealth {
	m.mu.Lock()
	defer m.mu.Unlock()
	return StoreHealth{Errors: m.storeErrs, Unsaved: len(m.unsaved), Last: m.storeErr}
}

func (m *Manager) failed(err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.failedLocked(err)
}

func (m *Manager) failedLocked(err error) {
	m.storeErrs++
	m.storeErr = err
}

// Flush writes the states the store failed to take through to it, oldest key first, and stops
// at the first failure (the store is still down; each Fire and Resolve calls Flush, so one failed
// write per call is the price). It is safe to call at any time; the loop may call it each pass.
func (m *Manager) Flush(ctx context.Context) {
	for {
		m.mu.Lock()
		if len(m.unsaved) == 0 {
			m.mu.Unlock()
			return
		}
		key := firstKey(m.unsaved)
		m.mu.Unlock()
		if !m.flushKey(ctx, key) {
			return
		}
	}
}

// flushKey writes the unsaved state of key, under its lock so that no newer state of the key is
// overwritten by an older one. It reports whether the store took it (or it was gone already).
func (m *Manager) flushKey(ctx context.Context, key string) bool {
	defer m.lock(key)()
	m.mu.Lock()
	st, ok := m.unsaved[key]
	m.mu.Unlock()
	if !ok {
		return true
	}
	m.put(ctx, st)
	m.mu.Lock()
	_, still := m.unsaved[key]
	m.mu.Unlock()
	return !still
}

func firstKey(states map[string]State) string {
	var first string
	for k := range states {
		if first == "" || k < first {
			first = k
		}
	}
	return first
}
