package devnet_test

import (
	"strings"
	"testing"
	"time"

	agent "github.com/aviate-labs/agent-go"
	"github.com/aviate-labs/agent-go/certification"
	"github.com/aviate-labs/agent-go/identity"
	"github.com/aviate-labs/agent-go/principal"
)

// delegatedEnvelope signs req with session under a delegation from root
// (as Internet Identity sessions do).
func delegatedEnvelope(t *testing.T, root, signer, session identity.Identity, expiry time.Time, targets []principal.Principal) []byte {
	t.Helper()
	d := map[string]any{"pubkey": session.PublicKey(), "expiration": uint64(expiry.UnixNano())}
	kv := []certification.KeyValuePair{{Key: "pubkey", Value: session.PublicKey()}, {Key: "expiration", Value: uint64(expiry.UnixNano())}}
	if targets != nil {
		var raw [][]byte
		var anyRaw []any
		for _, p := range targets {
			raw = append(raw, p.Raw)
			anyRaw = append(anyRaw, p.Raw)
		}
		d["targets"] = raw
		kv = append(kv, certification.KeyValuePair{Key: "targets", Value: anyRaw})
	}
	h, err := certification.RepresentationIndependentHash(kv)
	if err != nil {
		t.Fatal(err)
	}
	dsig, err := signer.Sign(append([]byte("\x1Aic-request-auth-delegation"), h[:]...))
	if err != nil {
		t.Fatal(err)
	}
	req := greetRequest(t, agent.RequestTypeQuery, cid)
	req.Sender = root.Sender()
	req.IngressExpiry = uint64(time.Now().Add(time.Minute).UnixNano())
	rid := agent.NewRequestID(req)
	sig, err := rid.Sign(session)
	if err != nil {
		t.Fatal(err)
	}
	return mustCBOR(t, map[string]any{
		"content":           &req,
		"sender_pubkey":     root.PublicKey(),
		"sender_sig":        sig,
		"sender_delegation": []any{map[string]any{"delegation": d, "signature": dsig}},
	})
}

func TestDelegationChain(t *testing.T) {
	n := newTestNet(t)
	root, _ := identity.NewRandomEd25519Identity()
	session, _ := identity.NewRandomEd25519Identity()
	stranger, _ := identity.NewRandomEd25519Identity()
	later := time.Now().Add(time.Hour)
	cases := []struct {
		name   string
		body   []byte
		status int
		text   string
	}{
		{"valid", delegatedEnvelope(t, root, root, session, later, nil), 200, ""},
		{"valid with targets", delegatedEnvelope(t, root, root, session, later, []principal.Principal{cid}), 200, ""},
		{"expired", delegatedEnvelope(t, root, root, session, time.Now().Add(-time.Minute), nil), 400, "Invalid delegation expiry"},
		{"canister not a target", delegatedEnvelope(t, root, root, session, later, []principal.Principal{principal.MustDecode("rrkah-fqaaa-aaaaa-aaaaq-cai")}), 400, "is not one of the delegation targets"},
		{"signed by a stranger", delegatedEnvelope(t, root, stranger, session, later, nil), 400, "Invalid delegation"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, out := n.post(t, canisterPath("query"), "application/cbor", c.body)
			if status != c.status || !strings.Contains(string(out), c.text) {
				t.Fatalf("got %d %q, want %d containing %q", status, out, c.status, c.text)
			}
		})
	}
}
