package daemon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/rewards"
)

// A store that cannot be opened stops the start; the operator reads why
// and what to check in the log, systemd's status line, and the alert
// channel — not five silent minutes and a start timeout.
func TestStartFailureWithBrokenStoreIsLoggedAlertedAndReported(t *testing.T) {
	e := newE2E(t, governance.Config{Economics: rewards.DefaultEconomics(rewards.RegimeCurrent)})
	var mu sync.Mutex
	var hooks []string
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		hooks = append(hooks, string(b))
		mu.Unlock()
	}))
	defer hook.Close()
	// The state database's path is a directory: SQLite cannot open it.
	badStore := e.dir + "/not-a-db"
	if err := os.Mkdir(badStore, 0o700); err != nil {
		t.Fatal(err)
	}
	cfgPath := e.dir + "/votebot.yaml"
	cfg := fmt.Sprintf(`
network: {urls: [%s], root_key: %s}
identity: {pem_file: %s}
store: {path: %s}
neurons: [{id: 1001}]
alerts: {channels: {ops: {type: webhook, url: %s}}}
listen: 127.0.0.1:0
`, e.net.URL, e.net.RootKeyHex(), e.dir+"/hotkey.pem", badStore, hook.URL)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	var status []string
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	err := daemon.Run(ctx, daemon.RunOptions{ConfigPath: cfgPath, Logger: zerolog.New(&logs),
		Notify: func(s string) { status = append(status, s) }})
	if err == nil {
		t.Fatal("Run started with a store that cannot be opened")
	}
	var line struct{ Level, Message, Error string }
	if jerr := json.Unmarshal(bytes.TrimSpace(logs.Bytes()), &line); jerr != nil {
		t.Fatalf("log is not one JSON line: %v\n%s", jerr, logs.String())
	}
	if line.Level != "error" || !strings.Contains(line.Message, "could not start") ||
		!strings.Contains(line.Error, "check store.path") || !strings.Contains(line.Error, badStore) {
		t.Errorf("log line %+v: want an error that names store.path and %s", line, badStore)
	}
	if len(status) != 1 || !strings.HasPrefix(status[0], "STATUS=start failed") {
		t.Errorf("systemd status %q", status)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(hooks) != 1 || !strings.Contains(hooks[0], "start_failed") || !strings.Contains(hooks[0], "store.path") {
		t.Errorf("webhook got %d messages %q, want one start_failed naming store.path", len(hooks), hooks)
	}
}
