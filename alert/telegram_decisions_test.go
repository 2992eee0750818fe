package alert

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/votebot/votebot/nns"
)

const fakeToken = "123:SECRET"

// fakeBotAPI is a local stand-in for the Telegram Bot API: getUpdates hands out queued updates
// once each (honouring offset as Telegram does), other methods are recorded with their payloads.
type fakeBotAPI struct {
	t       *testing.T
	mu      sync.Mutex
	queue   []map[string]any // updates not yet confirmed
	nextID  int64
	fail    int // answer this many getUpdates with HTTP 502
	calls   []fakeCall
	offsets []int64
}

type fakeCall struct {
	Method string
	Body   map[string]any
}

func newFakeBotAPI(t *testing.T) (*fakeBotAPI, *httptest.Server) {
	t.Helper()
	f := &fakeBotAPI{t: t, nextID: 100}
	srv := httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(srv.Close)
	return f, srv
}

func (f *fakeBotAPI) serve(w http.ResponseWriter, r *http.Request) {
	method, ok := strings.CutPrefix(r.URL.Path, "/bot"+fakeToken+"/")
	if !ok || r.Method != http.MethodPost || r.Header.Get("Content-Type") != "application/json" {
		http.Error(w, `{"ok":false,"description":"Not Found"}`, http.StatusNotFound)
		return
	}
	var body map[string]any
	data, _ := io.ReadAll(r.Body)
	if err := json.Unmarshal(data, &body); err != nil {
		http.Error(w, `{"ok":false,"description":"bad json"}`, http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if method != "getUpdates" {
		f.calls = append(f.calls, fakeCall{method, body})
		io.WriteString(w, `{"ok":true,"result":true}`)
		return
	}
	if f.fail > 0 {
		f.fail--
		http.Error(w, `{"ok":false,"description":"Bad Gateway"}`, http.StatusBadGateway)
		return
	}
	offset := int64(body["offset"].(float64))
	f.offsets = append(f.offsets, offset)
	if body["timeout"].(float64) <= 0 {
		f.t.Errorf("getUpdates timeout %v: want a long poll", body["timeout"])
	}
	kept := f.queue[:0]
	for _, u := range f.queue {
		if int64(u["update_id"].(float64)) >= offset {
			kept = append(kept, u)
		}
	}
	f.queue = kept
	if len(f.queue) == 0 {
		// A long poll with nothing to hand out: wait a little, as Telegram waits for timeout.
		f.mu.Unlock()
		time.Sleep(5 * time.Millisecond)
		f.mu.Lock()
	}
	out, _ := json.Marshal(map[string]any{"ok": true, "result": f.queue})
	w.Write(out)
}

// press queues a button press by user with callback data.
func (f *fakeBotAPI) press(user int64, data string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.nextID++
	u := map[string]any{"update_id": float64(f.nextID), "callback_query": map[string]any{
		"id": fmt.Sprintf("cb%d", f.nextID), "from": map[string]any{"id": float64(user), "first_name": "Ann\u202e<b>"},
		"message": map[string]any{"message_id": float64(7), "chat": map[string]any{"id": float64(-100200)}},
		"data":    data,
	}}
	f.queue = append(f.queue, u)
}

func (f *fakeBotAPI) callsOf(method string) []map[string]any {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []map[string]any
	for _, c := range f.calls {
		if c.Method == method {
			out = append(out, c.Body)
		}
	}
	return out
}

// recordingDecider records decisions and refuses proposal 9 as closed.
type recordingDecider struct {
	mu    sync.Mutex
	calls []decisionCallback
}

func (d *recordingDecider) decide(_ context.Context, governance string, proposal, neuron uint64, v nns.Vote) error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if proposal == 9 {
		return fmt.Errorf("decide on proposal 9: %w", ErrProposalNotOpen)
	}
	d.calls = append(d.calls, decisionCallback{proposal, neuron, v, governance})
	return nil
}

// runUntil runs the loop until cond holds (checked every few milliseconds, for 10s at most).
func runUntil(t *testing.T, td *TelegramDecisions, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	done := make(chan error, 1)
	go func() { done <- td.Run(ctx) }()
	for !cond() && ctx.Err() == nil {
		time.Sleep(2 * time.Millisecond)
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v, want context.Canceled (or it timed out)", err)
	}
}

func (f *fakeBotAPI) answered(n int) func() bool {
	return func() bool { return len(f.callsOf("answerCallbackQuery")) >= n }
}

func newDecisions(t *testing.T, url string, d *recordingDecider, sleeps *[]time.Duration) *TelegramDecisions {
	t.Helper()
	td, err := NewTelegramDecisions(TelegramDecisionsConfig{Token: fakeToken, BaseURL: url,
		AllowedUsers: []int64{555}, Decide: d.decide, PollTimeout: 50 * time.Millisecond,
		Sleep: func(ctx context.Context, dur time.Duration) error {
			*sleeps = append(*sleeps, dur)
			return ctx.Err()
		}})
	must(t, err)
	return td
}

func TestTelegramDecisionsPresses(t *testing.T) {
	f, srv := newFakeBotAPI(t)
	d := &recordingDecider{}
	var sleeps []time.Duration
	td := newDecisions(t, srv.URL, d, &sleeps)

	yes42 := decisionCallback{4, 42, nns.VoteYes, ""}.encode()
	f.press(555, yes42)                                            // recorded
	f.press(555, yes42)                                            // repeated: answered, not re-applied
	f.press(666, decisionCallback{4, 0, nns.VoteNo, ""}.encode())  // stranger: refused
	f.press(555, decisionCallback{9, 42, nns.VoteNo, ""}.encode()) // closed proposal: stale
	f.press(555, "vb1:4:42:maybe")                                 // forged
	f.press(555, decisionCallback{4, 0, nns.VoteNo, ""}.encode())  // every neuron
	// The confirmation follows the answer: wait for both, or a slow run
	// (-race) stops the loop between the last answer and its confirmation.
	runUntil(t, td, func() bool { return f.answered(6)() && len(f.callsOf("sendMessage")) >= 2 })

	want := []decisionCallback{{4, 42, nns.VoteYes, ""}, {4, 0, nns.VoteNo, ""}}
	if fmt.Sprint(d.calls) != fmt.Sprint(want) {
		t.Errorf("Decide calls = %v, want %v", d.calls, want)
	}
	answers := f.callsOf("answerCallbackQuery")
	wantAnswers := []struct{ id, text string }{
		{"cb101", "Recorded: Yes on proposal 4 for neuron 42."},
		{"cb102", "Already recorded: Yes on proposal 4 for neuron 42."},
		{"cb103", "You are not allowed to decide for this votebot."},
		{"cb104", "Not recorded: decide on proposal 9: proposal is not open."},
		{"cb105", "This button is not a votebot decision."},
		{"cb106", "Recorded: No on proposal 4 for every neuron."},
	}
	if len(answers) != len(wantAnswers) {
		t.Fatalf("%d answers, want %d: %v", len(answers), len(wantAnswers), answers)
	}
	for i, w := range wantAnswers {
		if answers[i]["callback_query_id"] != w.id || answers[i]["text"] != w.text {
			t.Errorf("answer %d = %v, want id %s text %q", i, answers[i], w.id, w.text)
		}
	}
	confirms := f.callsOf("sendMessage")
	if len(confirms) != 2 {
		t.Fatalf("%d confirmations in the chat, want 2 (one per recorded decision): %v", len(confirms), confirms)
	}
	c := confirms[0]
	if c["chat_id"].(float64) != -100200 || c["parse_mode"] != nil {
		t.Errorf("confirmation %v: want the press's chat, plain text", c)
	}
	if txt := c["text"].(string); txt != "Recorded Yes on proposal 4 for neuron 42, decided by Ann<b> (555). votebot votes at its next pass." {
		t.Errorf("confirmation text = %q", txt)
	}
	if rp := c["reply_parameters"].(map[string]any); rp["message_id"].(float64) != 7 {
		t.Errorf("confirmation replies to %v, want the alert (7)", rp)
	}
	if len(sleeps) != 0 {
		t.Errorf("slept %v with no failure", sleeps)
	}
}

func TestTelegramDecisionsConfirmsOffsets(t *testing.T) {
	f, srv := newFakeBotAPI(t)
	d := &recordingDecider{}
	var sleeps []time.Duration
	td := newDecisions(t, srv.URL, d, &sleeps)
	f.press(555, decisionCallback{4, 42, nns.VoteYes, ""}.encode())
	runUntil(t, td, func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		return len(f.offsets) > 0 && f.offsets[len(f.offsets)-1] > 0 // the poll after the press
	})
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.offsets[0] != 0 || f.offsets[len(f.offsets)-1] != 102 {
		t.Errorf("offsets %v: want 0 first, then 102 (past update 101)", f.offsets)
	}
}

