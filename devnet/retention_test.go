package devnet_test

import (
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/identity"
	"github.com/rs/zerolog"
	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/devnet/internal/testcanister"
)

// fakeClock is a settable clock for Config.Now.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// TestRequestStatusRetention: a result stays readable for 5 minutes and
// more, and is dropped after the retention period.
func TestRequestStatusRetention(t *testing.T) {
	clock := &fakeClock{t: time.Now()}
	srv, err := devnet.New(devnet.Config{Logger: zerolog.Nop(), Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.Install(testcanister.New(testcanister.DefaultID)); err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	n := &testNet{srv: srv, http: hs, url: mustURL(t, hs.URL)}
	ed, _ := identity.NewRandomEd25519Identity()
	a := n.agentFor(t, ed)

	body, rid := signedEnvelope(t, ed, incRequest())
	if status, out := n.post(t, "/api/v3/canister/"+cid.Encode()+"/call", "application/cbor", body); status != 200 {
		t.Fatalf("call: %d %q", status, out)
	}
	clock.Advance(6 * time.Minute)
	if err := a.Call(cid, "inc", []any{}, []any{new(uint64)}); err != nil { // triggers pruning
		t.Fatal(err)
	}
	if st, _, err := a.RequestStatus(cid, rid); err != nil || string(st) != "replied" {
		t.Fatalf("after 6 min: status %q, %v; want replied", st, err)
	}
	clock.Advance(5 * time.Minute)
	if err := a.Call(cid, "inc", []any{}, []any{new(uint64)}); err != nil {
		t.Fatal(err)
	}
	if st, _, err := a.RequestStatus(cid, rid); err != nil || st != nil {
		t.Fatalf("after 11 min: status %q, %v; want absent", st, err)
	}
}
