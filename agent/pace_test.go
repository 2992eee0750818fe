package agent

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/principal"

	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
)

// paceCounter counts attempts, 429s and the limiter's state: an Observer
// that is also a LimitObserver.
type paceCounter struct {
	calls, limited  atomic.Int64
	mu              sync.Mutex
	limit, maxLimit int
	inFlight        int
	maxInFlight     int
}

func (p *paceCounter) ObserveCall(_, _, _ string, _ time.Duration) { p.calls.Add(1) }
func (p *paceCounter) ObserveEndpoint(string, bool)                {}
func (p *paceCounter) ObserveRateLimited(string, time.Duration)    { p.limited.Add(1) }
func (p *paceCounter) ObserveConcurrency(_, kind string, inFlight, limit int) {
	if kind != "update" {
		return
	}
	p.mu.Lock()
	p.inFlight, p.limit = inFlight, limit
	p.maxInFlight, p.maxLimit = max(p.maxInFlight, inFlight), max(p.maxLimit, limit)
	p.mu.Unlock()
}

// take returns the counts since the last take.
func (p *paceCounter) take() (calls, limited int64) {
	return p.calls.Swap(0), p.limited.Swap(0)
}

// bodyCheck fails a request whose body is missing or shorter than its
// Content-Length: a retry that resent a consumed body would send one.
type bodyCheck struct {
	base http.RoundTripper
	bad  atomic.Int64
}

func (b *bodyCheck) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method == http.MethodPost {
		var body []byte
		if r.Body != nil {
			body, _ = io.ReadAll(r.Body)
			r.Body.Close()
		}
		if len(body) == 0 || int64(len(body)) != r.ContentLength {
			b.bad.Add(1)
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
	}
	return b.base.RoundTrip(r)
}

// votingNet is a paced devnet with neurons hot-keyed to one identity and
// open motions to vote on.
type votingNet struct {
	g         *Governance
	gov       *governance.Canister
	neurons   []uint64
	proposals []uint64
	counter   *paceCounter
	bodies    *bodyCheck
}