func TestTelegramDecisionsBacksOff(t *testing.T) {
	f, srv := newFakeBotAPI(t)
	f.fail = 8
	d := &recordingDecider{}
	var sleeps []time.Duration
	var errs []error
	td := newDecisions(t, srv.URL, d, &sleeps)
	td.cfg.OnError = func(err error) { errs = append(errs, err) }
	f.press(555, decisionCallback{4, 42, nns.VoteYes, ""}.encode())
	runUntil(t, td, f.answered(1))
	want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second, 8 * time.Second,
		16 * time.Second, 32 * time.Second, time.Minute, time.Minute}
	if fmt.Sprint(sleeps) != fmt.Sprint(want) {
		t.Errorf("backoff %v, want %v", sleeps, want)
	}
	if len(d.calls) != 1 {
		t.Errorf("after the API came back, %d decisions, want 1", len(d.calls))
	}
	for _, err := range errs {
		if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("error leaks the token: %v", err)
		}
	}
	var polls int
	for _, err := range errs {
		if strings.Contains(err.Error(), "telegram getUpdates: HTTP 502") {
			polls++
		}
	}
	if polls != 8 {
		t.Errorf("errors %v: want 8 getUpdates HTTP 502", errs)
	}
}

func TestTelegramDecisionButtons(t *testing.T) {
	rec, srv := newReceiver(t)
	rec.answer = `{"ok":true}`
	tg, err := NewTelegram(TelegramConfig{Token: "123:ABC", ChatID: "-100200", BaseURL: srv.URL, DecisionButtons: true})
	must(t, err)
	a := hostileAlert()
	a.Kind, a.Neuron, a.ProposalID = KindManualDecisionNeeded, 18446744073709551615, 18446744073709551615
	must(t, tg.Send(context.Background(), a))
	kb := rec.last(t)["reply_markup"].(map[string]any)["inline_keyboard"].([]any)
	row := kb[0].([]any)
	if len(kb) != 1 || len(row) != 2 {
		t.Fatalf("keyboard %v: want one row of Yes and No", kb)
	}
	for i, v := range []nns.Vote{nns.VoteYes, nns.VoteNo} {
		data := row[i].(map[string]any)["callback_data"].(string)
		if len(data) > maxCallbackData {
			t.Errorf("callback_data %q has %d bytes, limit %d", data, len(data), maxCallbackData)
		}
		got, err := parseDecisionCallback(data)
		tag := ""
		if a.Governance != "" {
			tag = GovernanceTag(a.Governance)
		}
		if err != nil || got != (decisionCallback{a.ProposalID, a.Neuron, v, tag}) {
			t.Errorf("button %d decodes to %v, %v", i, got, err)
		}
	}
	for _, other := range []Alert{func() Alert { b := a; b.Resolved = true; return b }(),
		func() Alert { b := a; b.Kind = KindProposalAtRisk; return b }()} {
		must(t, tg.Send(context.Background(), other))
		if _, ok := rec.last(t)["reply_markup"]; ok {
			t.Errorf("%s (resolved %v) carries buttons", other.Kind, other.Resolved)
		}
	}
	plain, err := NewTelegram(TelegramConfig{Token: "123:ABC", ChatID: "-100200", BaseURL: srv.URL})
	must(t, err)
	must(t, plain.Send(context.Background(), a))
	if _, ok := rec.last(t)["reply_markup"]; ok {
		t.Error("buttons without DecisionButtons: nothing would answer them")
	}
}

