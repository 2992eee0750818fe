package devnet_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/identity"
	"github.com/fxamacker/cbor/v2"
)

// tamperingProxy serves the devnet but lets edit rewrite each decoded
// response body of the given endpoint.
func tamperingProxy(t *testing.T, n *testNet, endpoint string, edit func(map[string]any)) *testNet {
	t.Helper()
	h := n.srv.Handler()
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, r)
		body := rec.Body.Bytes()
		if strings.HasSuffix(r.URL.Path, endpoint) && rec.Code == http.StatusOK {
			var m map[string]any
			if err := cbor.Unmarshal(body, &m); err != nil {
				t.Errorf("proxy decode: %v", err)
			}
			edit(m)
			body, _ = cbor.Marshal(m)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		_, _ = w.Write(body)
	}))
	t.Cleanup(hs.Close)
	return &testNet{srv: n.srv, http: hs, url: mustURL(t, hs.URL), canister: n.canister}
}

// flipCertificate rewrites the certificate inside a response.
func flipCertificate(f func(cert map[string]any)) func(map[string]any) {
	return func(m map[string]any) {
		raw, ok := m["certificate"].([]byte)
		if !ok {
			return
		}
		var cert map[string]any
		if err := cbor.Unmarshal(raw, &cert); err != nil {
			return
		}
		f(cert)
		m["certificate"], _ = cbor.Marshal(cert)
	}
}

// TestClientCatchesTampering shows agent-go (default config) rejects a
// devnet whose certificate or query signature is wrong: the tests above
// pass only because the devnet signs correctly.
func TestClientCatchesTampering(t *testing.T) {
	n := newTestNet(t)
	var prev []byte
	cases := []struct {
		name     string
		endpoint string
		edit     func(map[string]any)
		run      func(t *testing.T, n *testNet) error
		want     string
	}{
		{"certificate signature from another certificate", "read_state", flipCertificate(func(c map[string]any) {
			// A valid BLS signature, but over a different state root.
			if prev != nil {
				c["signature"] = prev
			}
			prev = c["signature"].([]byte)
		}), readTimeTwice, "signature verification failed"},
		{"certificate tree", "read_state", flipCertificate(func(c map[string]any) {
			// Certify a different (current) time under the same signature.
			setTime(c["tree"], uint64(time.Now().UnixNano())+1)
		}), readTime, "signature verification failed"},
		{"query signature", "query", func(m map[string]any) {
			sigs := m["signatures"].([]any)
			s := sigs[0].(map[any]any)
			sig := bytes.Clone(s["signature"].([]byte))
			sig[0] ^= 1
			s["signature"] = sig
		}, greet, "invalid replied signature"},
		{"query reply", "query", func(m map[string]any) {
			m["reply"] = map[string]any{"arg": []byte("DIDL\x00\x01\x71\x04evil")}
		}, greet, "invalid replied signature"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := tamperingProxy(t, n, c.endpoint, c.edit)
			err := c.run(t, p)
			t.Logf("agent-go: %v", err)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("agent-go: %v, want an error containing %q", err, c.want)
			}
		})
	}
	t.Run("untampered passes through the proxy", func(t *testing.T) {
		p := tamperingProxy(t, n, "none", func(map[string]any) {})
		if err := readTime(t, p); err != nil {
			t.Fatal(err)
		}
		if err := greet(t, p); err != nil {
			t.Fatal(err)
		}
	})
}

func readTime(t *testing.T, n *testNet) error {
	_, err := n.agentFor(t, new(identity.AnonymousIdentity)).GetTime(cid)
	return err
}

func readTimeTwice(t *testing.T, n *testNet) error {
	if err := readTime(t, n); err != nil {
		return fmt.Errorf("first read should pass: %w", err)
	}
	return readTime(t, n)
}

// setTime rewrites the /time leaf of a decoded hash tree in place.
func setTime(node any, ns uint64) {
	n, ok := node.([]any)
	if !ok || len(n) == 0 {
		return
	}
	switch n[0] {
	case uint64(1):
		setTime(n[1], ns)
		setTime(n[2], ns)
	case uint64(2):
		if string(n[1].([]byte)) == "time" {
			var b []byte
			for {
				c := byte(ns & 0x7f)
				ns >>= 7
				if ns == 0 {
					b = append(b, c)
					break
				}
				b = append(b, c|0x80)
			}
			n[2] = []any{uint64(3), b}
		}
	}
}

func greet(t *testing.T, n *testNet) error {
	var s string
	return n.agentFor(t, new(identity.AnonymousIdentity)).Query(cid, "greet", []any{"x"}, []any{&s})
}
