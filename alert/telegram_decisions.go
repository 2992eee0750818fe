package alert

import (
	"github.com/votebot/votebot/internal/sleep"
	"github.com/votebot/votebot/nns"

	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// TelegramDecisionsConfig configures the loop that answers the Yes / No buttons.
type TelegramDecisionsConfig struct {
	Token   string // the bot token: a secret, never logged
	BaseURL string // default https://api.telegram.org; tests point it at httptest
	// AllowedUsers are the Telegram user ids whose presses count. Required: a button in a group
	// chat can be pressed by anyone in it.
	AllowedUsers []int64
	// Decide records a decision; it returns an error wrapping ErrProposalNotOpen,
	// ErrNeuronNotConfigured or ErrBallotCast when the decision cannot apply.
	Decide DecideFunc
	// PollTimeout is getUpdates' long-poll timeout; default 30s.
	PollTimeout time.Duration
	Client      *http.Client // default: a client whose timeout outlasts the long poll
	// Sleep waits between failed polls; default a timer. Tests pass one that records.
	Sleep func(ctx context.Context, d time.Duration) error
	// OnError hears errors the loop survives (a failed poll, a failed answer); may be nil.
	OnError func(error)
	// Presses remembers the presses applied across restarts; nil keeps them in memory only.
	Presses PressLog
}

// PressLog remembers which presses were applied, by callback query id. Telegram delivers an
// update again when the process stopped before the next getUpdates confirmed it, so without it a
// restart could apply a press twice, over a decision the operator made since. *store.Store
// implements it.
type PressLog interface {
	PressApplied(ctx context.Context, callbackID string) (bool, error)
	RecordPress(ctx context.Context, callbackID string, proposal, neuron uint64, v nns.Vote) error
}

// TelegramDecisions long-polls the Bot API's getUpdates (no inbound port) for presses of the
// buttons that Telegram puts under manual-decision alerts, and records them with Decide.
type TelegramDecisions struct {
	cfg     TelegramDecisionsConfig
	base    string                         // .../bot<token>/ — never printed
	allowed atomic.Pointer[map[int64]bool] // replaced by SetAllowedUsers on a reload

	mu      sync.Mutex
	applied map[pressKey]decisionCallback // last decision recorded per governance × proposal × neuron
}

// maxApplied bounds the memory of recorded decisions; past it the memory starts afresh (a
// forgotten repeat is recorded again, which stores the same override again: harmless).
const maxApplied = 4096

// NewTelegramDecisions checks cfg and returns the loop; Run starts it.
func NewTelegramDecisions(cfg TelegramDecisionsConfig) (*TelegramDecisions, error) {
	if cfg.Token == "" || strings.ContainsAny(cfg.Token, "/?#") {
		return nil, errors.New("telegram decisions: missing or malformed bot token")
	}
	if len(cfg.AllowedUsers) == 0 {
		return nil, errors.New("telegram decisions: no allowed user ids")
	}
	if cfg.Decide == nil {
		return nil, errors.New("telegram decisions: no decide function")
	}
	base := cfg.BaseURL
	if base == "" {
		base = "https://api.telegram.org"
	}
	if err := checkURL("telegram base_url", base); err != nil {
		return nil, err
	}
	if cfg.PollTimeout <= 0 {
		cfg.PollTimeout = 30 * time.Second
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{Timeout: cfg.PollTimeout + DefaultTimeout}
	}
	if cfg.Sleep == nil {
		cfg.Sleep = sleep.For
	}
	t := &TelegramDecisions{cfg: cfg, base: strings.TrimSuffix(base, "/") + "/bot" + cfg.Token + "/",
		applied: map[pressKey]decisionCallback{}}
	t.SetAllowedUsers(cfg.AllowedUsers)
	return t, nil
}

// SetAllowedUsers replaces the users whose presses count (a reload): a
// press handled after it returns is judged by ids alone. None: every press
// is refused.
func (t *TelegramDecisions) SetAllowedUsers(ids []int64) {
	allowed := make(map[int64]bool, len(ids))
	for _, id := range ids {
		allowed[id] = true
	}
	t.allowed.Store(&allowed)
}

// Backoff after failed polls: doubling from backoffMin up to backoffMax.
const (
	backoffMin = time.Second
	backoffMax = time.Minute
)

// Run polls until ctx ends, and returns ctx's error then. A failed poll (network, the Bot API's
// 409 when another client polls the same bot) is reported to OnError and retried with backoff.
func (t *TelegramDecisions) Run(ctx context.Context) error {
	var offset int64
	wait := backoffMin
	for ctx.Err() == nil {
		updates, err := t.getUpdates(ctx, offset)
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			t.report(err)
			if err := t.cfg.Sleep(ctx, wait); err != nil {
				break
			}
			wait = min(2*wait, backoffMax)
			continue
		}
		wait = backoffMin
		for _, u := range updates {
			// Acknowledge as we go: the next getUpdates with offset past u confirms it, so a
			// press is handled once even when handling the next one fails.
			offset = max(offset, u.UpdateID+1)
			if u.CallbackQuery != nil {
				t.handle(ctx, *u.CallbackQuery)
			}
		}
	}
	return ctx.Err()
}

func (t *TelegramDecisions) report(err error) {
	if t.cfg.OnError != nil {
		t.cfg.OnError(err)
	}
}

type telegramUpdate struct {
	UpdateID      int64             `json:"update_id"`
	CallbackQuery *telegramCallback `json:"callback_query"`
}

