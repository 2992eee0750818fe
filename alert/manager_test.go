package alert

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Add(d time.Duration) { c.mu.Lock(); c.t = c.t.Add(d); c.mu.Unlock() }

// recorder is a Notifier that keeps what it was sent and can be told to fail.
type recorder struct {
	mu   sync.Mutex
	got  []Alert
	fail bool
}

func (r *recorder) Send(_ context.Context, a Alert) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fail {
		return errors.New("channel down")
	}
	r.got = append(r.got, a)
	return nil
}

func (r *recorder) sent() []Alert {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]Alert(nil), r.got...)
}

type fixture struct {
	clock      *fakeClock
	state      StateStore
	page, chat *recorder // critical-only and everything
	manager    *Manager
}

func newFixture(t *testing.T, state StateStore) *fixture {
	t.Helper()
	f := &fixture{clock: &fakeClock{t: time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)},
		state: state, page: &recorder{}, chat: &recorder{}}
	f.restart(t)
	return f
}

// restart builds a new Manager on the same state, as after a process restart.
func (f *fixture) restart(t *testing.T) {
	t.Helper()
	m, err := NewManager(ManagerConfig{
		Instance: "vb-test", State: f.state, Now: f.clock.Now, Reminder: time.Hour,
		ReminderByKind: map[Kind]time.Duration{KindRefreshDue: 0},
		Routes: []Route{
			{Name: "pager", Notifier: f.page, MinSeverity: SeverityCritical},
			{Name: "chat", Notifier: f.chat, MinSeverity: SeverityInfo},
		},
	})
	must(t, err)
	f.manager = m
}

func atRisk(deadline time.Time) Alert {
	return Alert{Kind: KindProposalAtRisk, Neuron: 7, ProposalID: 100, Title: "t", Deadline: deadline}
}

func fire(t *testing.T, m *Manager, a Alert) bool {
	t.Helper()
	sent, err := m.Fire(context.Background(), a)
	must(t, err)
	return sent
}

func resolve(t *testing.T, m *Manager, a Alert) bool {
	t.Helper()
	sent, err := m.Resolve(context.Background(), a)
	must(t, err)
	return sent
}

func TestDedupReminderResolve(t *testing.T) {
	f := newFixture(t, NewMemoryState())
	deadline := f.clock.Now().Add(6 * time.Hour)

	if !fire(t, f.manager, atRisk(deadline)) {
		t.Fatal("first Fire did not send")
	}
	f.clock.Add(10 * time.Minute)
	if fire(t, f.manager, atRisk(deadline)) {
		t.Error("repeat Fire within the reminder interval sent")
	}
	// Wait-for-quiet moves the deadline: same key, no new alert.
	deadline = deadline.Add(24 * time.Hour)
	f.clock.Add(10 * time.Minute)
	if fire(t, f.manager, atRisk(deadline)) {
		t.Error("a moved deadline made a duplicate alert")
	}
	f.clock.Add(40 * time.Minute) // an hour since the first message
	if !fire(t, f.manager, atRisk(deadline)) {
		t.Fatal("no reminder after the interval")
	}
	if !resolve(t, f.manager, atRisk(deadline)) {
		t.Fatal("Resolve did not send")
	}
	if resolve(t, f.manager, atRisk(deadline)) {
		t.Error("second Resolve sent again")
	}

	got := f.chat.sent()
	if len(got) != 3 {
		t.Fatalf("chat got %d messages, want first, reminder, resolved", len(got))
	}
	first, reminder, resolved := got[0], got[1], got[2]
	if first.Key != "votebot/proposal_at_risk/7/100" || first.Instance != "vb-test" || first.Reminder != 0 {
		t.Errorf("first = %+v", first)
	}
	if reminder.Reminder != 1 || !reminder.Deadline.Equal(deadline) || reminder.Key != first.Key {
		t.Errorf("reminder = %+v: want reminder 1 with the moved deadline", reminder)
	}
	if !resolved.Resolved || resolved.Key != first.Key {
		t.Errorf("resolved = %+v", resolved)
	}
	if n := len(f.page.sent()); n != 0 {
		t.Errorf("pager got %d warning-level messages, want 0", n)
	}

	// The condition recurs later: a new episode.
	f.clock.Add(time.Minute)
	if !fire(t, f.manager, atRisk(deadline)) {
		t.Error("a recurring condition after resolution was not sent")
	}
}

