package agent

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/votebot/votebot/nns"
)

// A call answered 202 (a boundary node that did not wait for the reply) is
// polled through read_state until its certified status: the reply, or the
// reject. The proxy sends the client's v4 calls to the devnet's v2, which
// answers 202.
func TestCallAnswered202IsPolled(t *testing.T) {
	net := startNet(t)
	id := newIdentity(t)
	net.gov.addNeurons(10, 1, id.Sender())
	net.gov.addProposals(1, 1, nns.TopicGovernance)
	var accepted atomic.Int64
	proxy := proxyTo(t, net.url)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/api/v4/") && strings.HasSuffix(r.URL.Path, "/call") {
			r.URL.Path = "/api/v2/" + strings.TrimPrefix(r.URL.Path, "/api/v4/")
			accepted.Add(1)
		}
		proxy.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	g := newClient(t, testConfig([]string{srv.URL}, net.rootKey, id))
	ctx := context.Background()
	if err := g.RegisterVote(ctx, 10, 1, nns.VoteYes); err != nil {
		t.Fatalf("vote answered 202: %v", err)
	}
	if err := g.RegisterVote(ctx, 10, 1, nns.VoteYes); !IsAlreadyVoted(err) {
		t.Errorf("second vote: %v, want already voted (the first was recorded)", err)
	}
	_, err := g.invoke(ctx, g.nnsCall(kindUpdate, "manage_neuron", "manage_neuron", []byte("not candid")))
	var rej *RejectError
	if !errors.As(err, &rej) || rej.Code != RejectCanisterError {
		t.Errorf("malformed argument answered 202: err = %v, want a canister-error reject", err)
	}
	if accepted.Load() < 3 {
		t.Fatalf("%d calls went through v2: the test is not testing", accepted.Load())
	}
	t.Logf("reject polled: %v", err)
}
