package devnet_test

import (
	"github.com/votebot/votebot/internal/sleep"

	"context"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	agent "github.com/aviate-labs/agent-go"
	"github.com/rs/zerolog"
	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/devnet/internal/testcanister"
)

func TestParseLatency(t *testing.T) {
	cases := []struct {
		in   string
		want devnet.Latency
		bad  bool
	}{
		{in: "", want: devnet.Latency{}},
		{in: "0", want: devnet.Latency{}},
		{in: "2s", want: devnet.Latency{Base: 2 * time.Second}},
		{in: "2s±500ms", want: devnet.Latency{Base: 2 * time.Second, Jitter: 500 * time.Millisecond}},
		{in: " 2s +- 500ms ", want: devnet.Latency{Base: 2 * time.Second, Jitter: 500 * time.Millisecond}},
		{in: "20ms±5ms", want: devnet.Latency{Base: 20 * time.Millisecond, Jitter: 5 * time.Millisecond}},
		{in: "fast", bad: true},
		{in: "2s±", bad: true},
		{in: "-1s", bad: true},
		{in: "1s±-1s", bad: true},
	}
	for _, c := range cases {
		got, err := devnet.ParseLatency(c.in)
		if (err != nil) != c.bad || got != c.want {
			t.Errorf("ParseLatency(%q) = %v, %v; want %v, bad=%v", c.in, got, err, c.want, c.bad)
		}
	}
}

func TestPaceValidate(t *testing.T) {
	bad := []devnet.Pace{
		{Rate: -1}, {Burst: -1}, {Exec: -1}, {RateKey: "port"},
		{Update: devnet.Latency{Base: -time.Second}},
	}
	for _, p := range bad {
		if _, err := devnet.New(devnet.Config{Pace: p, Logger: zerolog.Nop()}); err == nil {
			t.Errorf("devnet.New accepted pace %+v", p)
		}
	}
}

// newPacedNet is a test net whose server runs with pace p.
func newPacedNet(t *testing.T, p devnet.Pace) *testNet {
	t.Helper()
	srv, err := devnet.New(devnet.Config{Logger: zerolog.Nop(), Pace: p})
	if err != nil {
		t.Fatal(err)
	}
	c := testcanister.New(testcanister.DefaultID)
	if err := srv.Install(c); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	return &testNet{srv: srv, http: hs, url: mustURL(t, hs.URL), canister: c}
}

// gatedSleep blocks every paced wait until the test opens the gate, and
// records the durations asked for.
type gatedSleep struct {
	mu      sync.Mutex
	asked   []time.Duration
	entered chan time.Duration
	gate    chan struct{}
}

func newGatedSleep() *gatedSleep {
	return &gatedSleep{entered: make(chan time.Duration, 16), gate: make(chan struct{})}
}

// waitEntered returns the duration of the next paced wait; none within
// 10 s means the devnet did not wait at all.
func (g *gatedSleep) waitEntered(t *testing.T) time.Duration {
	t.Helper()
	select {
	case d := <-g.entered:
		return d
	case <-time.After(10 * time.Second):
		close(g.gate)
		t.Fatal("the devnet answered without a paced wait")
		return 0
	}
}