func TestRoutingBySeverity(t *testing.T) {
	tests := []struct {
		name      string
		alert     Alert
		page, all int
	}{
		{"info stays off the pager", Alert{Kind: KindRefreshDue, Neuron: 1}, 0, 1},
		{"warning stays off the pager", Alert{Kind: KindFollowingDrift, Neuron: 1}, 0, 1},
		{"critical pages", Alert{Kind: KindHotkeyMissing, Neuron: 1}, 1, 1},
		{"explicit severity wins", Alert{Kind: KindRefreshDue, Neuron: 2, Severity: SeverityCritical}, 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFixture(t, NewMemoryState())
			fire(t, f.manager, tt.alert)
			if p, c := len(f.page.sent()), len(f.chat.sent()); p != tt.page || c != tt.all {
				t.Errorf("pager %d, chat %d; want %d, %d", p, c, tt.page, tt.all)
			}
		})
	}
}

func TestResolvedGoesWhereTheAlertWent(t *testing.T) {
	f := newFixture(t, NewMemoryState())
	a := atRisk(f.clock.Now().Add(time.Hour))
	a.Severity = SeverityCritical // escalated close to the deadline
	fire(t, f.manager, a)
	resolve(t, f.manager, atRisk(time.Time{})) // the caller no longer says critical
	page := f.page.sent()
	if len(page) != 2 || !page[1].Resolved {
		t.Errorf("pager got %+v: want the trigger and its resolution", page)
	}
}

func TestEventKindOnceEver(t *testing.T) {
	f := newFixture(t, NewMemoryState())
	missed := Alert{Kind: KindVoteMissed, Neuron: 7, ProposalID: 100}
	if !fire(t, f.manager, missed) {
		t.Fatal("vote missed not sent")
	}
	for range 3 {
		f.clock.Add(2 * time.Hour)
		if fire(t, f.manager, missed) {
			t.Error("vote missed sent again")
		}
	}
	if resolve(t, f.manager, missed) {
		t.Error("vote missed resolved")
	}
	active, err := f.manager.Active(context.Background())
	must(t, err)
	if len(active) != 0 {
		t.Errorf("event left active: %+v", active)
	}
}

func TestNoReminderWhenDisabledForKind(t *testing.T) {
	f := newFixture(t, NewMemoryState())
	due := Alert{Kind: KindRefreshDue, Neuron: 3}
	fire(t, f.manager, due)
	f.clock.Add(48 * time.Hour)
	if fire(t, f.manager, due) {
		t.Error("reminder sent for a kind with reminders disabled")
	}
}

func TestRestartNeitherResendsNorForgets(t *testing.T) {
	f := newFixture(t, NewMemoryState())
	a := atRisk(f.clock.Now().Add(5 * time.Hour))
	fire(t, f.manager, a)
	f.restart(t)
	f.clock.Add(time.Minute)
	if fire(t, f.manager, a) {
		t.Error("restart re-sent an alert")
	}
	if !resolve(t, f.manager, a) {
		t.Error("restart forgot the alert: no resolved message")
	}
}

func TestPendingAfterCrashCountsAsSent(t *testing.T) {
	state := NewMemoryState()
	f := newFixture(t, state)
	a := atRisk(f.clock.Now().Add(5 * time.Hour))
	// A crash between recording the send and finishing it leaves a Pending state.
	must(t, state.PutAlertState(context.Background(), State{Key: KeyFor(a.Kind, a.Neuron, a.ProposalID),
		Kind: a.Kind, Neuron: 7, ProposalID: 100, FirstFired: f.clock.Now(), LastSent: f.clock.Now(),
		TimesSent: 1, Pending: true, Severity: SeverityWarning}))
	f.restart(t)
	if fire(t, f.manager, a) {
		t.Error("a possibly-delivered alert was sent again after a crash")
	}
}

func TestFailedDeliveryIsRetried(t *testing.T) {
	f := newFixture(t, NewMemoryState())
	f.chat.fail = true
	a := Alert{Kind: KindFollowingDrift, Neuron: 9}
	sent, err := f.manager.Fire(context.Background(), a)
	if sent || err == nil {
		t.Fatalf("all channels down: sent=%v err=%v", sent, err)
	}
	f.chat.fail = false
	f.clock.Add(time.Minute)
	if !fire(t, f.manager, a) {
		t.Error("alert not retried after every channel failed")
	}
	if got := f.chat.sent(); len(got) != 1 || got[0].Reminder != 0 {
		t.Errorf("chat got %+v: want one first message", got)
	}
}

