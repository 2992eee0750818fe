package devnet_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	agent "github.com/aviate-labs/agent-go"
	"github.com/aviate-labs/agent-go/certification/hashtree"
	"github.com/aviate-labs/agent-go/identity"
	"github.com/fxamacker/cbor/v2"
)

// FuzzHandler pushes arbitrary bodies through every endpoint: the devnet
// answers each with a client error or a success, never a 500 or a panic.
// Anonymous seeds get past authentication, so execution and read_state
// path handling are reached too.
func FuzzHandler(f *testing.F) {
	n := newTestNet(f)
	h := n.srv.Handler()
	anon := new(identity.AnonymousIdentity)
	exp := uint64(time.Now().Add(time.Hour).UnixNano()) // anonymous query/read_state skip the expiry check
	seed := func(req agent.Request) []byte {
		req.Sender = anon.Sender()
		req.IngressExpiry = exp
		b, _ := cbor.Marshal(agent.Envelope{Content: req})
		return b
	}
	q := greetRequest(f, agent.RequestTypeQuery, cid)
	c := incRequest()
	rs := readStateRequest(timePath(), []hashtree.Label{hashtree.Label("subnet")},
		[]hashtree.Label{hashtree.Label("request_status"), bytes.Repeat([]byte{1}, 32)})
	for ep := range uint8(3) {
		f.Add(ep, seed(q))
		f.Add(ep, seed(c))
		f.Add(ep, seed(rs))
	}
	endpoints := []string{"/api/v3/canister/" + cid.Encode() + "/query", "/api/v4/canister/" + cid.Encode() + "/call",
		"/api/v3/canister/" + cid.Encode() + "/read_state", "/api/v2/subnet/" + cid.Encode() + "/read_state"}
	f.Fuzz(func(t *testing.T, ep uint8, body []byte) {
		req := httptest.NewRequest(http.MethodPost, endpoints[int(ep)%len(endpoints)], bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/cbor")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s: %d %s", req.URL.Path, rec.Code, rec.Body.Bytes())
		}
	})
}
