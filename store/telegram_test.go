package store_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/votebot/votebot/alert"
	"github.com/votebot/votebot/nns"
	"github.com/votebot/votebot/store"
)

const pressToken = "1:TOKEN"

// pressAPI is a fake Bot API that hands out the queued updates from the
// offset asked for and records the answers.
type pressAPI struct {
	mu      sync.Mutex
	updates []json.RawMessage
	answers []string
}

func (f *pressAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Offset int64  `json:"offset"`
		Text   string `json:"text"`
	}
	data, _ := io.ReadAll(r.Body)
	_ = json.Unmarshal(data, &body)
	f.mu.Lock()
	defer f.mu.Unlock()
	switch strings.TrimPrefix(r.URL.Path, "/bot"+pressToken+"/") {
	case "getUpdates":
		var out []json.RawMessage
		for i, u := range f.updates {
			if int64(i+1) >= body.Offset {
				out = append(out, u)
			}
		}
		res, _ := json.Marshal(map[string]any{"ok": true, "result": out})
		_, _ = w.Write(res)
	case "answerCallbackQuery":
		f.answers = append(f.answers, body.Text)
		_, _ = io.WriteString(w, `{"ok":true,"result":true}`)
	default:
		_, _ = io.WriteString(w, `{"ok":true,"result":true}`)
	}
}

// press queues the press with callback id cb of "No on proposal 4 for neuron 42".
func (f *pressAPI) press(cb string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, _ := json.Marshal(map[string]any{"update_id": len(f.updates) + 1, "callback_query": map[string]any{
		"id": cb, "from": map[string]any{"id": 555}, "data": "vb1:4:42:n"}})
	f.updates = append(f.updates, u)
}

func (f *pressAPI) answered() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.answers...)
}

// runPresses runs one process's Telegram decisions loop over the store at
// path until n presses are answered, and returns the decisions it applied.
func runPresses(t *testing.T, path string, f *pressAPI, n int) []string {
	t.Helper()
	st, err := store.Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	srv := httptest.NewServer(f)
	defer srv.Close()
	var applied []string
	var mu sync.Mutex
	td, err := alert.NewTelegramDecisions(alert.TelegramDecisionsConfig{Token: pressToken, BaseURL: srv.URL,
		AllowedUsers: []int64{555}, PollTimeout: 10 * time.Millisecond, Presses: st,
		Decide: func(_ context.Context, _ string, proposal, neuron uint64, v nns.Vote) error {
			mu.Lock()
			defer mu.Unlock()
			applied = append(applied, v.String())
			return nil
		}})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	done := make(chan error, 1)
	go func() { done <- td.Run(ctx) }()
	for len(f.answered()) < n && ctx.Err() == nil {
		time.Sleep(2 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run: %v (or it timed out)", err)
	}
	mu.Lock()
	defer mu.Unlock()
	return applied
}

// A press applied before a restart, delivered again by Telegram after it
// (the process stopped before confirming the update), is answered
// "already recorded" and not applied again: in between the operator may
// have decided otherwise. A new press is applied as ever.
func TestTelegramPressNotAppliedTwiceAcrossRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "votebot.db")
	first := &pressAPI{}
	first.press("cb-1")
	if got := runPresses(t, path, first, 1); len(got) != 1 {
		t.Fatalf("first process applied %v, want the press", got)
	}

	again := &pressAPI{} // the new process; Telegram delivers cb-1 again
	again.press("cb-1")
	again.press("cb-2") // a fresh press of the same button
	got := runPresses(t, path, again, 2)
	if len(got) != 1 {
		t.Errorf("after the restart %d presses were applied (%v), want only the fresh one", len(got), got)
	}
	if a := again.answered(); len(a) != 2 || !strings.HasPrefix(a[0], "Already recorded") || !strings.HasPrefix(a[1], "Recorded") {
		t.Errorf("answers %q, want \"Already recorded…\" then \"Recorded…\"", a)
	}
}
