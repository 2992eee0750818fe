package devnet_test

import (
	"bytes"
	"strings"
	"testing"
	"time"

	agent "github.com/aviate-labs/agent-go"
	"github.com/aviate-labs/agent-go/principal"
	"github.com/votebot/votebot/devnet/internal/testcanister"
)

var cid = testcanister.DefaultID

func TestAgentGoAgainstDevnet(t *testing.T) {
	n := newTestNet(t)
	apis := []struct {
		name string
		opts []agent.ClientOption
	}{
		{"v4", nil},
		{"legacy-v3", []agent.ClientOption{agent.WithLegacyAPI()}},
	}
	for _, ni := range identities(t) {
		for _, api := range apis {
			t.Run(ni.name+"/"+api.name, func(t *testing.T) {
				a := n.agentFor(t, ni.id, api.opts...)
				if !bytes.Equal(a.GetRootKey(), n.srv.RootKey()) {
					t.Fatalf("agent pinned root key %x, devnet has %x", a.GetRootKey(), n.srv.RootKey())
				}
				checkQuery(t, a)
				checkWhoami(t, a, ni.id.Sender())
				checkUpdate(t, a, n)
				checkQueryMethodThroughCall(t, a)
				checkReadState(t, a)
				checkRejects(t, a)
			})
		}
	}
}

func checkQuery(t *testing.T, a *agent.Agent) {
	t.Helper()
	var got string
	if err := a.Query(cid, "greet", []any{"devnet"}, []any{&got}); err != nil {
		t.Fatalf("query greet: %v", err)
	}
	if got != "Hello, devnet!" {
		t.Fatalf("greet = %q", got)
	}
}

func checkWhoami(t *testing.T, a *agent.Agent, want principal.Principal) {
	t.Helper()
	var got principal.Principal
	if err := a.Query(cid, "whoami", []any{}, []any{&got}); err != nil {
		t.Fatalf("query whoami: %v", err)
	}
	if !got.Equal(want) {
		t.Fatalf("whoami = %s, want %s", got, want)
	}
}

func checkUpdate(t *testing.T, a *agent.Agent, n *testNet) {
	t.Helper()
	before := n.canister.Count()
	var got uint64
	if err := a.Call(cid, "inc", []any{}, []any{&got}); err != nil {
		t.Fatalf("call inc: %v", err)
	}
	if got != before+1 || n.canister.Count() != before+1 {
		t.Fatalf("inc returned %d, canister count %d, want %d", got, n.canister.Count(), before+1)
	}
}

func checkQueryMethodThroughCall(t *testing.T, a *agent.Agent) {
	t.Helper()
	var got string
	if err := a.Call(cid, "greet", []any{"call"}, []any{&got}); err != nil {
		t.Fatalf("call greet (a query method): %v", err)
	}
	if got != "Hello, call!" {
		t.Fatalf("greet via call = %q", got)
	}
}

func checkReadState(t *testing.T, a *agent.Agent) {
	t.Helper()
	now := time.Now()
	ts, err := a.GetTime(cid)
	if err != nil {
		t.Fatalf("read_state time: %v", err)
	}
	if d := ts.Sub(now); d < -time.Minute || d > time.Minute {
		t.Fatalf("certified time %s is not the wall clock %s", ts, now)
	}
	meta, err := a.GetCanisterMetadata(cid, "candid:service")
	if err != nil {
		t.Fatalf("read_state metadata: %v", err)
	}
	if string(meta) != testcanister.Service {
		t.Fatalf("candid:service = %q", meta)
	}
	if _, err := a.GetCanisterControllers(cid); err != nil {
		t.Fatalf("read_state controllers: %v", err)
	}
	if h, err := a.GetCanisterModuleHash(cid); err != nil || len(h) != 32 {
		t.Fatalf("read_state module_hash: %x, %v", h, err)
	}
}

func checkRejects(t *testing.T, a *agent.Agent) {
	t.Helper()
	cases := []struct {
		name  string
		run   func() error
		wants []string
	}{
		{"canister reject", func() error { return a.Call(cid, "refuse", []any{}, []any{}) },
			[]string{"(4)", "refused by the test canister", "IC0406"}},
		{"trap", func() error { return a.Call(cid, "boom", []any{}, []any{}) },
			[]string{"(5)", "IC0503", "boom"}},
		{"unknown query method", func() error { var s string; return a.Query(cid, "nope", []any{}, []any{&s}) },
			[]string{"(3)", "IC0536", "has no query method 'nope'"}},
		{"unknown update method", func() error { return a.Call(cid, "nope", []any{}, []any{}) },
			[]string{"(3)", "IC0536", "has no update method 'nope'"}},
		{"update method via query", func() error { var n uint64; return a.Query(cid, "inc", []any{}, []any{&n}) },
			[]string{"(3)", "IC0536", "has no query method 'inc'"}},
		{"candid decode failure (query)", func() error { var s string; return a.Query(cid, "greet", []any{uint64(7)}, []any{&s}) },
			[]string{"(5)", "IC0503", "failed to decode call arguments"}},
		{"candid decode failure (update)", func() error { var s string; return a.Call(cid, "greet", []any{uint64(7)}, []any{&s}) },
			[]string{"(5)", "IC0503", "failed to decode call arguments"}},
		{"unknown canister", func() error {
			var s string
			other := principal.MustDecode("qoctq-giaaa-aaaaa-aaaea-cai")
			return a.Query(other, "greet", []any{"x"}, []any{&s})
		}, []string{"(3)", "IC0301", "not found"}},
	}
	for _, c := range cases {
		err := c.run()
		if err == nil {
			t.Fatalf("%s: no error", c.name)
		}
		for _, w := range c.wants {
			if !strings.Contains(err.Error(), w) {
				t.Fatalf("%s: error %q does not contain %q", c.name, err, w)
			}
		}
	}
}
