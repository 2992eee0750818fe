package alert

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"maps"
	"os"
	"slices"
	"sync"
	"time"
)

// Route sends alerts at or above MinSeverity to one channel.
type Route struct {
	Name        string // for errors and logs, e.g. "slack-ops"
	Notifier    Notifier
	MinSeverity Severity // zero: every alert
}

// ManagerConfig configures a Manager.
type ManagerConfig struct {
	Instance string // named in every alert, so redundant instances can be told apart; default: host name
	Routes   []Route
	State    StateStore       // required: *store.Store in production, MemoryState in tests
	Now      func() time.Time // default time.Now
	// Reminder is the interval between reminders while a condition holds; 0 disables them.
	Reminder time.Duration
	// ReminderByKind overrides Reminder per kind (0 disables reminders for that kind).
	ReminderByKind map[Kind]time.Duration
}

// Manager delivers alerts with deduplication per key: the first Fire of a condition is sent,
// later Fires are silent until the reminder interval has passed, and Resolve sends a "resolved"
// message once. Its memory lives in a StateStore, so a restart neither re-sends nor forgets.
//
// The Manager keeps the active states in memory (loaded from the store on first use) so that the
// bot can call Resolve for every filled ballot on every poll without touching the database; it
// assumes it is the only writer of its StateStore.
//
// A StateStore that fails (a full disk, a corrupted file) delays no alert: a state it refuses
// stays in memory and is written through by Flush once it recovers, so each alert is still
// sent once, and not again after a restart. StoreHealth counts the failures. Only a restart
// while the store is still failing forgets what was sent since.
type Manager struct {
	cfg   ManagerConfig
	locks [64]sync.Mutex // striped by key: one delivery at a time per key, bounded memory

	mu     sync.Mutex
	active map[string]State // nil until loaded
	// unsaved holds the states the StateStore failed to write, newest per key: they are the
	// Manager's memory until Flush writes them through, so a full disk delays no alert and
	// duplicates none.
	unsaved   map[string]State
	storeErrs uint64
	storeErr  error // the last store failure; nil once everything is written through
}

// NewManager checks cfg and returns a Manager.
func NewManager(cfg ManagerConfig) (*Manager, error) {
	if cfg.State == nil {
		return nil, errors.New("alert manager: no state store")
	}
	for i, r := range cfg.Routes {
		if r.Notifier == nil {
			return nil, fmt.Errorf("alert manager: route %d (%s) has no notifier", i, r.Name)
		}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Instance == "" {
		host, err := os.Hostname()
		if err != nil || host == "" {
			host = "votebot"
		}
		cfg.Instance = host
	}
	return &Manager{cfg: cfg}, nil
}

func (m *Manager) lock(key string) func() {
	h := fnv.New32a()
	h.Write([]byte(key))
	mu := &m.locks[h.Sum32()%uint32(len(m.locks))]
	mu.Lock()
	return mu.Unlock
}

// activeState returns the state of key if its condition is active: an unsaved state first, then
// the cached ones. A store that cannot list its states is an error only when memory cannot answer.
func (m *Manager) activeState(ctx context.Context, key string) (State, bool, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if st, ok := m.unsaved[key]; ok {
		return st, st.Active(), nil
	}
	if err := m.loadLocked(ctx); err != nil {
		return State{}, false, err
	}
	st, ok := m.active[key]
	return st, ok, nil
}

// loadLocked reads the active states from the store the first time they are needed.
func (m *Manager) loadLocked(ctx context.Context) error {
	if m.active != nil {
		return nil
	}
	states, err := m.cfg.State.ActiveAlertStates(ctx)
	if err != nil {
		m.failedLocked(err)
		return fmt.Errorf("load active alerts: %w", err)
	}
	m.active = make(map[string]State, len(states))
	for _, st := range states {
		m.active[st.Key] = st
	}
	for key, st := range m.unsaved { // newer than what the store has
		delete(m.active, key)
		if st.Active() {
			m.active[key] = st
		}
	}
	return nil
}

// state returns the state of key: the unsaved or cached one when there is one, else the stored
// one. When the store cannot be read the condition counts as new: a possible duplicate is better
// than silence, and once sent its state is in memory, so it is not sent again.
func (m *Manager) state(ctx context.Context, key string) (State, bool) {
	m.mu.Lock()
	st, ok := m.unsaved[key]
	m.mu.Unlock()
	if ok {
		return st, true
	}
	st, ok, err := m.activeState(ctx, key)
	if err == nil && ok {
		return st, true
	}
	st, ok, err = m.cfg.State.AlertState(ctx, key)
	if err != nil {
		m.failed(err)
		return State{}, false
	}
	return st, ok
}

// put stores st and keeps the cache in step. When the store fails, st is kept in memory for
// Flush: the caller carries on as if it had been written.
func (m *Manager) put(ctx context.Context, st State) {
	err := m.cfg.State.PutAlertState(ctx, st)
	m.mu.Lock()
	defer m.mu.Unlock()
	if err != nil {
		m.failedLocked(fmt.Errorf("alert %s: %w", st.Key, err))
		if m.unsaved == nil {
			m.unsaved = make(map[string]State)
		}
		m.unsaved[st.Key] = st
	} else if delete(m.unsaved, st.Key); len(m.unsaved) == 0 {
		m.storeErr = nil
	}
	if m.active != nil {
		if st.Active() {
			m.active[st.Key] = st
		} else {
			delete(m.active, st.Key)
		}
	}
}

func (m *Manager) reminder(k Kind) time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	if d, ok := m.cfg.ReminderByKind[k]; ok {
		return d
	}
	return m.cfg.Reminder
}