func TestParseDecisionCallbackRejects(t *testing.T) {
	for _, data := range []string{"", "vb1:4:42", "vb2:4:42:y", "vb1:0:42:y", "vb1:-4:42:y", "vb1:4:x:y",
		"vb1:4:42:Y", "vb1:4:42:y:extra", "vb1:99999999999999999999:1:y", strings.Repeat("9", 70)} {
		if c, err := parseDecisionCallback(data); err == nil {
			t.Errorf("parseDecisionCallback(%q) = %v, want an error", data, c)
		}
	}
}

// TestTelegramDecisionsSetAllowedUsers: a reload that replaces 555 with 777
// refuses 555's next press at once (nothing reaches Decide) and accepts 777.
func TestTelegramDecisionsSetAllowedUsers(t *testing.T) {
	f, srv := newFakeBotAPI(t)
	d := &recordingDecider{}
	var sleeps []time.Duration
	td := newDecisions(t, srv.URL, d, &sleeps)
	td.SetAllowedUsers([]int64{777})
	f.press(555, decisionCallback{4, 42, nns.VoteNo, ""}.encode())  // revoked
	f.press(777, decisionCallback{4, 42, nns.VoteYes, ""}.encode()) // newly allowed
	runUntil(t, td, f.answered(2))
	if want := []decisionCallback{{4, 42, nns.VoteYes, ""}}; fmt.Sprint(d.calls) != fmt.Sprint(want) {
		t.Errorf("Decide calls = %v, want %v (the revoked user's No must not be recorded)", d.calls, want)
	}
	answers := f.callsOf("answerCallbackQuery")
	if len(answers) != 2 || answers[0]["text"] != "You are not allowed to decide for this votebot." {
		t.Errorf("answers = %v, want the revoked user refused", answers)
	}
}
