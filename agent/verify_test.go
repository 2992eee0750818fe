package agent

import (
	"bytes"
	"context"
	"errors"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/fxamacker/cbor/v2"

	"github.com/votebot/votebot/nns"
)

// flipIn decodes a CBOR map body, lets f change it, and re-encodes it.
func flipIn(body []byte, f func(m map[string]any)) []byte {
	var m map[string]any
	if err := cbor.Unmarshal(body, &m); err != nil {
		return body
	}
	f(m)
	out, err := cbor.Marshal(m)
	if err != nil {
		return body
	}
	return out
}

// flipCertByte flips one byte of a certificate's signature or tree.
func flipCertByte(field string) func(m map[string]any) {
	return func(m map[string]any) {
		raw, ok := m["certificate"].([]byte)
		if !ok {
			return
		}
		var cert map[string]any
		if err := cbor.Unmarshal(raw, &cert); err != nil {
			return
		}
		switch v := cert[field].(type) {
		case []byte:
			v[len(v)/2] ^= 0x01
		case []any: // the tree: flip a byte in the first leaf found
			flipLeaf(v)
		}
		m["certificate"], _ = cbor.Marshal(cert)
	}
}

func flipLeaf(node []any) bool {
	if len(node) == 2 {
		if tag, ok := node[0].(uint64); ok && tag == 3 {
			if b, ok := node[1].([]byte); ok && len(b) > 0 {
				b[len(b)-1] ^= 0x01
				return true
			}
		}
	}
	for _, c := range node {
		if sub, ok := c.([]any); ok && flipLeaf(sub) {
			return true
		}
	}
	return false
}

// TestTamperedResponsesAreErrorsNotData puts a proxy in front of the devnet
// that flips one byte of a query signature, a read_state certificate (used
// to check query signatures) or a call certificate. Each must be an error,
// never data; with a second, honest endpoint the call succeeds through it.
func TestTamperedResponsesAreErrorsNotData(t *testing.T) {
	tampers := []struct {
		name   string
		path   string // response path suffix to tamper
		edit   func(m map[string]any)
		update bool
	}{
		{"query signature", "/query", func(m map[string]any) {
			sigs, _ := m["signatures"].([]any)
			for _, s := range sigs {
				if sm, ok := s.(map[any]any); ok {
					if b, ok := sm["signature"].([]byte); ok {
						b[0] ^= 0x01
					}
				}
			}
		}, false},
		{"query reply", "/query", func(m map[string]any) {
			if r, ok := m["reply"].(map[any]any); ok {
				if b, ok := r["arg"].([]byte); ok {
					b[len(b)-1] ^= 0x01
				}
			}
		}, false},
		{"read_state certificate signature", "/read_state", flipCertByte("signature"), false},
		{"read_state certificate tree", "/read_state", flipCertByte("tree"), false},
		{"call certificate signature", "/call", flipCertByte("signature"), true},
		{"call certificate tree", "/call", flipCertByte("tree"), true},
	}
	for _, tc := range tampers {
		t.Run(tc.name, func(t *testing.T) {
			net := startNet(t)
			id := newIdentity(t)
			net.gov.addNeurons(10, 1, id.Sender())
			net.gov.addProposals(1, 3, nns.TopicGovernance)
			var flipped atomic.Int64
			proxy := httptest.NewServer(tamperProxy(t, net.url, func(path string, body []byte) []byte {
				if !strings.HasSuffix(path, tc.path) {
					return body
				}
				out := flipIn(body, tc.edit)
				if !bytes.Equal(out, body) {
					flipped.Add(1)
				}
				return out
			}))
			t.Cleanup(proxy.Close)
			ctx := context.Background()

			g := newClient(t, testConfig([]string{proxy.URL}, net.rootKey, id))
			var err error
			if tc.update {
				err = g.RegisterVote(ctx, 10, 2, nns.VoteYes)
			} else {
				var props []nns.ProposalInfo
				props, err = g.ListProposals(ctx, nns.ListProposalInfoRequest{})
				if props != nil {
					t.Errorf("tampered response returned data: %d proposals", len(props))
				}
			}
			if flipped.Load() == 0 {
				t.Fatal("the proxy tampered with nothing: test is not testing")
			}
			var ep *EndpointError
			if err == nil || !errors.As(err, &ep) {
				t.Fatalf("tampered %s: err = %v, want an endpoint error", tc.name, err)
			}

			// Through an honest second endpoint the call succeeds.
			g = newClient(t, testConfig([]string{proxy.URL, net.url}, net.rootKey, id))
			if tc.update {
				// The tampered endpoint did deliver the call, only its reply
				// was forged: the retry through the honest endpoint finds the
				// ballot filled, the success-equivalent outcome.
				err = g.RegisterVote(ctx, 10, 3, nns.VoteYes)
				if !IsAlreadyVoted(err) {
					t.Errorf("retried vote through the honest endpoint: err = %v, want ErrAlreadyVoted", err)
				}
				return
			}
			if _, err = g.ListProposals(ctx, nns.ListProposalInfoRequest{}); err != nil {
				t.Errorf("with an honest second endpoint: %v", err)
			}
		})
	}
}

// TestWrongRootKeyIsAnError: data certified under another key is refused.
func TestWrongRootKeyIsAnError(t *testing.T) {
	net := startNet(t)
	other := startNet(t)
	id := newIdentity(t)
	net.gov.addNeurons(10, 1, id.Sender())
	net.gov.addProposals(1, 1, nns.TopicGovernance)
	g := newClient(t, testConfig([]string{net.url}, other.rootKey, id))
	if _, err := g.ListProposals(context.Background(), nns.ListProposalInfoRequest{}); err == nil {
		t.Error("query verified under the wrong root key")
	}
	if err := g.RegisterVote(context.Background(), 10, 1, nns.VoteYes); !errors.Is(err, ErrVerification) {
		t.Errorf("call under the wrong root key: err = %v, want ErrVerification", err)
	}
}
