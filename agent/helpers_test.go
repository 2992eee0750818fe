package agent

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	agentid "github.com/aviate-labs/agent-go/identity"
	"github.com/rs/zerolog"

	"github.com/votebot/votebot/devnet"
)

// testNet is an in-process devnet with the fake governance canister,
// serving on a random localhost port.
type testNet struct {
	url     string
	rootKey string
	gov     *fakeGov
	srv     *devnet.Server
}

func startNet(t testing.TB) *testNet {
	t.Helper()
	gov := newFakeGov()
	srv, url := serveDevnet(t, gov)
	return &testNet{url: url, rootKey: hex.EncodeToString(srv.RootKey()), gov: gov, srv: srv}
}

// serveDevnet serves a devnet hosting c on a random localhost port until
// the test ends, and returns it with its URL.
func serveDevnet(t testing.TB, c devnet.Canister) (*devnet.Server, string) {
	t.Helper()
	return serveDevnetConfig(t, devnet.Config{Logger: zerolog.Nop()}, c)
}

// servePacedDevnet is serveDevnet at pace p.
func servePacedDevnet(t testing.TB, c devnet.Canister, p devnet.Pace) (*devnet.Server, string) {
	t.Helper()
	return serveDevnetConfig(t, devnet.Config{Logger: zerolog.Nop(), Pace: p}, c)
}

type served struct {
	srv *devnet.Server
	url string
}

func serveCanisters(t testing.TB, cfg devnet.Config, cs ...devnet.Canister) served {
	t.Helper()
	srv, err := devnet.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if err := srv.Install(c); err != nil {
			t.Fatal(err)
		}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, l) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("devnet: %v", err)
		}
	})
	return served{srv: srv, url: "http://" + l.Addr().String()}
}

func serveDevnetConfig(t testing.TB, cfg devnet.Config, c devnet.Canister) (*devnet.Server, string) {
	t.Helper()
	s := serveCanisters(t, cfg, c)
	return s.srv, s.url
}

// fakeClock is a settable clock for endpoint back-off.
type fakeClock struct{ ns atomic.Int64 }

func newFakeClock() *fakeClock {
	c := &fakeClock{}
	c.ns.Store(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC).UnixNano())
	return c
}
func (c *fakeClock) Now() time.Time          { return time.Unix(0, c.ns.Load()) }
func (c *fakeClock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

// recorder is an Observer that keeps what it saw.
type recorder struct {
	mu    sync.Mutex
	calls []observed
	ups   []string
}

type observed struct{ endpoint, method, outcome string }

func (r *recorder) ObserveCall(endpoint, method, outcome string, _ time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, observed{endpoint, method, outcome})
}

func (r *recorder) ObserveEndpoint(endpoint string, up bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	s := "down"
	if up {
		s = "up"
	}
	r.ups = append(r.ups, endpoint+" "+s)
}

func (r *recorder) take() []observed {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.calls
	r.calls = nil
	return out
}

func newIdentity(t testing.TB) agentid.Identity {
	t.Helper()
	id, err := agentid.NewRandomEd25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// testConfig is a client configuration with short timeouts and fast
// retries, so failure tests stay quick.
func testConfig(endpoints []string, rootKey string, id agentid.Identity) Config {
	return Config{
		Endpoints:   endpoints,
		RootKey:     rootKey,
		Identity:    id,
		CallTimeout: 2 * time.Second,
		MaxRounds:   2,
		RetryBase:   time.Millisecond,
		RetryMax:    5 * time.Millisecond,
		Logger:      zerolog.Nop(),
	}
}

func newClient(t testing.TB, cfg Config) *Governance {
	t.Helper()
	if cfg.Transport == nil {
		// A transport per client, closed before the devnet shuts down:
		// http.Server.Shutdown waits on connections dialled but never used.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		t.Cleanup(tr.CloseIdleConnections)
		cfg.Transport = tr
	}
	g, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return g
}

// closedURL is a localhost URL nothing listens on.
func closedURL(t testing.TB) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return "http://" + addr
}

// switchable is an endpoint whose behaviour the test changes: forward to
// the devnet, answer 503, or hang until the client gives up.
type switchable struct {
	mode   atomic.Value // "ok", "503", "slow"
	target http.Handler
	srv    *httptest.Server
	hits   atomic.Int64
}

func newSwitchable(t testing.TB, target string, mode string) *switchable {
	t.Helper()
	s := &switchable{target: proxyTo(t, target)}
	s.mode.Store(mode)
	release := make(chan struct{})
	s.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		switch s.mode.Load().(string) {
		case "503":
			http.Error(w, "overloaded", http.StatusServiceUnavailable)
		case "slow":
			select {
			case <-r.Context().Done():
			case <-release:
			}
		default:
			s.target.ServeHTTP(w, r)
		}
	}))
	t.Cleanup(s.srv.Close)
	t.Cleanup(func() { close(release) }) // runs first: frees hanging handlers
	return s
}

// proxyTo forwards requests to target, optionally through edit, which may
// rewrite the response body of a path.
func proxyTo(t testing.TB, target string) http.Handler {
	return tamperProxy(t, target, nil)
}

func tamperProxy(t testing.TB, target string, edit func(path string, body []byte) []byte) http.Handler {
	client := &http.Client{Timeout: 10 * time.Second}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := http.NewRequestWithContext(r.Context(), r.Method, target+r.URL.Path, r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		req.Header = r.Header.Clone()
		resp, err := client.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		var buf bytes.Buffer
		if _, err := buf.ReadFrom(resp.Body); err != nil && !errors.Is(err, context.Canceled) {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		body := buf.Bytes()
		if edit != nil && resp.StatusCode == http.StatusOK {
			body = edit(r.URL.Path, body)
		}
		for k, v := range resp.Header {
			w.Header()[k] = v
		}
		w.Header().Del("Content-Length")
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(body)
	})
}

func hexOf(b []byte) string { return hex.EncodeToString(b) }