func startVotingNet(t testing.TB, p devnet.Pace, neurons, proposals, maxConc int) *votingNet {
	t.Helper()
	gov, err := governance.New(governance.Config{})
	if err != nil {
		t.Fatal(err)
	}
	srv, url := servePacedDevnet(t, gov, p)
	net := &govNet{url: url, rootKey: hex.EncodeToString(srv.RootKey()), gov: gov}
	id := newIdentity(t)
	vn := &votingNet{gov: gov, counter: &paceCounter{}}
	proposer := net.addNeuron(t, principal.AnonymousID, nil)
	for range neurons {
		vn.neurons = append(vn.neurons, net.addNeuron(t, id.Sender(), nil))
	}
	for i := range proposals {
		vn.proposals = append(vn.proposals, net.motion(t, proposer, i))
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = maxConc
	t.Cleanup(tr.CloseIdleConnections)
	vn.bodies = &bodyCheck{base: tr}
	cfg := testConfig([]string{url}, net.rootKey, id)
	cfg.CallTimeout, cfg.MaxRounds = 30*time.Second, DefaultMaxRounds
	cfg.Observer, cfg.Transport, cfg.MaxConcurrency = vn.counter, vn.bodies, maxConc
	vn.g = newClient(t, cfg)
	return vn
}

// voteAll votes yes with every neuron on proposals, all at once, and
// returns the first error.
func (vn *votingNet) voteAll(ctx context.Context, proposals []uint64) error {
	var wg sync.WaitGroup
	errs := make(chan error, len(proposals)*len(vn.neurons))
	for _, p := range proposals {
		for _, n := range vn.neurons {
			wg.Go(func() {
				if err := vn.g.RegisterVote(ctx, n, p, nns.VoteYes); err != nil {
					errs <- fmt.Errorf("neuron %d proposal %d: %w", n, p, err)
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	return <-errs
}

// unfilled counts the ballots of the voting neurons still empty.
func (vn *votingNet) unfilled(t testing.TB) int {
	t.Helper()
	mine := map[uint64]bool{}
	for _, n := range vn.neurons {
		mine[n] = true
	}
	empty := 0
	for _, id := range vn.proposals {
		info, ok := vn.gov.ProposalInfo(id)
		if !ok {
			t.Fatalf("proposal %d is gone", id)
		}
		filled := 0
		for _, b := range info.Ballots {
			if mine[b.NeuronId] && b.Ballot.Vote == int32(nns.VoteYes) {
				filled++
			}
		}
		empty += len(vn.neurons) - filled
	}
	return empty
}

// TestPacedVoteBurst: a burst of votes against a devnet that certifies in
// 200 ms and refuses more than 50 update calls/s (a rate this machine's
// CPU exceeds, so the limit binds): once the limiter has adapted, under 1%
// of the calls get 429, and every vote lands.
func TestPacedVoteBurst(t *testing.T) {
	if testing.Short() {
		t.Skip("paced burst takes about 20 s")
	}
	pace := devnet.Pace{Update: devnet.Latency{Base: 200 * time.Millisecond, Jitter: 50 * time.Millisecond}, Rate: 50}
	vn := startVotingNet(t, pace, 100, 9, 64)
	ctx := context.Background()
	// Warm up: the limiter finds the rate (slow start overshoots once).
	if err := vn.voteAll(ctx, vn.proposals[:2]); err != nil {
		t.Fatal(err)
	}
	calls, limited := vn.counter.take()
	t.Logf("warm-up: %d calls, %d answered 429, limit %d", calls, limited, vn.counter.limit)
	if err := vn.voteAll(ctx, vn.proposals[2:]); err != nil {
		t.Fatal(err)
	}
	calls, limited = vn.counter.take()
	t.Logf("adapted: %d calls, %d answered 429 (%.2f%%), limit %d, most in flight %d",
		calls, limited, 100*float64(limited)/float64(calls), vn.counter.limit, vn.counter.maxInFlight)
	if want := int64(len(vn.neurons) * 7); calls < want {
		t.Fatalf("%d calls for %d votes", calls, want)
	}
	if limited*100 >= calls {
		t.Errorf("%d of %d calls answered 429: not under 1%%", limited, calls)
	}
	if n := vn.unfilled(t); n != 0 {
		t.Errorf("%d ballots empty after the burst", n)
	}
	if n := vn.bodies.bad.Load(); n != 0 {
		t.Errorf("%d requests went out with a missing or short body", n)
	}
	if st := vn.g.Endpoints()[0]; st.InFlight != 0 || st.Limit != vn.counter.limit || st.Limit <= DefaultInitialConcurrency {
		t.Errorf("endpoint status %+v: want nothing in flight and the limit grown past %d, as observed (%d)",
			st, DefaultInitialConcurrency, vn.counter.limit)
	}
}

// TestRateLimitedRoundIsNotAFailure: with a single round allowed, a call
// refused with 429 is retried once Retry-After has passed (not before),
// the endpoint stays up, and the vote lands.
func TestRateLimitedRoundIsNotAFailure(t *testing.T) {
	net := startNet(t)
	id := newIdentity(t)
	net.gov.addNeurons(10, 1, id.Sender())
	net.gov.addProposals(1, 1, nns.TopicGovernance)
	proxy := proxyTo(t, net.url)
	var refused atomic.Int64
	var refusedAt atomic.Int64
	var early atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/call") {
			if at := refusedAt.Load(); at != 0 && time.Since(time.Unix(0, at)) < time.Second {
				early.Add(1)
			}
			if refused.Add(1) <= 2 {
				refusedAt.Store(time.Now().UnixNano())
				w.Header().Set("Retry-After", "1")
				http.Error(w, "rate limited", http.StatusTooManyRequests)
				return
			}
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	counter := &paceCounter{}
	cfg := testConfig([]string{srv.URL}, net.rootKey, id)
	cfg.MaxRounds, cfg.Observer = 1, counter
	g := newClient(t, cfg)
	if err := g.RegisterVote(context.Background(), 10, 1, nns.VoteYes); err != nil {
		t.Fatalf("vote after two 429s: %v", err)
	}
	if n := early.Load(); n != 0 {
		t.Errorf("%d calls sent before Retry-After passed", n)
	}
	if got := counter.limited.Load(); got != 2 {
		t.Errorf("%d 429s observed, want 2", got)
	}
	if st := g.Endpoints()[0]; !st.Up {
		t.Errorf("endpoint marked down by a 429: %+v", st)
	}
}
