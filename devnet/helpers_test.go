package devnet_test

import (
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	agent "github.com/aviate-labs/agent-go"
	"github.com/aviate-labs/agent-go/identity"
	"github.com/rs/zerolog"
	"github.com/votebot/votebot/devnet"
	"github.com/votebot/votebot/devnet/internal/testcanister"
)

// testNet is a devnet with the test canister behind an httptest server.
type testNet struct {
	srv      *devnet.Server
	http     *httptest.Server
	url      *url.URL
	canister *testcanister.Canister
}

func newTestNet(t testing.TB) *testNet {
	t.Helper()
	return newTestNetLogged(t, zerolog.Nop())
}

func newTestNetLogged(t testing.TB, log zerolog.Logger) *testNet {
	t.Helper()
	return newTestNetConfig(t, devnet.Config{Logger: log})
}

func newTestNetConfig(t testing.TB, cfg devnet.Config) *testNet {
	t.Helper()
	srv, err := devnet.New(cfg)
	if err != nil {
		t.Fatalf("devnet.New: %v", err)
	}
	c := testcanister.New(testcanister.DefaultID)
	if err := srv.Install(c); err != nil {
		t.Fatalf("Install: %v", err)
	}
	hs := httptest.NewServer(srv.Handler())
	t.Cleanup(hs.Close)
	u, err := url.Parse(hs.URL)
	if err != nil {
		t.Fatal(err)
	}
	return &testNet{srv: srv, http: hs, url: u, canister: c}
}

// agentFor returns an agent-go agent in its default, verifying
// configuration: root key fetched once from /api/v2/status, then pinned.
func (n *testNet) agentFor(t testing.TB, id identity.Identity, opts ...agent.ClientOption) *agent.Agent {
	t.Helper()
	a, err := agent.New(agent.Config{
		Identity:     id,
		FetchRootKey: true,
		ClientConfig: append([]agent.ClientOption{agent.WithHostURL(n.url)}, opts...),
		PollDelay:    10 * time.Millisecond,
	})
	if err != nil {
		t.Fatalf("agent.New: %v", err)
	}
	return a
}

type namedIdentity struct {
	name string
	id   identity.Identity
}

func identities(t testing.TB) []namedIdentity {
	t.Helper()
	ed, err := identity.NewRandomEd25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	secp, err := identity.NewRandomSecp256k1Identity()
	if err != nil {
		t.Fatal(err)
	}
	p256, err := identity.NewRandomPrime256v1Identity()
	if err != nil {
		t.Fatal(err)
	}
	return []namedIdentity{
		{"ed25519", ed},
		{"secp256k1", secp},
		{"p256", p256},
		{"anonymous", new(identity.AnonymousIdentity)},
	}
}

func mustURL(t testing.TB, s string) *url.URL {
	t.Helper()
	u, err := url.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