// Reconfigure replaces the channels and the reminder interval (a reload):
// from the next message on, alerts go to routes. What was sent, and where,
// stays remembered, so nothing is sent again because the channels changed.
func (m *Manager) Reconfigure(routes []Route, reminder time.Duration) error {
	for i, r := range routes {
		if r.Notifier == nil {
			return fmt.Errorf("alert manager: route %d (%s) has no notifier", i, r.Name)
		}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	m.cfg.Routes = slices.Clone(routes)
	if reminder > 0 {
		m.cfg.Reminder = reminder
	}
	return nil
}

// prepare fills the fields the Manager owns.
func (m *Manager) prepare(a *Alert) error {
	if !a.Kind.Known() {
		return fmt.Errorf("alert: unknown kind %q", a.Kind)
	}
	if a.Key == "" {
		a.Key = a.ID().String() // with the DAO: an SNS's numbers repeat the NNS's
	}
	a.Instance = m.cfg.Instance
	a.At = m.cfg.Now()
	return nil
}

// Fire reports that the condition of a holds now. It sends a when the condition is new (or
// recurs after being resolved) and as a reminder when the reminder interval has passed since the
// last message, or at once when its severity rose above what was sent (an at-risk warning that
// becomes critical near the deadline reaches the pager); otherwise it only remembers the latest
// deadline, so a moving deadline never makes a duplicate. An event kind (vote missed) is sent once per key, ever. sent says whether a
// message went out; err joins the channels' errors.
func (m *Manager) Fire(ctx context.Context, a Alert) (sent bool, err error) {
	if err := m.prepare(&a); err != nil {
		return false, err
	}
	m.Flush(ctx)
	defer m.lock(a.Key)()
	st, ok := m.state(ctx, a.Key)
	switch {
	case ok && a.Kind.IsEvent() && st.TimesSent > 0:
		return false, nil
	case !ok || !st.Active():
		st = State{Key: a.Key, Kind: a.Kind, Neuron: a.Neuron, ProposalID: a.ProposalID, FirstFired: a.At}
	case st.TimesSent > 0 && !m.reminderDue(st, a.At) && a.EffectiveSeverity() <= st.Severity:
		if !st.Deadline.Equal(a.Deadline) {
			st.Deadline = a.Deadline
			m.put(ctx, st)
		}
		return false, nil
	}
	a.Reminder = st.TimesSent
	return m.deliver(ctx, a, st)
}

func (m *Manager) reminderDue(st State, now time.Time) bool {
	every := m.reminder(st.Kind)
	return every > 0 && !st.Kind.IsEvent() && now.Sub(st.LastSent) >= every
}

// deliver records the send before making it (a crash in between loses one message rather than
// duplicating it), sends to every route a's severity reaches, and rolls the record back if every
// channel failed so that the next Fire tries again.
func (m *Manager) deliver(ctx context.Context, a Alert, prev State) (bool, error) {
	st := prev
	st.LastSent, st.TimesSent, st.Pending = a.At, prev.TimesSent+1, true
	if a.Resolved {
		st.ResolvedAt = a.At
	} else {
		st.Deadline = a.Deadline
		st.Severity = max(st.Severity, a.EffectiveSeverity())
	}
	if a.Kind.IsEvent() {
		st.ResolvedAt = a.At // nothing will resolve it: keep it out of the active list
	}
	m.put(ctx, st)
	routed, failed, sendErr := m.send(ctx, a, st.Severity)
	if routed > 0 && failed == routed {
		m.put(ctx, prev)
		return false, sendErr
	}
	st.Pending = false
	m.put(ctx, st)
	return routed > 0, sendErr
}

// send delivers a to the routes whose minimum severity sev reaches.
func (m *Manager) send(ctx context.Context, a Alert, sev Severity) (routed, failed int, err error) {
	var errs []error
	m.mu.Lock()
	routes := m.cfg.Routes
	m.mu.Unlock()
	for _, r := range routes {
		if sev < r.MinSeverity {
			continue
		}
		routed++
		if e := r.Notifier.Send(ctx, a); e != nil {
			failed++
			errs = append(errs, fmt.Errorf("alert %s via %s: %w", a.Key, r.Name, e))
		}
	}
	return routed, failed, errors.Join(errs...)
}

// Resolve reports that the condition of a has cleared. If a message about it was sent, a
// "resolved" message goes to the channels that received it (routed by the highest severity sent);
// otherwise the state is closed silently. Resolving what is not firing does nothing.
func (m *Manager) Resolve(ctx context.Context, a Alert) (sent bool, err error) {
	if err := m.prepare(&a); err != nil {
		return false, err
	}
	m.Flush(ctx)
	defer m.lock(a.Key)()
	st, ok, err := m.activeState(ctx, a.Key)
	if err != nil {
		return false, fmt.Errorf("alert %s: %w", a.Key, err)
	}
	if !ok || a.Kind.IsEvent() {
		return false, nil
	}
	if st.TimesSent == 0 {
		st.ResolvedAt = a.At
		m.put(ctx, st)
		return false, nil
	}
	a.Resolved = true
	a.Severity = max(st.Severity, a.EffectiveSeverity())
	return m.deliver(ctx, a, st)
}

// Active lists the conditions currently firing, so the caller can resolve those it no longer sees.
// It answers from memory once the store's list is loaded, unsaved states included.
func (m *Manager) Active(ctx context.Context) ([]State, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if err := m.loadLocked(ctx); err != nil {
		return nil, fmt.Errorf("active alerts: %w", err)
	}
	states := slices.Collect(maps.Values(m.active))
	slices.SortFunc(states, func(a, b State) int { return cmp.Compare(a.Key, b.Key) })
	return states, nil
}