type telegramCallback struct {
	ID   string `json:"id"`
	From struct {
		ID        int64  `json:"id"`
		FirstName string `json:"first_name"`
		Username  string `json:"username"`
	} `json:"from"`
	Message *struct {
		MessageID int64 `json:"message_id"`
		Chat      struct {
			ID int64 `json:"id"`
		} `json:"chat"`
	} `json:"message"`
	Data string `json:"data"`
}

// call posts one Bot API method and decodes its result into out (when not nil).
func (t *TelegramDecisions) call(ctx context.Context, method string, body, out any) error {
	answer, err := postJSON(ctx, t.cfg.Client, t.base+method, body, nil)
	var res struct {
		OK          bool            `json:"ok"`
		Description string          `json:"description"`
		Result      json.RawMessage `json:"result"`
	}
	if jerr := json.Unmarshal(answer, &res); err == nil && (jerr != nil || !res.OK) {
		err = fmt.Errorf("not ok: %s", Truncate(res.Description, 200))
	}
	if err == nil && out != nil {
		if jerr := json.Unmarshal(res.Result, out); jerr != nil {
			err = fmt.Errorf("decode result: %w", jerr)
		}
	}
	if err != nil {
		return fmt.Errorf("telegram %s: %w", method, err)
	}
	return nil
}

func (t *TelegramDecisions) getUpdates(ctx context.Context, offset int64) ([]telegramUpdate, error) {
	var updates []telegramUpdate
	err := t.call(ctx, "getUpdates", map[string]any{
		"offset": offset, "timeout": max(1, int(t.cfg.PollTimeout/time.Second)), // whole seconds
		"allowed_updates": []string{"callback_query"},
	}, &updates)
	return updates, err
}

// handle answers one press. Every press is answered (Telegram shows a spinner until then);
// only an allowed user's fresh decision reaches Decide.
func (t *TelegramDecisions) handle(ctx context.Context, cb telegramCallback) {
	reply, confirm := t.decide(ctx, cb)
	if err := t.call(ctx, "answerCallbackQuery", map[string]any{
		"callback_query_id": cb.ID, "text": Truncate(reply, 200), "show_alert": confirm == "",
	}, nil); err != nil {
		t.report(err)
	}
	if confirm == "" || cb.Message == nil {
		return
	}
	if err := t.call(ctx, "sendMessage", map[string]any{
		"chat_id": cb.Message.Chat.ID, "text": confirm,
		"reply_parameters": map[string]any{"message_id": cb.Message.MessageID, "allow_sending_without_reply": true},
	}, nil); err != nil {
		t.report(err)
	}
}

// decide returns the answer to the press and, when a decision was recorded, the confirmation
// for the chat ("" otherwise).
func (t *TelegramDecisions) decide(ctx context.Context, cb telegramCallback) (reply, confirm string) {
	if !(*t.allowed.Load())[cb.From.ID] {
		return "You are not allowed to decide for this votebot.", ""
	}
	c, err := parseDecisionCallback(cb.Data)
	if err != nil {
		return "This button is not a votebot decision.", ""
	}
	key := pressKey{c.Governance, c.Proposal, c.Neuron}
	t.mu.Lock()
	prev, seen := t.applied[key]
	t.mu.Unlock()
	if seen && prev == c {
		return "Already recorded: " + decisionText(c) + ".", ""
	}
	if t.cfg.Presses != nil {
		done, err := t.cfg.Presses.PressApplied(ctx, cb.ID)
		if err != nil { // unsure whether it was applied: not applied again
			t.report(fmt.Errorf("telegram decision %s: %w", decisionText(c), err))
			return "Could not record the decision; try again or use the console.", ""
		}
		if done { // delivered again after a restart
			return "Already recorded: " + decisionText(c) + ".", ""
		}
	}
	if err := t.cfg.Decide(ctx, c.Governance, c.Proposal, c.Neuron, c.Vote); err != nil {
		if IsStaleDecision(err) {
			return "Not recorded: " + Truncate(err.Error(), 150) + ".", ""
		}
		t.report(fmt.Errorf("telegram decision %s: %w", decisionText(c), err))
		return "Could not record the decision; try again or use the console.", ""
	}
	t.remember(key, c)
	if t.cfg.Presses != nil {
		if err := t.cfg.Presses.RecordPress(ctx, cb.ID, c.Proposal, c.Neuron, c.Vote); err != nil {
			t.report(fmt.Errorf("telegram decision %s applied, but not remembered for a restart: %w", decisionText(c), err))
		}
	}
	return "Recorded: " + decisionText(c) + ".",
		"Recorded " + decisionText(c) + ", decided by " + presser(cb) + ". votebot votes at its next pass."
}

// pressKey is the ballot a decision is about: proposal and neuron numbers repeat across
// governances.
type pressKey struct {
	governance       string
	proposal, neuron uint64
}

func (t *TelegramDecisions) remember(key pressKey, c decisionCallback) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.applied) >= maxApplied {
		clear(t.applied)
	}
	t.applied[key] = c
}

// presser names who pressed: their first name (untrusted, cleaned and bounded; the message is
// plain text, so nothing in it is markup) and id.
func presser(cb telegramCallback) string {
	id := strconv.FormatInt(cb.From.ID, 10)
	if name := Truncate(OneLine(cb.From.FirstName), 40); name != "" {
		return name + " (" + id + ")"
	}
	return id
}