func (g *gatedSleep) sleep(ctx context.Context, d time.Duration) error {
	g.mu.Lock()
	g.asked = append(g.asked, d)
	g.mu.Unlock()
	g.entered <- d
	select {
	case <-g.gate:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// TestPaceUpdateLatency: a call's reply and its effect come only after the
// update latency; the latency drawn lies within base±jitter.
func TestPaceUpdateLatency(t *testing.T) {
	for _, legacy := range []bool{false, true} {
		name := map[bool]string{false: "v4 sync call", true: "v3 call"}[legacy]
		t.Run(name, func(t *testing.T) {
			gs := newGatedSleep()
			n := newPacedNet(t, devnet.Pace{Update: devnet.Latency{Base: 2 * time.Second, Jitter: 500 * time.Millisecond}, Sleep: gs.sleep})
			var opts []agent.ClientOption
			if legacy {
				opts = append(opts, agent.WithLegacyAPI())
			}
			a := n.agentFor(t, identities(t)[0].id, opts...)
			done := make(chan error, 1)
			go func() {
				var got uint64
				done <- a.Call(testcanister.DefaultID, "inc", []any{}, []any{&got})
			}()
			d := gs.waitEntered(t)
			if d < 1500*time.Millisecond || d > 2500*time.Millisecond {
				t.Errorf("latency drawn %v, want 2s±500ms", d)
			}
			select {
			case err := <-done:
				t.Fatalf("call answered before its latency elapsed: %v", err)
			default:
			}
			if got := n.canister.Count(); got != 0 {
				t.Fatalf("call executed before its latency elapsed: count %d", got)
			}
			close(gs.gate)
			if err := <-done; err != nil {
				t.Fatal(err)
			}
			if got := n.canister.Count(); got != 1 {
				t.Fatalf("count %d after the call, want 1", got)
			}
		})
	}
}

// TestPaceQueryLatency: a query answers only after the query latency.
func TestPaceQueryLatency(t *testing.T) {
	gs := newGatedSleep()
	n := newPacedNet(t, devnet.Pace{Query: devnet.Latency{Base: 300 * time.Millisecond}, Sleep: gs.sleep})
	a := n.agentFor(t, identities(t)[0].id)
	done := make(chan error, 1)
	go func() {
		var s string
		done <- a.Query(testcanister.DefaultID, "greet", []any{"pace"}, []any{&s})
	}()
	if d := gs.waitEntered(t); d != 300*time.Millisecond {
		t.Errorf("query latency %v, want 300ms", d)
	}
	select {
	case err := <-done:
		t.Fatalf("query answered before its latency: %v", err)
	default:
	}
	close(gs.gate)
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

// fakeWall is a settable wall clock for the rate limiter.
type fakeWall struct {
	mu sync.Mutex
	t  time.Time
}

func (f *fakeWall) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.t }
func (f *fakeWall) Advance(d time.Duration) {
	f.mu.Lock()
	f.t = f.t.Add(d)
	f.mu.Unlock()
}

// headerRecorder remembers the last response's status and Retry-After.
type headerRecorder struct {
	mu         sync.Mutex
	status     int
	retryAfter string
}

func (h *headerRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err == nil && strings.HasSuffix(r.URL.Path, "/call") {
		h.mu.Lock()
		h.status, h.retryAfter = resp.StatusCode, resp.Header.Get("Retry-After")
		h.mu.Unlock()
	}
	return resp, err
}

func (h *headerRecorder) last() (int, string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.status, h.retryAfter
}

// TestPaceRateLimit: over its rate a client gets 429 with Retry-After, the
// refused call does not execute, and tokens come back with time. Per IP,
// two identities share the limit; per sender, they do not.
func TestPaceRateLimit(t *testing.T) {
	for _, key := range []string{devnet.RateKeyIP, devnet.RateKeySender} {
		t.Run(key, func(t *testing.T) {
			wall := &fakeWall{t: time.Unix(1_700_000_000, 0)}
			n := newPacedNet(t, devnet.Pace{Rate: 0.5, Burst: 2, RateKey: key, Now: wall.Now})
			rec := &headerRecorder{}
			ids := identities(t)
			a := n.agentFor(t, ids[0].id, agent.WithHttpClient(&http.Client{Transport: rec}))
			b := n.agentFor(t, ids[1].id)
			inc := func(a *agent.Agent) error {
				var got uint64
				return a.Call(testcanister.DefaultID, "inc", []any{}, []any{&got})
			}
			for i := range 2 {
				if err := inc(a); err != nil {
					t.Fatalf("call %d within the burst: %v", i, err)
				}
			}
			err := inc(a)
			if err == nil || !strings.Contains(err.Error(), "429") {
				t.Fatalf("third call: %v, want a 429", err)
			}
			if st, ra := rec.last(); st != http.StatusTooManyRequests || ra != "2" {
				t.Fatalf("status %d Retry-After %q, want 429 and 2 (one token at 0.5/s)", st, ra)
			}
			if got := n.canister.Count(); got != 2 {
				t.Fatalf("count %d: a refused call executed", got)
			}
			errB := inc(b)
			if key == devnet.RateKeyIP && (errB == nil || !strings.Contains(errB.Error(), "429")) {
				t.Errorf("per-IP limit: another identity from the same host got %v, want 429", errB)
			}
			if key == devnet.RateKeySender && errB != nil {
				t.Errorf("per-sender limit: another identity was refused: %v", errB)
			}
			wall.Advance(2 * time.Second)
			if err := inc(a); err != nil {
				t.Fatalf("after Retry-After: %v", err)
			}
		})
	}
}

// TestPaceExecOneAtATime: calls wait their latency together but execute
// one at a time, each holding the subnet for Exec.
func TestPaceExecOneAtATime(t *testing.T) {
	var mu sync.Mutex
	inExec, maxExec := 0, 0
	sleep := func(ctx context.Context, d time.Duration) error {
		if d != 7*time.Millisecond { // the update latency: sleep for real
			return sleep.For(ctx, d)
		}
		mu.Lock()
		inExec++
		maxExec = max(maxExec, inExec)
		mu.Unlock()
		err := sleep.For(ctx, d)
		mu.Lock()
		inExec--
		mu.Unlock()
		return err
	}
	n := newPacedNet(t, devnet.Pace{Update: devnet.Latency{Base: 20 * time.Millisecond}, Exec: 7 * time.Millisecond, Sleep: sleep})
	a := n.agentFor(t, identities(t)[0].id)
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for range 8 {
		wg.Go(func() {
			var got uint64
			errs <- a.Call(testcanister.DefaultID, "inc", []any{}, []any{&got})
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if n.canister.Count() != 8 || maxExec != 1 {
		t.Fatalf("count %d, most executing at once %d; want 8 and 1", n.canister.Count(), maxExec)
	}
}

// TestLatencyIsAFlag: a *Latency works as a command-line flag value and
// prints back what it parsed.
func TestLatencyIsAFlag(t *testing.T) {
	fs := flag.NewFlagSet("devnet", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var l devnet.Latency
	fs.Var(&l, "update-latency", "")
	if err := fs.Parse([]string{"-update-latency", "2s+-500ms"}); err != nil {
		t.Fatal(err)
	}
	if l.String() != "2s±500ms" {
		t.Fatalf("parsed %q", l.String())
	}
	if err := fs.Parse([]string{"-update-latency", "soon"}); err == nil {
		t.Fatal("a bad latency was accepted")
	}
}
