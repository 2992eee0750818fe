package devnet_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"

	agent "github.com/aviate-labs/agent-go"
	"github.com/aviate-labs/agent-go/candid"
	"github.com/aviate-labs/agent-go/certification/hashtree"
	"github.com/aviate-labs/agent-go/identity"
	"github.com/aviate-labs/agent-go/principal"
	"github.com/fxamacker/cbor/v2"
)

// signedEnvelope builds a request body the way agent-go does, letting a
// test tamper with the parts.
func signedEnvelope(t testing.TB, id identity.Identity, req agent.Request) ([]byte, agent.RequestID) {
	t.Helper()
	req.Sender = id.Sender()
	if req.IngressExpiry == 0 {
		req.IngressExpiry = uint64(time.Now().Add(4 * time.Minute).UnixNano())
	}
	rid := agent.NewRequestID(req)
	sig, err := rid.Sign(id)
	if err != nil {
		t.Fatal(err)
	}
	body, err := cbor.Marshal(agent.Envelope{Content: req, SenderPubKey: id.PublicKey(), SenderSig: sig})
	if err != nil {
		t.Fatal(err)
	}
	return body, rid
}

func greetRequest(t testing.TB, typ agent.RequestType, canister principal.Principal) agent.Request {
	t.Helper()
	arg, err := candid.Marshal([]any{"raw"})
	if err != nil {
		t.Fatal(err)
	}
	return agent.Request{Type: typ, CanisterID: canister, MethodName: "greet", Arguments: arg, Nonce: []byte(time.Now().String())}
}

func incRequest() agent.Request {
	arg, _ := candid.Marshal([]any{})
	return agent.Request{Type: agent.RequestTypeCall, CanisterID: cid, MethodName: "inc", Arguments: arg, Nonce: []byte(time.Now().String())}
}

// post sends body to path and returns the status and body.
func (n *testNet) post(t testing.TB, path, contentType string, body []byte) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, n.http.URL+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := n.http.Client().Do(req)
	if err != nil {
		t.Fatalf("POST %s: %v", path, err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

func canisterPath(endpoint string) string {
	return "/api/v2/canister/" + cid.Encode() + "/" + endpoint
}

func readStateRequest(paths ...[]hashtree.Label) agent.Request {
	return agent.Request{Type: agent.RequestTypeReadState, Paths: paths}
}

func mustCBOR(t testing.TB, v any) []byte {
	t.Helper()
	b, err := cbor.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func timePath() []hashtree.Label { return []hashtree.Label{hashtree.Label("time")} }
