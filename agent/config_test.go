package agent

import (
	"bytes"
	"context"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/aviate-labs/agent-go/certification"
	"github.com/rs/zerolog"

	"github.com/votebot/votebot/nns"
)

func TestRootKeyResolution(t *testing.T) {
	net := startNet(t)
	mainnetKey := certification.RootKey
	tests := []struct {
		name      string
		endpoints []string
		rootKey   string
		wantKey   string
		wantErr   string
	}{
		{"mainnet default", nil, "", mainnetKey, ""},
		{"mainnet explicit hosts", []string{"https://icp0.io", "https://ic0.app/"}, "", mainnetKey, ""},
		{"mainnet same key given", []string{"https://icp-api.io"}, mainnetKey, mainnetKey, ""},
		{"mainnet never fetched", nil, "fetch", "", "never \"fetch\""},
		{"mainnet other key", nil, net.rootKey, "", "pinned"},
		{"mainnet over http", []string{"http://icp0.io"}, "", "", "https"},
		{"mixed networks", []string{"https://icp0.io", net.url}, net.rootKey, "", "mix"},
		{"devnet needs a key", []string{net.url}, "", "", "hex, or \"fetch\""},
		{"devnet hex", []string{net.url}, net.rootKey, net.rootKey, ""},
		{"devnet bad hex", []string{net.url}, "zz", "", "neither hex"},
		{"devnet short key", []string{net.url}, "3081", "", "DER BLS12-381"},
		{"devnet fetch", []string{net.url}, "fetch", net.rootKey, ""},
		{"bad url", []string{"ftp://x"}, "fetch", "", "not an http(s) URL"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g, err := New(context.Background(), Config{Endpoints: tt.endpoints, RootKey: tt.rootKey, Logger: zerolog.Nop()})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := hex.EncodeToString(g.RootKey()); got != tt.wantKey {
				t.Errorf("root key %s…, want %s…", got[:40], tt.wantKey[:40])
			}
		})
	}
}

// TestFetchWarnsOnceThenPins: the root key is fetched once, with one
// warning, and every endpoint's agent uses that pinned key afterwards
// (agent-go's own status fetches are answered locally).
func TestFetchWarnsOnceThenPins(t *testing.T) {
	net := startNet(t)
	var statusHits atomic.Int64
	counting := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/api/v2/status") {
			statusHits.Add(1)
		}
		proxyTo(t, net.url).ServeHTTP(w, r)
	}))
	t.Cleanup(counting.Close)
	var logs bytes.Buffer
	cfg := testConfig([]string{closedURL(t), counting.URL, net.url}, RootKeyFetch, newIdentity(t))
	cfg.Logger = zerolog.New(&logs)
	g := newClient(t, cfg)
	net.gov.addProposals(1, 2, nns.TopicGovernance)
	for range 3 {
		if _, err := g.ListProposals(context.Background(), nns.ListProposalInfoRequest{}); err != nil {
			t.Fatal(err)
		}
	}
	if n := strings.Count(logs.String(), "root key fetched"); n != 1 {
		t.Errorf("%d fetch warnings, want 1:\n%s", n, logs.String())
	}
	if n := statusHits.Load(); n != 1 {
		t.Errorf("status fetched %d times, want once", n)
	}
	if got := hex.EncodeToString(g.RootKey()); got != net.rootKey {
		t.Error("pinned key differs from the devnet's")
	}
}