func TestPartialFailureCountsAsSent(t *testing.T) {
	f := newFixture(t, NewMemoryState())
	f.page.fail = true
	a := Alert{Kind: KindAllEndpointsDown}
	sent, err := f.manager.Fire(context.Background(), a)
	if !sent || err == nil {
		t.Fatalf("one channel down: sent=%v err=%v; want sent with an error", sent, err)
	}
	if fire(t, f.manager, a) {
		t.Error("partial failure re-sent to the channel that got it")
	}
}

func TestConcurrentFireSendsOnce(t *testing.T) {
	f := newFixture(t, NewMemoryState())
	a := atRisk(f.clock.Now().Add(time.Hour))
	var wg sync.WaitGroup
	for range 20 {
		wg.Add(1)
		go func() { defer wg.Done(); _, _ = f.manager.Fire(context.Background(), a) }()
	}
	wg.Wait()
	if n := len(f.chat.sent()); n != 1 {
		t.Errorf("%d messages from 20 concurrent Fires, want 1", n)
	}
}

func TestManagerRejectsBadInput(t *testing.T) {
	if _, err := NewManager(ManagerConfig{}); err == nil {
		t.Error("manager without state accepted")
	}
	if _, err := NewManager(ManagerConfig{State: NewMemoryState(), Routes: []Route{{Name: "x"}}}); err == nil {
		t.Error("route without notifier accepted")
	}
	f := newFixture(t, NewMemoryState())
	if _, err := f.manager.Fire(context.Background(), Alert{Kind: "bogus"}); err == nil {
		t.Error("unknown kind accepted")
	}
}

func TestEscalationSendsAtOnce(t *testing.T) {
	f := newFixture(t, NewMemoryState())
	deadline := f.clock.Now().Add(2 * time.Hour)
	fire(t, f.manager, atRisk(deadline)) // warning: chat only
	f.clock.Add(5 * time.Minute)
	critical := atRisk(deadline)
	critical.Severity = SeverityCritical
	if !fire(t, f.manager, critical) {
		t.Fatal("escalation to critical within the reminder interval was held back")
	}
	f.clock.Add(5 * time.Minute)
	if fire(t, f.manager, critical) {
		t.Error("critical repeated within the reminder interval")
	}
	if fire(t, f.manager, atRisk(deadline)) {
		t.Error("a lower severity after escalation sent again")
	}
	if n := len(f.page.sent()); n != 1 {
		t.Errorf("pager got %d messages, want the escalation only", n)
	}
}

func TestInstanceDefaultsToHostName(t *testing.T) {
	m, err := NewManager(ManagerConfig{State: NewMemoryState()})
	must(t, err)
	if m.cfg.Instance == "" {
		t.Error("no instance name")
	}
}

// countingState counts the reads that reach the store.
type countingState struct {
	*MemoryState
	mu          sync.Mutex
	reads, list int
}

func (c *countingState) AlertState(ctx context.Context, key string) (State, bool, error) {
	c.mu.Lock()
	c.reads++
	c.mu.Unlock()
	return c.MemoryState.AlertState(ctx, key)
}

func (c *countingState) ActiveAlertStates(ctx context.Context) ([]State, error) {
	c.mu.Lock()
	c.list++
	c.mu.Unlock()
	return c.MemoryState.ActiveAlertStates(ctx)
}

// The bot resolves every filled ballot on every poll; that must not cost a database read each.
func TestResolveOfNothingStaysInMemory(t *testing.T) {
	state := &countingState{MemoryState: NewMemoryState()}
	f := newFixture(t, state)
	a := atRisk(f.clock.Now().Add(time.Hour))
	fire(t, f.manager, a)
	for p := range uint64(1000) {
		resolve(t, f.manager, Alert{Kind: KindProposalAtRisk, Neuron: 8, ProposalID: p})
	}
	fire(t, f.manager, a) // already firing: answered from memory too
	if state.reads != 1 || state.list != 1 {
		t.Errorf("store reads = %d, lists = %d; want 1 (the first Fire) and 1 (the load)", state.reads, state.list)
	}
	if !resolve(t, f.manager, a) {
		t.Error("the firing alert was not resolved")
	}
}

func BenchmarkResolveNotFiring(b *testing.B) {
	m, err := NewManager(ManagerConfig{State: NewMemoryState(), Instance: "x"})
	if err != nil {
		b.Fatal(err)
	}
	a := Alert{Kind: KindProposalAtRisk, Neuron: 1, ProposalID: 2}
	for b.Loop() {
		if _, err := m.Resolve(context.Background(), a); err != nil {
			b.Fatal(err)
		}
	}
}
