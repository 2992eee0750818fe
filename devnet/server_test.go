package devnet_test

import (
	"context"
	"encoding/hex"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aviate-labs/agent-go/identity"
	"github.com/rs/zerolog"
	"github.com/votebot/votebot/devnet"
)

func TestKeyFilePersistsRootKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "devnet.key")
	first, err := devnet.New(devnet.Config{KeyFile: path, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Fatalf("key file mode %o, want 600", perm)
	}
	second, err := devnet.New(devnet.Config{KeyFile: path, Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(first.RootKey()) != hex.EncodeToString(second.RootKey()) {
		t.Fatal("root key changed across restarts")
	}
	ephemeral, err := devnet.New(devnet.Config{Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	if hex.EncodeToString(ephemeral.RootKey()) == hex.EncodeToString(first.RootKey()) {
		t.Fatal("ephemeral key equals the persisted one")
	}
	const derPrefix = "308182301d060d2b0601040182dc7c0503010201060c2b0601040182dc7c05030201036100"
	if k := first.RootKey(); len(k) != 133 || !strings.HasPrefix(hex.EncodeToString(k), derPrefix) {
		t.Fatalf("root key %x is not a 133-byte BLS DER key", k)
	}
}

func TestBadKeyFileIsAnError(t *testing.T) {
	dir := t.TempDir()
	cases := map[string]string{
		"garbage":   "not a key",
		"wrong pem": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
		"zero key":  "-----BEGIN IC DEVNET ROOT KEY-----\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n-----END IC DEVNET ROOT KEY-----\n",
		"too large": "-----BEGIN IC DEVNET ROOT KEY-----\n//////////////////////////////////////////8=\n-----END IC DEVNET ROOT KEY-----\n",
	}
	for name, content := range cases {
		path := filepath.Join(dir, strings.ReplaceAll(name, " ", "_"))
		if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := devnet.New(devnet.Config{KeyFile: path}); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s: err = %v, want an error naming the file", name, err)
		}
	}
	if _, err := devnet.New(devnet.Config{KeyFile: filepath.Join(dir, "missing-dir", "k")}); err == nil {
		t.Error("key file in a missing directory: no error")
	}
}

func TestReadyLine(t *testing.T) {
	srv, err := devnet.New(devnet.Config{})
	if err != nil {
		t.Fatal(err)
	}
	line := devnet.ReadyLine("http://127.0.0.1:4943", srv.RootKey())
	if !regexp.MustCompile(`^devnet ready url=http://127\.0\.0\.1:4943 root_key=[0-9a-f]{266}$`).MatchString(line) {
		t.Fatalf("ready line %q", line)
	}
}

// TestServeShutsDownCleanly: Serve answers, returns when ctx is done, and
// leaves no goroutine behind.
func TestServeShutsDownCleanly(t *testing.T) {
	before := runtime.NumGoroutine()
	srv, err := devnet.New(devnet.Config{Logger: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ctx, l) }()

	n := &testNet{srv: srv}
	n.url = mustURL(t, "http://"+l.Addr().String())
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(n.url.String() + "/api/v2/status")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Access-Control-Allow-Origin") != "*" {
		t.Fatalf("status: %d, CORS %q", resp.StatusCode, resp.Header.Get("Access-Control-Allow-Origin"))
	}
	a := n.agentFor(t, new(identity.AnonymousIdentity))
	if _, err := a.GetTime(cid); err != nil {
		t.Fatal(err)
	}
	// Bad input on the real listener: answered, and nothing lingers.
	for _, body := range []string{"", "garbage", "\xd9\xd9\xf7\xa1"} {
		resp, err := client.Post(n.url.String()+"/api/v3/canister/"+cid.Encode()+"/call", "application/cbor", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Fatalf("bad body %q: %d", body, resp.StatusCode)
		}
	}
	client.CloseIdleConnections()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not return after cancel")
	}
	http.DefaultClient.CloseIdleConnections()
	waitGoroutines(t, before)
}

// waitGoroutines waits (bounded) for the goroutine count to drop back.
func waitGoroutines(t *testing.T, want int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > want {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<16)
			t.Fatalf("goroutine leak: %d > %d\n%s", runtime.NumGoroutine(), want, buf[:runtime.Stack(buf, true)])
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestCORSPreflight(t *testing.T) {
	n := newTestNet(t)
	req, _ := http.NewRequest(http.MethodOptions, n.http.URL+canisterPath("query"), nil)
	resp, err := n.http.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	h := resp.Header
	if resp.StatusCode != http.StatusNoContent || h.Get("Access-Control-Allow-Origin") != "*" ||
		!strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") ||
		!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Content-Type") {
		t.Fatalf("preflight: %d %v", resp.StatusCode, h)
	}
}

func TestExtraHandler(t *testing.T) {
	n := newTestNet(t)
	n.srv.Handle("/_/devnet/ping", http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("pong"))
	}))
	resp, err := n.http.Client().Get(n.http.URL + "/_/devnet/ping")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("extra handler: %d", resp.StatusCode)
	}
}
