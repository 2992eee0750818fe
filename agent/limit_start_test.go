package agent

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/votebot/votebot/devnet"
)

// firstLimit is an observer that records the update limit in force when
// the first update call started, and the lowest one seen.
type firstLimit struct {
	mu           sync.Mutex
	first, least int
}

func (f *firstLimit) ObserveCall(_, _, _ string, _ time.Duration) {}
func (f *firstLimit) ObserveEndpoint(string, bool)                {}
func (f *firstLimit) ObserveRateLimited(string, time.Duration)    {}
func (f *firstLimit) ObserveConcurrency(_, kind string, inFlight, limit int) {
	if kind != "update" || inFlight == 0 {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.first == 0 {
		f.first, f.least = limit, limit
	}
	f.least = min(f.least, limit)
}

func (f *firstLimit) get() (first, least int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.first, f.least
}

// TestNewClientStartsFromHeldLimit: a client whose burst of votes ramped
// its limit hands it to a new client (a reload that rebuilt the client, or
// a restart that read it back), whose first burst of votes starts at that
// limit and never below it, not at InitialConcurrency.
func TestNewClientStartsFromHeldLimit(t *testing.T) {
	if testing.Short() {
		t.Skip("paced bursts take a few seconds")
	}
	const neurons = 64
	pace := devnet.Pace{Update: devnet.Latency{Base: 100 * time.Millisecond, Jitter: 20 * time.Millisecond}}
	vn := startVotingNet(t, pace, neurons, 2, 128)
	ctx := context.Background()
	if err := vn.voteAll(ctx, vn.proposals[:1]); err != nil {
		t.Fatal(err)
	}
	held := heldUpdate(t, vn.g.HeldLimits())
	if held <= DefaultInitialConcurrency {
		t.Fatalf("the first client's burst of %d votes held limit %d: it never ramped", neurons, held)
	}

	tr := http.DefaultTransport.(*http.Transport).Clone()
	t.Cleanup(tr.CloseIdleConnections)
	cfg := vn.g.cfg
	obs := &firstLimit{}
	cfg.Observer, cfg.Transport = obs, tr
	next := newClient(t, cfg)
	next.StartFrom(vn.g.HeldLimits())
	if got := next.Endpoints()[0].Limit; got != held {
		t.Fatalf("new client before its first call: update limit %d, want the %d that held", got, held)
	}
	vn.g = next
	if err := vn.voteAll(ctx, vn.proposals[1:]); err != nil {
		t.Fatal(err)
	}
	if n := vn.unfilled(t); n != 0 {
		t.Fatalf("%d ballots empty", n)
	}
	first, least := obs.get()
	t.Logf("held %d; the new client's burst of %d votes started at limit %d, lowest %d", held, neurons, first, least)
	if first != held || least < held {
		t.Errorf("the new client's first burst started at limit %d (lowest %d), want %d throughout (InitialConcurrency is %d)",
			first, least, held, DefaultInitialConcurrency)
	}
}

func heldUpdate(t *testing.T, hs []HeldLimit) int {
	t.Helper()
	for _, h := range hs {
		if h.Kind == "update" {
			return h.Limit
		}
	}
	t.Fatalf("no update limit held: %+v", hs)
	return 0
}

// TestStartFrom: which of a client's limiters a remembered limit applies
// to, and within which bounds.
func TestStartFrom(t *testing.T) {
	const a, b = "a.example:8080", "b.example:8080"
	cases := []struct {
		name  string
		held  []HeldLimit
		wantA int // update limit of endpoint a
		wantB int
	}{
		{name: "nothing remembered", wantA: DefaultInitialConcurrency, wantB: DefaultInitialConcurrency},
		{name: "per endpoint", held: []HeldLimit{{Endpoint: a, Kind: "update", Limit: 40}, {Endpoint: b, Kind: "update", Limit: 7}},
			wantA: 40, wantB: 7},
		{name: "another endpoint's limit is not ours", held: []HeldLimit{{Endpoint: "c.example:8080", Kind: "update", Limit: 40}},
			wantA: DefaultInitialConcurrency, wantB: DefaultInitialConcurrency},
		{name: "a query limit is not the update limit", held: []HeldLimit{{Endpoint: a, Kind: "query", Limit: 40}},
			wantA: DefaultInitialConcurrency, wantB: DefaultInitialConcurrency},
		{name: "above MaxConcurrency", held: []HeldLimit{{Endpoint: a, Kind: "update", Limit: 1000}}, wantA: 64, wantB: DefaultInitialConcurrency},
		{name: "zero or negative is ignored", held: []HeldLimit{{Endpoint: a, Kind: "update", Limit: -3}, {Endpoint: b, Kind: "update"}},
			wantA: DefaultInitialConcurrency, wantB: DefaultInitialConcurrency},
		{name: "unknown kind", held: []HeldLimit{{Endpoint: a, Kind: "weird", Limit: 40}}, wantA: DefaultInitialConcurrency, wantB: DefaultInitialConcurrency},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg := testConfig([]string{"http://" + a, "http://" + b}, hexRootKeyForTests(t), nil)
			cfg.MaxConcurrency = 64
			g, err := New(context.Background(), cfg)
			if err != nil {
				t.Fatal(err)
			}
			g.StartFrom(c.held)
			eps := g.Endpoints()
			if eps[0].Limit != c.wantA || eps[1].Limit != c.wantB {
				t.Errorf("update limits %d, %d; want %d, %d", eps[0].Limit, eps[1].Limit, c.wantA, c.wantB)
			}
			// What a client started from is what it hands on, even before
			// it made a call.
			again := map[string]int{}
			for _, h := range g.HeldLimits() {
				if h.Kind == "update" {
					again[h.Endpoint] = h.Limit
				}
			}
			if c.wantA != DefaultInitialConcurrency && again[a] != c.wantA {
				t.Errorf("hands on %v, want %s at %d", again, a, c.wantA)
			}
		})
	}
}
