package devnet_test

import (
	"fmt"
	"math/big"

	"bytes"
	secpfr "github.com/consensys/gnark-crypto/ecc/secp256k1/fr"
	"net/http"
	"strings"
	"testing"
	"time"

	agent "github.com/aviate-labs/agent-go"
	"github.com/aviate-labs/agent-go/identity"
	"github.com/aviate-labs/agent-go/principal"
)

// TestReplicaErrors sends malformed or unauthentic requests over raw HTTP:
// each gets the replica's status and text, and the devnet keeps serving.
func TestReplicaErrors(t *testing.T) {
	n := newTestNet(t)
	ed, err := identity.NewRandomEd25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	other, err := identity.NewRandomEd25519Identity()
	if err != nil {
		t.Fatal(err)
	}
	good, _ := signedEnvelope(t, ed, greetRequest(t, agent.RequestTypeQuery, cid))

	tampered := bytes.Clone(good)
	tampered[len(tampered)-1] ^= 0xff // last byte of sender_sig

	wrongSender := greetRequest(t, agent.RequestTypeQuery, cid)
	wrongSenderBody := func() []byte {
		// Signed by ed but claiming to be other.
		req := wrongSender
		req.Sender = other.Sender()
		req.IngressExpiry = uint64(time.Now().Add(time.Minute).UnixNano())
		rid := agent.NewRequestID(req)
		sig, _ := rid.Sign(ed)
		return mustCBOR(t, agent.Envelope{Content: req, SenderPubKey: ed.PublicKey(), SenderSig: sig})
	}()

	expiredReq := greetRequest(t, agent.RequestTypeQuery, cid)
	expiredReq.IngressExpiry = uint64(time.Now().Add(-time.Minute).UnixNano())
	expired, _ := signedEnvelope(t, ed, expiredReq)

	futureReq := greetRequest(t, agent.RequestTypeQuery, cid)
	futureReq.IngressExpiry = uint64(time.Now().Add(10 * time.Minute).UnixNano())
	future, _ := signedEnvelope(t, ed, futureReq)

	otherCanister := principal.MustDecode("rrkah-fqaaa-aaaaa-aaaaq-cai")
	mismatch, _ := signedEnvelope(t, ed, greetRequest(t, agent.RequestTypeQuery, otherCanister))

	anonSig := func() []byte {
		req := greetRequest(t, agent.RequestTypeQuery, cid)
		req.Sender = principal.AnonymousID
		req.IngressExpiry = uint64(time.Now().Add(time.Minute).UnixNano())
		return mustCBOR(t, agent.Envelope{Content: req, SenderPubKey: ed.PublicKey(), SenderSig: make([]byte, 64)})
	}()

	highS := func() []byte {
		// The same secp256k1 signature in high-S form: valid ECDSA, but the
		// IC accepts only low-S.
		secp, _ := identity.NewRandomSecp256k1Identity()
		req := greetRequest(t, agent.RequestTypeQuery, cid)
		req.Sender = secp.Sender()
		req.IngressExpiry = uint64(time.Now().Add(time.Minute).UnixNano())
		rid := agent.NewRequestID(req)
		sig, _ := rid.Sign(secp)
		sv := new(big.Int).SetBytes(sig[32:])
		sv.Sub(secpfr.Modulus(), sv)
		sv.FillBytes(sig[32:])
		return mustCBOR(t, agent.Envelope{Content: req, SenderPubKey: secp.PublicKey(), SenderSig: sig})
	}()

	big := incRequest()
	big.Arguments = bytes.Repeat([]byte{7}, 3<<20)
	bigCall, bigCallID := signedEnvelope(t, ed, big)

	cases := []struct {
		name        string
		path        string
		contentType string
		body        []byte
		status      int
		text        string
	}{
		{"tampered signature", canisterPath("query"), "application/cbor", tampered, 400, "Invalid signature: Invalid basic signature: Ed25519 signature could not be verified"},
		{"secp256k1 high-S signature", canisterPath("query"), "application/cbor", highS, 400, "not in low-S form"},
		{"wrong sender", canisterPath("query"), "application/cbor", wrongSenderBody, 400, "does not match the public key"},
		{"expired", canisterPath("query"), "application/cbor", expired, 400, "Invalid request expiry: Specified ingress_expiry not within expected range"},
		{"far-future expiry", canisterPath("query"), "application/cbor", future, 400, "Invalid request expiry: Specified ingress_expiry not within expected range"},
		{"non-CBOR body", canisterPath("query"), "application/cbor", []byte("hello, replica"), 400, "Failed to deserialize cbor request"},
		{"wrong content type", canisterPath("query"), "application/json", good, 400, "Unexpected content-type, expected application/cbor."},
		{"no content type", canisterPath("call"), "", good, 400, "Unexpected content-type, expected application/cbor."},
		{"3 MiB body", canisterPath("call"), "application/cbor", bytes.Repeat([]byte{0x41}, 3<<20), 413, "Request is too large. Message byte size 3145728 is larger than the max allowed 2097152."},
		{"3 MiB signed call", canisterPath("call"), "application/cbor", bigCall, 413, fmt.Sprintf("Request %x is too large.", bigCallID)},
		{"9 MiB body", canisterPath("query"), "application/cbor", bytes.Repeat([]byte{0x41}, 9<<20), 413, "is too large"},
		{"canister id mismatch", canisterPath("query"), "application/cbor", mismatch, 400, "Specified CanisterId rrkah-fqaaa-aaaaa-aaaaq-cai does not match effective canister id in URL ryjl3-tyaaa-aaaaa-aaaba-cai"},
		{"anonymous with signature", canisterPath("query"), "application/cbor", anonSig, 400, "Signature is not allowed for the anonymous user"},
		{"query content to call", canisterPath("call"), "application/cbor", good, 400, "expected request_type \"call\""},
		{"unknown endpoint version", "/api/v9/canister/" + cid.Encode() + "/query", "application/cbor", good, 404, "Not found."},
		{"bad canister id in URL", "/api/v2/canister/not-a-principal/query", "application/cbor", good, 400, "Invalid effective canister id"},
	}
	a := n.agentFor(t, ed)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			status, body := n.post(t, c.path, c.contentType, c.body)
			if status != c.status || !strings.Contains(string(body), c.text) {
				t.Fatalf("got %d %q, want %d containing %q", status, body, c.status, c.text)
			}
			checkQuery(t, a) // still serving
		})
	}
	t.Run("good request is accepted", func(t *testing.T) {
		if status, body := n.post(t, canisterPath("query"), "application/cbor", good); status != http.StatusOK {
			t.Fatalf("got %d %q", status, body)
		}
	})
}

