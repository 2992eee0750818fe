package devnet

import (
	"bytes"
	"crypto/rand"
	"testing"
	"time"

	agent "github.com/aviate-labs/agent-go"
	"github.com/aviate-labs/agent-go/certification/hashtree"
	"github.com/aviate-labs/agent-go/identity"
	"github.com/aviate-labs/agent-go/principal"
	"github.com/fxamacker/cbor/v2"
)

// TestRequestIDMatchesAgentGo: the devnet's hash of the whole content map
// equals agent-go's request id for every request shape.
func TestRequestIDMatchesAgentGo(t *testing.T) {
	nonce := make([]byte, 10)
	_, _ = rand.Read(nonce)
	reqs := []agent.Request{
		{Type: agent.RequestTypeCall, Sender: principal.AnonymousID, CanisterID: principal.MustDecode("ryjl3-tyaaa-aaaaa-aaaba-cai"),
			MethodName: "inc", Arguments: []byte("DIDL\x00\x00"), IngressExpiry: uint64(time.Now().UnixNano()), Nonce: nonce},
		{Type: agent.RequestTypeQuery, Sender: principal.AnonymousID, CanisterID: principal.MustDecode("ryjl3-tyaaa-aaaaa-aaaba-cai"),
			MethodName: "greet", Arguments: []byte{}, IngressExpiry: 1},
		{Type: agent.RequestTypeReadState, Sender: principal.AnonymousID, IngressExpiry: 1 << 62,
			Paths: [][]hashtree.Label{{hashtree.Label("time")}, {hashtree.Label("request_status"), nonce, hashtree.Label("status")}, {}}},
	}
	for _, req := range reqs {
		body, err := cbor.Marshal(agent.Envelope{Content: req})
		if err != nil {
			t.Fatal(err)
		}
		env, err := decodeEnvelope(body)
		if err != nil {
			t.Fatalf("%s: %v", req.Type, err)
		}
		if want := agent.NewRequestID(req); env.RequestID != [32]byte(want) {
			t.Fatalf("%s: request id %x, agent-go %x", req.Type, env.RequestID, want)
		}
	}
}

// TestRequestIDCoversUnknownFields: a field the devnet does not know still
// changes the request id, so a signature cannot be moved to another body.
func TestRequestIDCoversUnknownFields(t *testing.T) {
	content := map[string]any{"request_type": "query", "sender": []byte{4}, "ingress_expiry": uint64(1),
		"canister_id": []byte{1}, "method_name": "m", "arg": []byte{}}
	plain, err := decodeEnvelope(mustMarshal(t, map[string]any{"content": content}))
	if err != nil {
		t.Fatal(err)
	}
	content["extra"] = "field"
	extra, err := decodeEnvelope(mustMarshal(t, map[string]any{"content": content}))
	if err != nil {
		t.Fatal(err)
	}
	if plain.RequestID == extra.RequestID {
		t.Fatal("an extra content field did not change the request id")
	}
}

func mustMarshal(t *testing.T, v any) []byte {
	t.Helper()
	b, err := cbor.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeEnvelopeRejects(t *testing.T) {
	cases := map[string][]byte{
		"empty":          {},
		"not a map":      mustMarshal(t, []int{1}),
		"no content":     mustMarshal(t, map[string]any{"sender_sig": []byte{1}}),
		"int keys":       mustMarshal(t, map[int]any{1: 2}),
		"float expiry":   mustMarshal(t, map[string]any{"content": map[string]any{"request_type": "query", "sender": []byte{4}, "ingress_expiry": 1.5}}),
		"negative int":   mustMarshal(t, map[string]any{"content": map[string]any{"request_type": "query", "sender": []byte{4}, "ingress_expiry": uint64(1), "canister_id": []byte{}, "method_name": "m", "arg": []byte{}, "x": -1}}),
		"unknown type":   mustMarshal(t, map[string]any{"content": map[string]any{"request_type": "nope", "sender": []byte{4}, "ingress_expiry": uint64(1)}}),
		"unknown field":  mustMarshal(t, map[string]any{"content": map[string]any{}, "junk": 1}),
		"bad delegation": mustMarshal(t, map[string]any{"content": map[string]any{}, "sender_delegation": "x"}),
	}
	for name, body := range cases {
		if _, err := decodeEnvelope(body); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
}

// FuzzEnvelope: no input makes decoding or validation panic.
func FuzzEnvelope(f *testing.F) {
	id, _ := identity.NewRandomEd25519Identity()
	req := agent.Request{Type: agent.RequestTypeQuery, Sender: id.Sender(), CanisterID: principal.MustDecode("ryjl3-tyaaa-aaaaa-aaaba-cai"),
		MethodName: "greet", Arguments: []byte("DIDL\x00\x00"), IngressExpiry: uint64(time.Now().Add(time.Minute).UnixNano())}
	rid := agent.NewRequestID(req)
	sig, _ := rid.Sign(id)
	good, _ := cbor.Marshal(agent.Envelope{Content: req, SenderPubKey: id.PublicKey(), SenderSig: sig})
	f.Add(good)
	f.Add(append([]byte{0xd9, 0xd9, 0xf7}, good...))
	f.Add([]byte{0xa1, 0x67, 'c', 'o', 'n', 't', 'e', 'n', 't', 0xa0})
	f.Add([]byte("not cbor"))
	f.Fuzz(func(t *testing.T, body []byte) {
		env, err := decodeEnvelope(body)
		if err != nil {
			return
		}
		for _, typ := range []requestType{typeQuery, typeCall, typeReadState} {
			_, _ = validate(env, typ, env.Content.CanisterID, true, time.Now())
		}
		if bytes.Equal(body, good) && env.RequestID != [32]byte(rid) {
			t.Fatal("seed request id changed")
		}
	})
}
