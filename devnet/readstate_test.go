package devnet_test

import (
	"bytes"
	"crypto/rand"
	"net/http"
	"strings"
	"sync"
	"testing"

	agent "github.com/aviate-labs/agent-go"
	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/certification"
	"github.com/aviate-labs/agent-go/certification/hashtree"
	"github.com/aviate-labs/agent-go/identity"
	"github.com/aviate-labs/agent-go/principal"
)

func statusPath(rid agent.RequestID) []hashtree.Label {
	return []hashtree.Label{hashtree.Label("request_status"), rid[:]}
}

// TestCallV2ThenPoll: /api/v2 call answers 202 with no body; the result is
// then read (and verified by agent-go) through read_state.
func TestCallV2ThenPoll(t *testing.T) {
	n := newTestNet(t)
	ed, _ := identity.NewRandomEd25519Identity()
	a := n.agentFor(t, ed)
	body, rid := signedEnvelope(t, ed, incRequest())
	status, out := n.post(t, canisterPath("call"), "application/cbor", body)
	if status != http.StatusAccepted || len(out) != 0 {
		t.Fatalf("v2 call: %d %q, want 202 and no body", status, out)
	}
	st, node, err := a.RequestStatus(cid, rid)
	if err != nil || string(st) != "replied" {
		t.Fatalf("request status = %q, %v", st, err)
	}
	reply, err := hashtree.Lookup(node, append(statusPath(rid), hashtree.Label("reply"))...)
	if err != nil {
		t.Fatal(err)
	}
	var got uint64
	if err := candid.Unmarshal(reply, []any{&got}); err != nil || got != 1 {
		t.Fatalf("reply = %d, %v", got, err)
	}
}

// TestRepeatedRequestIDExecutesOnce: resending the same signed call (any
// version) returns the first result and never executes again.
func TestRepeatedRequestIDExecutesOnce(t *testing.T) {
	n := newTestNet(t)
	ed, _ := identity.NewRandomEd25519Identity()
	body, _ := signedEnvelope(t, ed, incRequest())
	for i, v := range []string{"v3", "v4", "v2", "v4"} {
		status, out := n.post(t, "/api/"+v+"/canister/"+cid.Encode()+"/call", "application/cbor", body)
		if status != http.StatusOK && status != http.StatusAccepted {
			t.Fatalf("send %d (%s): %d %q", i, v, status, out)
		}
	}
	if got := n.canister.Count(); got != 1 {
		t.Fatalf("inc executed %d times, want once", got)
	}
}

// TestConcurrentDuplicatesExecuteOnce: the same signed call sent by many
// clients at once still executes once.
func TestConcurrentDuplicatesExecuteOnce(t *testing.T) {
	n := newTestNet(t)
	ed, _ := identity.NewRandomEd25519Identity()
	body, _ := signedEnvelope(t, ed, incRequest())
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			req, _ := http.NewRequest(http.MethodPost, n.http.URL+"/api/v4/canister/"+cid.Encode()+"/call", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/cbor")
			if resp, err := n.http.Client().Do(req); err == nil {
				resp.Body.Close()
			}
		})
	}
	wg.Wait()
	if got := n.canister.Count(); got != 1 {
		t.Fatalf("inc executed %d times, want once", got)
	}
}

// TestUnknownRequestIDIsProvablyAbsent: agent-go accepts the certificate
// and finds the status absent (not "unknown", which clients treat as an
// error).
func TestUnknownRequestIDIsProvablyAbsent(t *testing.T) {
	n := newTestNet(t)
	ed, _ := identity.NewRandomEd25519Identity()
	a := n.agentFor(t, ed)
	// Some real requests so that the absent id has neighbours on both sides.
	for range 5 {
		if err := a.Call(cid, "inc", []any{}, []any{new(uint64)}); err != nil {
			t.Fatal(err)
		}
	}
	for range 20 {
		var rid agent.RequestID
		_, _ = rand.Read(rid[:])
		st, _, err := a.RequestStatus(cid, rid)
		if err != nil || st != nil {
			t.Fatalf("unknown request id: status %q, err %v; want provably absent", st, err)
		}
	}
}

func TestReadStateAuthorisation(t *testing.T) {
	n := newTestNet(t)
	ed, _ := identity.NewRandomEd25519Identity()
	other, _ := identity.NewRandomSecp256k1Identity()
	body, rid := signedEnvelope(t, ed, incRequest())
	if status, out := n.post(t, "/api/v3/canister/"+cid.Encode()+"/call", "application/cbor", body); status != http.StatusOK {
		t.Fatalf("call: %d %q", status, out)
	}
	var rid2 agent.RequestID
	rid2[0] = 1
	cases := []struct {
		name   string
		id     identity.Identity
		paths  [][]hashtree.Label
		status int
		text   string
	}{
		{"own request", ed, [][]hashtree.Label{statusPath(rid)}, 200, ""},
		{"another sender's request", other, [][]hashtree.Label{statusPath(rid)}, 403, "The user tries to access Request ID not signed by the caller."},
		{"two request ids", ed, [][]hashtree.Label{statusPath(rid), statusPath(rid2)}, 400, "More than one non-unique request ID"},
		{"short request id", ed, [][]hashtree.Label{{hashtree.Label("request_status"), []byte{1, 2}}}, 400, "Invalid request id in paths"},
		{"invalid path", ed, [][]hashtree.Label{{hashtree.Label("secrets")}}, 404, "Invalid path requested."},
		{"other canister", ed, [][]hashtree.Label{{hashtree.Label("canister"), principal.MustDecode("rrkah-fqaaa-aaaaa-aaaaq-cai").Raw, hashtree.Label("module_hash")}}, 400, "does not match requested principal id"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			body, _ := signedEnvelope(t, c.id, readStateRequest(c.paths...))
			status, out := n.post(t, "/api/v3/canister/"+cid.Encode()+"/read_state", "application/cbor", body)
			if status != c.status || !strings.Contains(string(out), c.text) {
				t.Fatalf("got %d %q, want %d containing %q", status, out, c.status, c.text)
			}
		})
	}
}

// TestSubnetReadState: agent-go's subnet API (/api/v2/subnet/<root
// subnet>/read_state) verifies, and the subnet is published under both
// the mainnet root subnet id and the root key's self-authenticating id.
func TestSubnetReadState(t *testing.T) {
	n := newTestNet(t)
	a := n.agentFor(t, new(identity.AnonymousIdentity))
	infos, err := a.GetSubnetsInfo()
	if err != nil {
		t.Fatalf("GetSubnetsInfo: %v", err)
	}
	want := map[string]bool{
		certification.RootSubnetID:                                false,
		principal.NewSelfAuthenticating(n.srv.RootKey()).Encode(): false,
	}
	for _, info := range infos {
		id := info.SubnetID.Encode()
		if _, ok := want[id]; !ok {
			t.Fatalf("unexpected subnet %s", id)
		}
		want[id] = true
		if len(info.Nodes) != 1 || !info.CanisterRanges.InRange(cid) {
			t.Fatalf("subnet %s: %d nodes, ranges %v", id, len(info.Nodes), info.CanisterRanges)
		}
		if string(info.PublicKey) != string(n.srv.RootKey()) {
			t.Fatalf("subnet %s public key differs from the root key", id)
		}
	}
	for id, seen := range want {
		if !seen {
			t.Fatalf("subnet %s not published", id)
		}
	}
}