// TestAnonymousQueryNotExpiryChecked: an anonymous query or read_state
// with a stale expiry is served (the JS agent otherwise loops), but an
// anonymous call is not.
func TestAnonymousQueryNotExpiryChecked(t *testing.T) {
	n := newTestNet(t)
	anon := new(identity.AnonymousIdentity)
	stale := uint64(time.Now().Add(-time.Hour).UnixNano())

	q := greetRequest(t, agent.RequestTypeQuery, cid)
	q.IngressExpiry = stale
	body, _ := signedEnvelope(t, anon, q)
	if status, out := n.post(t, canisterPath("query"), "application/cbor", body); status != http.StatusOK {
		t.Fatalf("anonymous stale query: %d %q", status, out)
	}
	rs := readStateRequest(timePath())
	rs.IngressExpiry = stale
	body, _ = signedEnvelope(t, anon, rs)
	if status, out := n.post(t, canisterPath("read_state"), "application/cbor", body); status != http.StatusOK {
		t.Fatalf("anonymous stale read_state: %d %q", status, out)
	}
	c := incRequest()
	c.IngressExpiry = stale
	body, _ = signedEnvelope(t, anon, c)
	if status, out := n.post(t, "/api/v3/canister/"+cid.Encode()+"/call", "application/cbor", body); status != http.StatusBadRequest || !strings.Contains(string(out), "Invalid request expiry") {
		t.Fatalf("anonymous stale call: %d %q", status, out)
	}
}
