package devnet_test

import (
	"testing"

	"github.com/aviate-labs/agent-go/identity"
)

// The agent-go figures include client work: a verified query costs a
// read_state and a BLS pairing check on the client side.

func BenchmarkAgentQueryVerified(b *testing.B) {
	n := newTestNet(b)
	defer n.http.Close()
	id, _ := identity.NewRandomEd25519Identity()
	a := n.agentFor(b, id)
	for b.Loop() {
		var s string
		if err := a.Query(cid, "greet", []any{"bench"}, []any{&s}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAgentCallV4(b *testing.B) {
	n := newTestNet(b)
	defer n.http.Close()
	id, _ := identity.NewRandomEd25519Identity()
	a := n.agentFor(b, id)
	for b.Loop() {
		if err := a.Call(cid, "inc", []any{}, []any{new(uint64)}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkServerQuery(b *testing.B) {
	n := newTestNet(b)
	defer n.http.Close()
	id, _ := identity.NewRandomEd25519Identity()
	body, _ := signedEnvelope(b, id, greetRequest(b, "query", cid))
	b.ResetTimer()
	for b.Loop() {
		if status, out := n.post(b, canisterPath("query"), "application/cbor", body); status != 200 {
			b.Fatalf("%d %s", status, out)
		}
	}
}

func BenchmarkServerCallV4(b *testing.B) {
	n := newTestNet(b)
	id, _ := identity.NewRandomEd25519Identity()
	for b.Loop() {
		b.StopTimer()
		body, _ := signedEnvelope(b, id, incRequest())
		b.StartTimer()
		if status, out := n.post(b, "/api/v4/canister/"+cid.Encode()+"/call", "application/cbor", body); status != 200 {
			b.Fatalf("%d %s", status, out)
		}
	}
}
