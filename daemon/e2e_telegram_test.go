package daemon_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/rs/zerolog"

	"github.com/votebot/votebot/bot"
	"github.com/votebot/votebot/daemon"
	"github.com/votebot/votebot/devnet/governance"
	"github.com/votebot/votebot/nns"
)

const telegramToken = "123:SECRET-bot-token"

const telegramConfig = `
instance: telegram-e2e
network: {urls: [%s], root_key: %s}
identity: {pem_file: %s}
store: {path: %s}
poll_interval: 1s
neurons:
  - {id: 1001, alias: main}
  - {id: 1002, alias: cold}
alerts:
  channels:
    chat:
      type: telegram
      token: %q
      chat_id: "-100"
      decisions: {allowed_user_ids: [42]}
policies:
  default:
    fallback: none
    default: follow
    rules:
      - {name: ask-gov, match: {topics: [Governance]}, vote: manual}
`

// botAPI is a local fake of the Telegram Bot API: it records every
// method's payload and hands queued button presses to getUpdates (a short
// long poll), honouring offset as Telegram does.
type botAPI struct {
	mu     sync.Mutex
	calls  []botCall
	queue  []map[string]any
	nextID int64
}

type botCall struct {
	Method string
	Body   map[string]any
}

func (f *botAPI) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method, ok := strings.CutPrefix(r.URL.Path, "/bot"+telegramToken+"/")
	var body map[string]any
	data, _ := io.ReadAll(r.Body)
	if !ok || json.Unmarshal(data, &body) != nil {
		http.Error(w, `{"ok":false,"description":"Not Found"}`, http.StatusNotFound)
		return
	}
	if method != "getUpdates" {
		f.mu.Lock()
		f.calls = append(f.calls, botCall{method, body})
		f.mu.Unlock()
		io.WriteString(w, `{"ok":true,"result":true}`)
		return
	}
	offset := int64(body["offset"].(float64))
	for end := time.Now().Add(200 * time.Millisecond); ; time.Sleep(20 * time.Millisecond) {
		f.mu.Lock()
		var out []map[string]any
		for _, u := range f.queue {
			if u["update_id"].(int64) >= offset {
				out = append(out, u)
			}
		}
		f.mu.Unlock()
		if len(out) > 0 || time.Now().After(end) || r.Context().Err() != nil {
			res, _ := json.Marshal(map[string]any{"ok": true, "result": out})
			w.Write(res)
			return
		}
	}
}

// press queues a button press by user with the button's data.
func (f *botAPI) press(user int64, data string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	f.queue = append(f.queue, map[string]any{"update_id": f.nextID, "callback_query": map[string]any{
		"id": fmt.Sprint("cb", f.nextID), "from": map[string]any{"id": user, "first_name": "Ana"}, "data": data,
		"message": map[string]any{"message_id": 7, "chat": map[string]any{"id": -100}}}})
}

// waitCall waits for a call of method whose payload satisfies ok.
func (f *botAPI) waitCall(t *testing.T, method string, ok func(map[string]any) bool) map[string]any {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		f.mu.Lock()
		for _, c := range f.calls {
			if c.Method == method && ok(c.Body) {
				f.mu.Unlock()
				return c.Body
			}
		}
		f.mu.Unlock()
	}
	t.Fatalf("no %s call as expected in 15 s", method)
	return nil
}

// TestTelegramDecision: the daemon (votebot run's Serve) sends the manual
// decision alert to Telegram with Yes / No buttons; a press by a user who
// is not allowed is answered and changes nothing; the allowed user's press
// is confirmed in the chat and the loop casts that ballot on the devnet; a
// repeated press is answered, not re-applied.
func TestTelegramDecision(t *testing.T) {
	skipLong(t)
	t.Parallel()
	e := newE2E(t, shortNNS(10*time.Minute, time.Hour))
	e.addProposerAndBotNeurons(botNeuron{1001, 10}, botNeuron{1002, 20})
	e.loadConfig([]byte(fmt.Sprintf(telegramConfig, e.net.URL, e.net.RootKeyHex(), e.dir+"/hotkey.pem", e.storePath(), telegramToken)))
	pid, err := e.net.Governance.SubmitProposal(governance.ProposalSpec{Proposer: 40, Topic: nns.TopicGovernance,
		Title: "Motion to fund the community dashboard", Action: nns.Action{Motion: &nns.Motion{MotionText: "fund it"}}})
	if err != nil {
		t.Fatal(err)
	}
	api := &botAPI{}
	srv := httptest.NewServer(api)
	t.Cleanup(srv.Close)
	app, err := daemon.Assemble(context.Background(), daemon.AppOptions{Config: e.cfg, Logger: zerolog.Nop(),
		TelegramBaseURL: srv.URL, Tune: func(o *bot.Options) { o.PollInterval = 500 * time.Millisecond }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { app.Close() })
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(runUntilStop(t, func(ctx context.Context) error { return app.Serve(ctx, ln, filepath.Join(e.dir, "votebot.yaml")) }))

	// The manual alert for neuron 1001 carries the buttons.
	yes := fmt.Sprintf("vb1:%d:1001:y", pid)
	msg := api.waitCall(t, "sendMessage", func(b map[string]any) bool {
		return b["reply_markup"] != nil && strings.Contains(fmt.Sprint(b["reply_markup"]), yes)
	})
	if msg["chat_id"] != "-100" {
		t.Errorf("alert sent to chat %v, want -100", msg["chat_id"])
	}

	api.press(99, yes) // not allowed
	api.waitCall(t, "answerCallbackQuery", func(b map[string]any) bool {
		return strings.Contains(fmt.Sprint(b["text"]), "not allowed")
	})
	if os, err := app.Store.Overrides(context.Background()); err != nil || len(os) != 0 {
		t.Fatalf("after a press by a user not allowed: overrides %v, %v; want none", os, err)
	}

	api.press(42, yes)
	api.waitCall(t, "sendMessage", func(b map[string]any) bool {
		return strings.Contains(fmt.Sprint(b["text"]), fmt.Sprintf("Recorded Yes on proposal %d for neuron 1001, decided by Ana (42)", pid))
	})
	os, err := app.Store.Overrides(context.Background())
	if err != nil || len(os) != 1 || os[0].ProposalID != pid || os[0].NeuronID != 1001 || os[0].Vote != nns.VoteYes {
		t.Fatalf("after the allowed press: overrides %+v, %v; want Yes on %d for neuron 1001 only", os, err, pid)
	}
	waitBallot(t, e, pid, 1001, nns.VoteYes, 15*time.Second)

	api.press(42, yes) // repeated
	api.waitCall(t, "answerCallbackQuery", func(b map[string]any) bool {
		return strings.Contains(fmt.Sprint(b["text"]), "Already recorded") || strings.Contains(fmt.Sprint(b["text"]), "Not recorded")
	})
	pi, _ := e.net.Governance.ProposalInfo(pid)
	if v := ballotOf(pi, 1002); v != nns.VoteUnspecified {
		t.Errorf("neuron 1002 (not decided) voted %v", v)
	}
}
